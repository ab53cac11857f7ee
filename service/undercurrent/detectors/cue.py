"""Cue patterns matched with one multi-pattern scan per text, with results exactly those of ``re``.

Python's ``re`` tries every alternative of a lexicon at every position, 50-600 µs on a
3,000-character answer, and a session's detectors try over a hundred lexicon patterns on a few
dozen texts. Every :class:`Cue` instead registers its pattern with one Hyperscan database. The
first search of a text scans it once against all patterns and remembers which of them may match;
a cue runs its ``re`` pattern only on a text where Hyperscan found its pattern, so every result
(match, span, groups) is the one ``re`` gives, and most cues skip most texts.

Hyperscan gets a wider expression than the pattern (``widen``), compiled in prefilter mode, so
it finds every text ``re`` matches and some more. A pattern it cannot take runs its regex on
every text, as does every pattern on a text that is not valid UTF-8 (a lone surrogate).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import hyperscan

from .memo import text_memo
from .widen import ASCII_FOLDS, Unsupported, widened

_FLAGS = (
    hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
)


def _flags(pattern: re.Pattern[str]) -> int:
    return _FLAGS | (hyperscan.HS_FLAG_CASELESS if pattern.flags & re.IGNORECASE else 0)


def _compile(expressions: list[tuple[int, str, int]]) -> hyperscan.Database:
    database = hyperscan.Database()
    database.compile(
        expressions=[e.encode() for _, e, _ in expressions],
        ids=[i for i, _, _ in expressions],
        elements=len(expressions),
        flags=[f for _, _, f in expressions],
    )
    return database


_FOLDED = tuple(chr(c) for c in ASCII_FOLDS)


def _has_folds(text: str) -> bool:
    """Whether the text holds a letter of ``ASCII_FOLDS``: a few substring searches cost far less than
    ``translate``, which looks up every character of a non-ASCII text."""
    return not text.isascii() and any(c in text for c in _FOLDED)


class Scanner:
    """Every cue pattern in one Hyperscan database, compiled on the first scan after a pattern is added."""

    def __init__(self) -> None:
        self.expressions: list[tuple[int, str, int]] = []
        self.unscanned: set[int] = set()
        """Ids of the patterns Hyperscan does not take; their cues always run the regex."""
        self.end_anchored: set[int] = set()
        """Ids of the expressions with ``$``: one may match a text's head without matching the text."""
        self._count = 0
        self._database: hyperscan.Database | None = None
        self.candidates = text_memo(max_entries=1024)(self.scan)
        """``scan``, cached: a session's cues read the same few dozen texts many times."""

    def add(self, pattern: re.Pattern[str]) -> int:
        """Register a pattern and return its id. Adding after a scan recompiles on the next one."""
        id_ = self._count
        self._count += 1
        try:
            expression = widened(pattern)
            self.expressions.append((id_, expression, _flags(pattern)))
            if "$" in expression:  # the rewrite writes every literal character as an escape
                self.end_anchored.add(id_)
        except Unsupported:
            self.unscanned.add(id_)
        self._database = None
        # candidates is wrapped by text_memo, which attaches the memo to the function.
        self.candidates.memo.clear()  # type: ignore[attr-defined]
        return id_

    def database(self) -> hyperscan.Database:
        if self._database is None:
            try:
                self._database = _compile(self.expressions)
            except hyperscan.error:
                self._drop_rejected()
                self._database = _compile(self.expressions)
        return self._database

    def _drop_rejected(self) -> None:
        """Move the expressions Hyperscan refuses to compile to ``unscanned``."""
        kept = []
        for expression in self.expressions:
            try:
                _compile([expression])
                kept.append(expression)
            except hyperscan.error:
                self.unscanned.add(expression[0])
        self.expressions = kept

    def scan(self, text: str) -> frozenset[int] | None:
        """Ids of the patterns that may match ``text``; None when it cannot be scanned (every one may)."""
        try:
            data = (text.translate(ASCII_FOLDS) if _has_folds(text) else text).encode()
        except UnicodeEncodeError:
            return None
        found = set(self.unscanned)
        if self.expressions:
            self.database().scan(data, match_event_handler=lambda id_, *_: found.add(id_))
        return frozenset(found)


SCANNER = Scanner()
"""The scanner of every lexicon."""


class Cue:
    """A compiled pattern whose ``search``/``match``/``sub`` skip the regex on texts it cannot match."""

    __slots__ = ("pattern", "id", "candidates", "head_safe")

    def __init__(self, pattern: re.Pattern[str], scanner: Scanner = SCANNER) -> None:
        self.pattern = pattern
        self.id = scanner.add(pattern)
        self.candidates = scanner.candidates
        self.head_safe = self.id not in scanner.end_anchored
        """Whether the scan of a text also pre-checks its heads (see ``search_head``)."""

    def possible(self, text: str) -> bool:
        found = self.candidates(text)
        return found is None or self.id in found

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.possible(text) else None

    def search_head(self, head: str, text: str) -> re.Match[str] | None:
        """``search(head)`` for a ``head`` that starts ``text``, pre-checked by the scan of ``text``.

        Hyperscan's expression has no lookaround and no word boundary, only ``^`` and ``$``, so a match
        in the head that does not end on ``$`` is a match in the text: a head (an answer's opening)
        of a text the lexicons scan anyway (the answer's view) costs no scan of its own.
        """
        if self.head_safe and text.startswith(head):
            return self.pattern.search(head) if self.possible(text) else None
        return self.search(head)

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(text) if self.possible(text) else None

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        return self.pattern.sub(repl, text, count=count) if self.possible(text) else text


class AnyCue:
    """Cues tried in turn; ``search`` returns the first cue's match (not the leftmost of all).

    The text's candidates are looked up once for all the cues, which share one scanner.
    """

    __slots__ = ("cues", "candidates", "head_safe")

    def __init__(self, cues: Iterable[Cue]) -> None:
        self.cues = tuple(cues)
        scanners = {id(cue.candidates) for cue in self.cues}
        if len(scanners) > 1:
            raise ValueError("the cues of an AnyCue must share one scanner")
        self.candidates = self.cues[0].candidates if self.cues else SCANNER.candidates
        self.head_safe = all(cue.head_safe for cue in self.cues)

    def search(self, text: str) -> re.Match[str] | None:
        return self._first(text, self.candidates(text))

    def search_head(self, head: str, text: str) -> re.Match[str] | None:
        """``search(head)`` for a ``head`` that starts ``text``, pre-checked by the scan of ``text`` (see ``Cue``)."""
        if self.head_safe and text.startswith(head):
            return self._first(head, self.candidates(text))
        return self.search(head)

    def _first(self, text: str, found: frozenset[int] | None) -> re.Match[str] | None:
        for cue in self.cues:
            if (found is None or cue.id in found) and (match := cue.pattern.search(text)):
                return match
        return None
