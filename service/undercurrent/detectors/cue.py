"""Regex cues with a cheap literal pre-check that never changes the result.

Python's ``re`` tries every alternative of a lexicon at every position, which costs
50-600 µs on a 3,000-character answer. Each pattern is parsed once (with the parser
``re.compile`` itself uses) for a set of literal strings one of which every match must
contain. A search first looks for one of them in the lower-cased text with ``in`` and
runs the regex only when one is there, which most turns are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from .memo import text_memo

Strings = frozenset[str]
_MAX_STRINGS = 64
_EAST_ASIAN = 0x2E80  # CJK radicals onwards: kana, ideographs, Hangul, full-width punctuation
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _pick(a: Strings | None, b: Strings | None) -> Strings | None:
    """The more selective of two requirement sets: the one whose shortest string is longer."""
    ranked = [s for s in (a, b) if s and "" not in s]
    return max(ranked, key=lambda s: (min(map(len, s)), -len(s)), default=None)


def _node(op: Any, av: Any) -> tuple[Strings | None, Strings | None]:
    """(every string the node can match if it is pure literal, else None; one-of-these-is-contained)."""
    if op is sre.LITERAL:
        return frozenset({chr(av).lower()}), frozenset({chr(av).lower()})
    if op in _ZERO_WIDTH:
        return frozenset({""}), None
    if op is sre.SUBPATTERN:
        return _sequence(av[3])
    if op is sre.ATOMIC_GROUP:
        return None, _sequence(av)[1]
    if op in _REPEATS:
        return None, (_sequence(av[2])[1] if av[0] >= 1 else None)
    if op is sre.BRANCH:
        parts = [_sequence(alt) for alt in av[1]]
        exact = None if any(e is None for e, _ in parts) else frozenset().union(*(e for e, _ in parts))
        required = None if any(not r or "" in r for _, r in parts) else frozenset().union(*(r for _, r in parts))
        return (exact if exact is not None and len(exact) <= _MAX_STRINGS else None), required
    return None, None


def _sequence(items: Any) -> tuple[Strings | None, Strings | None]:
    best: Strings | None = None
    run: Strings | None = frozenset({""})
    pure = True
    for op, av in items:
        exact, required = _node(op, av)
        if exact is not None and run is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = frozenset(r + e for r in run for e in exact)
            continue
        pure = False
        best = _pick(_pick(best, run), required)
        run = exact
    best = _pick(best, run)
    return (run if pure else None), best


def required_literals(pattern: re.Pattern[str]) -> Strings | None:
    """Lower-case strings one of which every match contains, or None when there is no such set.

    Only ASCII literals and caseless East Asian ones are used: for those, an ``IGNORECASE`` match
    implies the literal in ``text.lower()`` once the two case-folding exceptions (long s, dotless i)
    are mapped.
    """
    required = _sequence(_parser.parse(pattern.pattern, pattern.flags))[1]
    return required if required and all(map(_foldable, required)) else None


def _foldable(literal: str) -> bool:
    """ASCII, or caseless characters of the East Asian scripts, which ``lower()`` leaves as they are."""
    return literal.isascii() or all(
        ch.isascii() or (ord(ch) >= _EAST_ASIAN and ch.lower() == ch == ch.upper()) for ch in literal
    )


@text_memo(max_entries=1024)
def fold(text: str) -> str:
    """Lower-cased text for the literal pre-check; cached, since every cue of a session folds the same views."""
    low = text.lower()
    return low if low.isascii() else low.replace("ſ", "s").replace("ı", "i")


class Cue:
    """A compiled pattern whose ``search``/``match``/``sub`` skip the regex when no required literal occurs."""

    __slots__ = ("pattern", "literals")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.literals = required_literals(pattern)

    def possible(self, text: str) -> bool:
        if self.literals is None:
            return True
        low = fold(text)
        return any(s in low for s in self.literals)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.possible(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(text) if self.possible(text) else None

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        return self.pattern.sub(repl, text, count=count) if self.possible(text) else text


class AnyCue:
    """Cues tried in turn, each with its own literal pre-check; ``search`` returns the first match.

    One pattern of many alternatives needs only one of its shortest literals ("no", "is"), which
    occur in almost every text, so the regex runs everywhere. Split into one cue per alternative,
    most alternatives are skipped by a substring test.
    """

    __slots__ = ("cues",)

    def __init__(self, cues: Iterable[Cue]) -> None:
        self.cues = tuple(cues)

    def search(self, text: str) -> re.Match[str] | None:
        for cue in self.cues:
            if found := cue.search(text):
                return found
        return None
