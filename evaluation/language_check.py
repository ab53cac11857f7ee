"""How well the language identifier did on conversations whose language was checked by eye."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

from undercurrent.estimate.interval import wilson_interval

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


class RuntimeAccuracy(msgspec.Struct, frozen=True, kw_only=True):
    """The service's session language against the labels' ``language``, with Wilson 95% intervals."""

    conversations: int
    correct: int
    correct_ci: tuple[float, float]
    undetermined: int
    """Sessions the service called ``und`` (too little text) although the label names a language."""
    wrong: int
    """Sessions the service gave a language other than the label's."""
    non_english: tuple[int, int]
    """(correct, labelled) among conversations labelled neither ``en`` nor ``und``."""
    confusions: dict[str, int]
    """``label→service`` for every disagreement."""


def runtime_accuracy(pairs: Sequence[tuple[str, str]]) -> RuntimeAccuracy:
    """``pairs`` of (label's language, service's language)."""
    correct = sum(label == found for label, found in pairs)
    non_english = [(label, found) for label, found in pairs if not _english(label)]
    confusions: dict[str, int] = {}
    for label, found in pairs:
        if label != found:
            confusions[f"{label}→{found}"] = confusions.get(f"{label}→{found}", 0) + 1
    return RuntimeAccuracy(
        conversations=len(pairs), correct=correct, correct_ci=wilson_interval(correct, len(pairs)),
        undetermined=sum(found == "und" != label for label, found in pairs),
        wrong=sum(found not in (label, "und") for label, found in pairs),
        non_english=(sum(label == found for label, found in non_english), len(non_english)),
        confusions=dict(sorted(confusions.items(), key=lambda item: (-item[1], item[0]))),
    )
