"""Detectors against conversations labelled by reading: precision, recall and risk AUROC with intervals.

Matching rule. A signal is scored per turn: a turn the detector reports for a signal is a
true positive when the labeller put the same signal on the same turn index (user signals
sit on the user turn that shows them, AI signals on the assistant turn), a false positive
otherwise; a labelled turn the detector did not report is a false negative. The labels'
``user_corrects_ai`` turns include the implicit corrections (a restated constraint, "did not
work", the same error pasted back, "are you sure"), so its recall counts them; their own
recall is reported as ``user_corrects_ai (implicit)`` (a recall only: the detector does not say
which of its reports are implicit). An archetype flag is scored per
conversation: flagged versus labelled with that archetype. The risk AUROC separates
conversations labelled failed (any failure visibility but ``none``) from the others.

Intervals are bootstrap 95% percentile intervals over conversations, seeded, with the same
replicates for every figure of a group. Groups are the labelled language: all, English,
non-English (``und`` is in neither language group) and every language with at least
``min_language`` conversations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import msgspec
import numpy as np
from numpy.typing import NDArray

from .bootstrap import REPLICATES, SEED, Interval, auroc, auroc_interval, ratio, ratio_interval, replicate_weights

CORRECTION = "user_corrects_ai"
IMPLICIT = f"{CORRECTION} (implicit)"
ENGLISH = "en"
UNDETERMINED = "und"


class LabelledConversation(msgspec.Struct, frozen=True, kw_only=True):
    """What the evaluation needs from one conversation's labels."""

    id: str
    language: str
    failed: bool
    signals: dict[str, tuple[int, ...]]
    implicit_corrections: tuple[int, ...] = ()
    archetypes: frozenset[str] = frozenset()


class Detected(msgspec.Struct, frozen=True, kw_only=True):
    """What the detectors reported for the same conversation."""

    signals: dict[str, tuple[int, ...]]
    archetypes: frozenset[str]
    risk: float


class Estimate(msgspec.Struct, frozen=True):
    value: float | None
    interval: Interval | None


class RateRow(msgspec.Struct, frozen=True, kw_only=True):
    """One signal or flag: labelled positives, reports, hits, precision and recall."""

    name: str
    labelled: int
    reported: int
    hits: int
    precision: Estimate
    recall: Estimate


class GroupReport(msgspec.Struct, frozen=True, kw_only=True):
    group: str
    conversations: int
    failed: int
    risk_auroc: Estimate
    signals: list[RateRow]
    archetypes: list[RateRow]


class LabelledEvaluation(msgspec.Struct, frozen=True, kw_only=True):
    split: str
    seed: int
    replicates: int
    groups: list[GroupReport]
    risk_model: str = ""


class Counts(msgspec.Struct, frozen=True):
    """Per-conversation counts of one row: labelled, reported, hits."""

    labelled: int
    reported: int
    hits: int


def turn_counts(labelled: Iterable[int], reported: Iterable[int]) -> Counts:
    truth, found = set(labelled), set(reported)
    return Counts(len(truth), len(found), len(truth & found))


def flag_counts(labelled: bool, reported: bool) -> Counts:
    return Counts(int(labelled), int(reported), int(labelled and reported))


def row_counts(
    label: LabelledConversation, detected: Detected, signals: Sequence[str], archetypes: Sequence[str]
) -> dict[str, Counts]:
    """Every row's counts for one conversation, signal rows by turn and archetype rows by conversation."""
    rows = {name: turn_counts(label.signals.get(name, ()), detected.signals.get(name, ())) for name in signals}
    if CORRECTION in signals:
        implicit = set(label.implicit_corrections)
        rows[IMPLICIT] = turn_counts(implicit, implicit & set(detected.signals.get(CORRECTION, ())))
    for name in archetypes:
        rows[f"flag {name}"] = flag_counts(name in label.archetypes, name in detected.archetypes)
    return rows


def language_groups(languages: Sequence[str], min_language: int) -> dict[str, Callable[[str], bool]]:
    """Group name -> membership test on the labelled language, in the order the tables show them."""
    groups: dict[str, Callable[[str], bool]] = {
        "all": lambda _: True,
        "English": lambda lang: lang == ENGLISH,
        "non-English": lambda lang: lang not in (ENGLISH, UNDETERMINED),
    }
    counts: dict[str, int] = {}
    for lang in languages:
        counts[lang] = counts.get(lang, 0) + 1
    for lang, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if lang not in (ENGLISH, UNDETERMINED) and count >= min_language:
            groups[lang] = _is_language(lang)
    return groups


def _is_language(lang: str) -> Callable[[str], bool]:
    return lambda candidate: candidate == lang


def _row(name: str, counts: Sequence[Counts], weights: NDArray[np.float64]) -> RateRow:
    labelled = [c.labelled for c in counts]
    reported = [c.reported for c in counts]
    hits = [c.hits for c in counts]
    return RateRow(
        name=name,
        labelled=sum(labelled),
        reported=sum(reported),
        hits=sum(hits),
        precision=(
            Estimate(None, None)
            if name == IMPLICIT
            else Estimate(ratio(hits, reported), ratio_interval(hits, reported, weights))
        ),
        recall=Estimate(ratio(hits, labelled), ratio_interval(hits, labelled, weights)),
    )


def group_report(
    group: str,
    pairs: Sequence[tuple[LabelledConversation, Detected]],
    signals: Sequence[str],
    archetypes: Sequence[str],
    *,
    seed: int,
    replicates: int,
) -> GroupReport:
    weights = replicate_weights(len(pairs), replicates, seed)
    per_conversation = [row_counts(label, detected, signals, archetypes) for label, detected in pairs]
    names = list(per_conversation[0]) if per_conversation else []
    rows = [_row(name, [counts[name] for counts in per_conversation], weights) for name in names]
    failed = [label.failed for label, _ in pairs]
    risks = [detected.risk for _, detected in pairs]
    return GroupReport(
        group=group,
        conversations=len(pairs),
        failed=sum(failed),
        risk_auroc=Estimate(auroc(risks, failed), auroc_interval(risks, failed, weights)),
        signals=[r for r in rows if not r.name.startswith("flag ")],
        archetypes=[r for r in rows if r.name.startswith("flag ")],
    )


def evaluate_labelled(
    pairs: Sequence[tuple[LabelledConversation, Detected]],
    signals: Sequence[str],
    archetypes: Sequence[str],
    *,
    split: str,
    seed: int = SEED,
    replicates: int = REPLICATES,
    min_language: int = 10,
) -> LabelledEvaluation:
    """Every group's report; ``signals`` are the signal names both the labels and the detectors know."""
    groups = language_groups([label.language for label, _ in pairs], min_language)
    reports = []
    for name, member in groups.items():
        chosen = [(label, detected) for label, detected in pairs if member(label.language)]
        if chosen:
            reports.append(group_report(name, chosen, signals, archetypes, seed=seed, replicates=replicates))
    return LabelledEvaluation(split=split, seed=seed, replicates=replicates, groups=reports)


def detected_from(signals: Mapping[str, Iterable[int]], archetypes: Iterable[str], risk: float) -> Detected:
    return Detected(
        signals={name: tuple(sorted(turns)) for name, turns in signals.items()},
        archetypes=frozenset(archetypes),
        risk=risk,
    )
