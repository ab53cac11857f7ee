"""Judge incoherence (Hot Mess): the Brier bias² and variance of K sampled verdicts.

For one session and one archetype each of the K verdicts votes ``v_k`` (1 when it names the
archetype, 0 otherwise; a probability would fit the same formulas). With ``p̄`` the mean vote
and ``y`` the reference (1 when the reference names the archetype)::

    bias² = (p̄ − y)²        variance = mean_k (v_k − p̄)²        error = bias² + variance

Over a set of sessions, incoherence = Σ variance / Σ error: a ratio of sums, not a mean of
per-session ratios. It is 0 when every error is systematic (the K verdicts agree on a wrong
answer) and 1 when every error is disagreement among the K verdicts. Where nothing erred
(Σ error = 0) there is nothing to apportion and incoherence has no value.

The reference is the labels in ``undercurrent eval-judge`` and, in production, the ensemble's
own published (majority) verdict. Against its own majority the bias term is the squared share
of the minority, so a production figure measures how the votes split, not whether they are right.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import msgspec

from ..vocabulary import ARCHETYPES


class BrierTerms(msgspec.Struct, frozen=True):
    bias2: float
    variance: float

    @property
    def error(self) -> float:
        return self.bias2 + self.variance


class WeightedTerms(msgspec.Struct, frozen=True, kw_only=True):
    """What one judged ensemble adds to the incoherence counters of one archetype."""

    archetype: str
    variance: float
    error: float


def brier_terms(votes: Sequence[float], reference: float) -> BrierTerms:
    """bias² and variance of K votes (or probabilities) against a reference in [0, 1]."""
    if not votes:
        raise ValueError("brier_terms needs at least one vote")
    mean = math.fsum(votes) / len(votes)
    variance = math.fsum((v - mean) ** 2 for v in votes) / len(votes)
    return BrierTerms(bias2=(mean - reference) ** 2, variance=variance)


def archetype_terms(voted: Sequence[frozenset[str]], reference: frozenset[str]) -> dict[str, BrierTerms]:
    """Per archetype, the terms of the K verdicts' presence votes (archetype names per verdict)."""
    return {
        name: brier_terms([float(name in names) for names in voted], float(name in reference))
        for name in ARCHETYPES
    }


def incoherence(terms: Iterable[BrierTerms]) -> float | None:
    """Σ variance / Σ error; ``None`` (no value, not 0) when nothing erred."""
    listed = list(terms)
    error = math.fsum(t.error for t in listed)
    return math.fsum(t.variance for t in listed) / error if error > 0 else None


def weighted_terms(terms: dict[str, BrierTerms], *, pi: float) -> list[WeightedTerms]:
    """Horvitz–Thompson increments (each term times 1/π) of one judged session.

    The weighted sums estimate the totals over all closed sessions, so their ratio is the
    judge's incoherence on the traffic as the failure-rate estimates weigh it, not only on
    the (risk-skewed) sample. Archetypes without error add nothing and are left out.
    """
    if not 0 < pi <= 1:
        raise ValueError(f"inclusion probability must be in (0, 1], got {pi}")
    return [
        WeightedTerms(archetype=name, variance=t.variance / pi, error=t.error / pi)
        for name, t in terms.items()
        if t.error > 0
    ]
