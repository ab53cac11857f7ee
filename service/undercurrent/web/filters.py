"""The list filters: parsed from query parameters, matched against session summaries.

Links come from Grafana (``${feature:text}`` is ``All`` when nothing is
selected) and from alert annotations (``archetype=any`` for "any failure"), so
those spellings are accepted as wildcards. Feature and domain also match their
bounded metric label, so a link for ``feature=other`` finds the sessions that
were counted as ``other``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from ..metrics.labels import LabelBounds
from ..vocabulary import ARCHETYPES
from .summary import SessionSummary

ANY_ARCHETYPE = "any"
VISIBILITIES = ("none", "visible", "invisible", "mixed")
_WILDCARDS = frozenset({"", "all", "$__all", "*"})


class FilterError(ValueError):
    """A query parameter that cannot be understood; shown to the user as a 400."""


@dataclass(frozen=True, slots=True)
class SessionFilter:
    feature: str | None = None
    domain: str | None = None
    archetype: str | None = None
    signal: str | None = None
    visibility: str | None = None
    since_ms: int | None = None
    until_ms: int | None = None

    def query(self) -> dict[str, str]:
        """The filter as query parameters (times as epoch ms), for links to the next page."""
        values = {
            "feature": self.feature,
            "domain": self.domain,
            "archetype": self.archetype,
            "signal": self.signal,
            "visibility": self.visibility,
            "since": None if self.since_ms is None else str(self.since_ms),
            "until": None if self.until_ms is None else str(self.until_ms),
        }
        return {k: v for k, v in values.items() if v is not None}


def parse_filter(params: Mapping[str, str]) -> SessionFilter:
    archetype = _text(params, "archetype")
    if archetype is not None and archetype not in (*ARCHETYPES, ANY_ARCHETYPE):
        raise FilterError(f"unknown archetype {archetype!r}")
    visibility = _text(params, "visibility")
    if visibility is not None and visibility not in VISIBILITIES:
        raise FilterError(f"unknown visibility {visibility!r}")
    since, until = parse_time(params.get("since")), parse_time(params.get("until"))
    if since is not None and until is not None and since >= until:
        raise FilterError("'since' must be before 'until'")
    return SessionFilter(
        feature=_text(params, "feature"),
        domain=_text(params, "domain"),
        archetype=archetype,
        signal=_text(params, "signal"),
        visibility=visibility,
        since_ms=since,
        until_ms=until,
    )


def parse_time(value: str | None) -> int | None:
    """Epoch milliseconds, or an ISO 8601 date/time (UTC unless it carries an offset)."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(f"not a time: {value!r} (use ISO 8601 or epoch milliseconds)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def matches(f: SessionFilter, s: SessionSummary, bounds: LabelBounds) -> bool:
    """Whether a session is behind the number the filter describes.

    Archetype and visibility match the heuristic estimate or the judge verdict:
    the list shows both, and an alert may be built on either.
    """
    return (
        _label_matches(f.feature, s.feature, bounds.feature(s.feature))
        and _label_matches(f.domain, s.domain, bounds.domain(s.domain))
        and (f.archetype is None or _archetype_matches(f.archetype, s))
        and (f.signal is None or f.signal in s.signals)
        and (f.visibility is None or f.visibility in (s.visibility_hint, s.judge_visibility))
        and (f.since_ms is None or s.closed_at_ms >= f.since_ms)
        and (f.until_ms is None or s.closed_at_ms < f.until_ms)
    )


def _archetype_matches(archetype: str, s: SessionSummary) -> bool:
    if archetype == ANY_ARCHETYPE:
        return bool(s.heuristic_archetypes) or bool(s.judge_archetypes)
    return archetype in s.heuristic_archetypes or archetype in s.judge_archetypes


def _label_matches(wanted: str | None, value: str, bounded: str) -> bool:
    return wanted is None or wanted in (value, bounded)


def _text(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name, "").strip()
    return None if value.lower() in _WILDCARDS else value
