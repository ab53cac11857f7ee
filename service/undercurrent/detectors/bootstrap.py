"""Bootstrap intervals over conversations: ratios of summed counts and the AUROC.

The unit of resampling is the conversation, since the turns of one conversation are not
independent. Every replicate is a vector of multinomial weights (how often each
conversation was drawn), so a ratio of sums or an AUROC is a weighted statistic of the
original data and nothing is copied. Intervals are percentile intervals; the generator is
seeded so a report can be reproduced exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Interval = tuple[float, float]
LEVEL = 0.95
REPLICATES = 2000
"""Replicates every evaluation report uses unless told otherwise."""
SEED = 20261130
"""The fixed seed that makes a published report reproducible."""


def replicate_weights(n: int, reps: int, seed: int) -> NDArray[np.float64]:
    """``reps`` × ``n`` draw counts: row ``b`` says how often each of ``n`` units is in replicate ``b``."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=reps).astype(np.float64)


def percentile_interval(values: NDArray[np.float64]) -> Interval | None:
    """The central ``LEVEL`` percentile interval of the finite replicate values."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float | None:
    den = float(np.sum(denominator))
    return float(np.sum(numerator)) / den if den else None


def ratio_interval(
    numerator: Sequence[float], denominator: Sequence[float], weights: NDArray[np.float64]
) -> Interval | None:
    """Interval of sum(numerator)/sum(denominator); replicates with an empty denominator are dropped."""
    if not np.sum(denominator):
        return None
    num = weights @ np.asarray(numerator, dtype=np.float64)
    den = weights @ np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return percentile_interval(np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan))


def _comparisons(scores: NDArray[np.float64], positive: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Positives × negatives: 1 where the positive scores higher, 0.5 on ties, 0 otherwise."""
    pos, neg = scores[positive][:, None], scores[~positive][None, :]
    comparisons: NDArray[np.float64] = (pos > neg) + 0.5 * (pos == neg)
    return comparisons


def auroc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half)."""
    s, p = np.asarray(scores, dtype=np.float64), np.asarray(positive, dtype=bool)
    if p.all() or not p.any():
        return None
    return float(_comparisons(s, p).mean())


def auroc_replicates(
    scores: Sequence[float], positive: Sequence[bool], weights: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    """The AUROC of each replicate (NaN where a replicate drew no positive or no negative)."""
    s, p = np.asarray(scores, dtype=np.float64), np.asarray(positive, dtype=bool)
    if p.all() or not p.any():
        return None
    w_pos, w_neg = weights[:, p], weights[:, ~p]
    wins = ((w_pos @ _comparisons(s, p)) * w_neg).sum(axis=1)
    pairs = w_pos.sum(axis=1) * w_neg.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1.0), np.nan)


def auroc_interval(scores: Sequence[float], positive: Sequence[bool], weights: NDArray[np.float64]) -> Interval | None:
    replicates = auroc_replicates(scores, positive, weights)
    return None if replicates is None else percentile_interval(replicates)
