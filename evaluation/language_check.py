"""How well the language identifier did on conversations whose language was checked by eye."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

Pool = Literal["sampled_non_english", "english_population"]


class LanguageCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One conversation: what the identifier said and what a reader saw."""

    id: str
    pool: Pool
    identifier: str
    by_eye: str
    note: str = ""


class CheckSummary(msgspec.Struct, frozen=True, kw_only=True):
    checked: int
    english_or_not_correct: int
    non_english_precision: tuple[int, int]
    english_correct: tuple[int, int]
    language_exact_among_non_english: tuple[int, int]


def _english(code: str) -> bool:
    return code in ("en", "und")


def summarise(checks: Sequence[LanguageCheck]) -> CheckSummary:
    flagged = [c for c in checks if c.pool == "sampled_non_english"]
    english = [c for c in checks if c.pool == "english_population"]
    truly_other = [c for c in flagged if not _english(c.by_eye)]
    return CheckSummary(
        checked=len(checks),
        english_or_not_correct=sum(_english(c.identifier) == _english(c.by_eye) for c in checks),
        non_english_precision=(len(truly_other), len(flagged)),
        english_correct=(sum(_english(c.by_eye) for c in english), len(english)),
        language_exact_among_non_english=(sum(c.identifier == c.by_eye for c in truly_other), len(truly_other)),
    )
