"""Bounded label values: a producer cannot create new time series by sending new names."""

from __future__ import annotations

from collections.abc import Iterable

from ..vocabulary import VERTICALS

OTHER = "other"
UNKNOWN_DOMAIN = "unknown"
UNDETERMINED_LANGUAGE = "und"


class LabelBounds:
    """Maps free-form feature and domain names onto an allow-list plus ``other``."""

    def __init__(self, features: Iterable[str], domains: Iterable[str] | None = None) -> None:
        self.features = frozenset(features)
        self.domains = frozenset(domains if domains is not None else (*VERTICALS, UNKNOWN_DOMAIN))

    def feature(self, value: str | None) -> str:
        return value if value in self.features else OTHER

    def pairs(self) -> list[tuple[str, str]]:
        """Every (feature, domain) label pair, ``other`` included, for pre-creating series at zero."""
        return [(f, d) for f in (*sorted(self.features), OTHER) for d in (*sorted(self.domains), OTHER)]

    def domain(self, value: str | None) -> str:
        if value is None:
            return UNKNOWN_DOMAIN
        return value if value in self.domains else OTHER


class LanguageBounds:
    """Maps a session's language onto the configured list, ``other`` and ``und`` (too little text to tell)."""

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = frozenset(languages) - {OTHER, UNDETERMINED_LANGUAGE}

    def language(self, value: str | None) -> str:
        if value is None or value == UNDETERMINED_LANGUAGE:
            return UNDETERMINED_LANGUAGE
        return value if value in self.languages else OTHER

    def values(self) -> tuple[str, ...]:
        """Every label value, for pre-creating series at zero."""
        return (*sorted(self.languages), OTHER, UNDETERMINED_LANGUAGE)


def release_name(model: str | None, prompt_version: str | None) -> str | None:
    """The release a turn came from, ``model@prompt_version``; None when the producer sent neither."""
    if model is None and prompt_version is None:
        return None
    return f"{model or '-'}@{prompt_version or '-'}"


class ReleaseBounds:
    """Maps release names onto the allow-list, the ``top_n`` busiest other releases, and ``other``.

    Allow-listed releases (the baseline among them) always keep their name. The
    rest compete for ``top_n`` slots by recent traffic: every session adds one to
    its release's score, and every ``decay_every`` sessions all scores halve, so a
    release that stops receiving traffic loses its slot to a newer, busier one. A
    release needs ``min_sessions`` of score before it may take a slot, so a producer
    that sends a new name with every session (a request id in ``prompt_version``)
    never creates a series: those names stay ``other``. Candidates are kept in a
    table of at most ``4 * top_n + 16`` entries; a new name evicts the weakest.

    At any moment at most ``len(allow) + top_n + 1`` label values are in use.
    """

    def __init__(
        self, allow: Iterable[str], top_n: int, *, min_sessions: float = 20, decay_every: int = 1000
    ) -> None:
        if top_n < 0 or min_sessions < 1 or decay_every < 1:
            raise ValueError("top_n must be >= 0, min_sessions and decay_every >= 1")
        self.allow = frozenset(allow) - {OTHER}
        self.top_n = top_n
        self.min_sessions = min_sessions
        self.decay_every = decay_every
        self.capacity = 4 * top_n + 16
        self.slots: dict[str, float] = {}
        self.candidates: dict[str, float] = {}
        self._seen = 0

    def label(self, name: str | None) -> str:
        """The label value for a release without counting traffic (``other`` for an unnamed one)."""
        if name is None:
            return OTHER
        return name if name in self.allow or name in self.slots else OTHER

    def observe(self, name: str | None) -> str:
        """Counts one session of ``name`` and returns its label value."""
        self._seen += 1
        if self._seen % self.decay_every == 0:
            self._decay()
        if name is None or name in self.allow:
            return self.label(name)
        if name in self.slots:
            self.slots[name] += 1
            return name
        score = self.candidates.pop(name, 0.0) + 1
        if score >= self.min_sessions and self._take_slot(name, score):
            return name
        while len(self.candidates) >= self.capacity:
            del self.candidates[min(self.candidates, key=self.candidates.__getitem__)]
        self.candidates[name] = score
        return OTHER

    def values(self) -> tuple[str, ...]:
        """The label values in use now, ``other`` last."""
        return (*sorted(self.allow), *sorted(self.slots), OTHER)

    def _take_slot(self, name: str, score: float) -> bool:
        if len(self.slots) < self.top_n:
            self.slots[name] = score
            return True
        if not self.slots:
            return False
        weakest = min(self.slots, key=self.slots.__getitem__)
        if self.slots[weakest] >= score:
            return False
        self.candidates[weakest] = self.slots.pop(weakest)
        self.slots[name] = score
        return True

    def _decay(self) -> None:
        for table in (self.slots, self.candidates):
            for key in table:
                table[key] /= 2
