"""How far the inline detectors agree with the judge, as Horvitz–Thompson weighted confusion counts.

Every judged session adds, for each watched flag, one outcome: ``tp`` (the detector flagged it
and the judge agrees), ``fp`` (flagged, the judge disagrees), ``fn`` (the judge found it, the
detector did not) or ``tn``. A heuristic archetype flag is compared with the same archetype in
the verdict; a signal, which names no archetype, with the verdict's "the session failed".

Weighted by 1/π, the counts estimate the confusion table of *all* closed sessions, so PromQL
gets precision = tp / (tp + fp) and recall = tp / (tp + fn) over any window. Both are ratios of
HT totals; their linearised variance needs only per-outcome sums of (1-π)/π²:

    Var(tp / (tp + x)) ≈ ((1-R)² V_tp + R² V_x) / (tp + x)²,  x = fp or fn, R the ratio,

which is why the variance term is exported per outcome too.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, NamedTuple, get_args

from ..vocabulary import ARCHETYPES
from .weights import check_probability

Outcome = Literal["tp", "fp", "fn", "tn"]
FlagKind = Literal["archetype", "signal"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

AGREEMENT_SIGNALS: tuple[str, ...] = (
    "user_corrects_ai",
    "user_expresses_frustration",
    "user_expresses_dissatisfaction",
    "user_repeats_request",
    "thumbs_down",
    "regenerate",
    "ai_malfunction",
    "repetition",
    "tool_error",
    "action_without_confirmation",
)
"""The signals watched: those that say most directly that a session went wrong. Bounded on
purpose: each adds a label value to three counters."""

FLAGS: tuple[tuple[FlagKind, str], ...] = (
    *(("archetype", a) for a in ARCHETYPES),
    *(("signal", s) for s in AGREEMENT_SIGNALS),
)


class AgreementIncrement(NamedTuple):
    kind: FlagKind
    flag: str
    outcome: Outcome
    weight: float
    """1/π."""
    variance: float
    """(1-π)/π²."""


def outcome(flagged: bool, judged: bool) -> Outcome:
    if flagged:
        return "tp" if judged else "fp"
    return "fn" if judged else "tn"


def agreement_increments(
    *,
    heuristic_archetypes: Collection[str],
    signals: Collection[str],
    judged_archetypes: Collection[str],
    judged_failure: bool,
    pi: float,
) -> tuple[AgreementIncrement, ...]:
    """One increment per watched flag for a judged session with inclusion probability ``pi``."""
    check_probability(pi)
    weight, variance = 1.0 / pi, (1.0 - pi) / pi**2
    increments = []
    for kind, flag in FLAGS:
        if kind == "archetype":
            result = outcome(flag in heuristic_archetypes, flag in judged_archetypes)
        else:
            result = outcome(flag in signals, judged_failure)
        increments.append(AgreementIncrement(kind, flag, result, weight, variance))
    return tuple(increments)
