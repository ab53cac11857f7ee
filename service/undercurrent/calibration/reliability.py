"""How well predicted risks match observed failure rates: reliability table, ECE, AUROC, with intervals.

ECE (expected calibration error) is Σ_b (weight in bin b / total weight) · |observed rate − mean
predicted| over ten equal-width bins of the predicted probability. Its interval is a percentile
bootstrap over groups (conversations or tasks), 95%. An ECE computed from a few hundred examples
is biased upwards by the noise in each bin's observed rate, so a small true miscalibration and
sampling noise look alike at that size: ``ece_if_calibrated`` is the ECE the same predictions
would show on average if they were exactly right (outcomes drawn from them), the floor to
read the measured ECE against.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from ..detectors import bootstrap
from ..estimate.interval import wilson_interval

BINS = 10


class ReliabilityBin(msgspec.Struct, frozen=True, kw_only=True):
    low: float
    high: float
    examples: int
    mean_predicted: float
    observed: float
    observed_ci: tuple[float, float]
    """Wilson 95% on the bin's effective sample size (Kish) when examples carry unequal weights."""


class Calibration(msgspec.Struct, frozen=True, kw_only=True):
    examples: int
    failed: int
    bins: list[ReliabilityBin]
    ece: float
    ece_ci: tuple[float, float]
    auroc: float | None
    auroc_ci: tuple[float, float] | None
    brier: float
    ece_if_calibrated: float


def _bin_index(p: NDArray[np.float64]) -> NDArray[np.int_]:
    index: NDArray[np.int_] = np.minimum((p * BINS).astype(int), BINS - 1)
    return index


def ece(p: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64]) -> float:
    index = _bin_index(p)
    total = np.bincount(index, weights=w, minlength=BINS)
    gap = np.bincount(index, weights=w * (y - p), minlength=BINS)
    return float(np.sum(np.abs(gap)) / np.sum(total))


def ece_if_calibrated(
    p: NDArray[np.float64], w: NDArray[np.float64], rng: np.random.Generator, replicates: int
) -> float:
    """Mean ECE over outcome sets drawn from the predictions themselves."""
    draws = rng.random((replicates, len(p))) < p
    return float(np.mean([ece(p, y.astype(float), w) for y in draws]))


def _auroc(p: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64]) -> float | None:
    if len(set(y[w > 0].tolist())) < 2:
        return None
    return float(roc_auc_score(y, p, sample_weight=w))


def _percentile(values: Sequence[float | None]) -> tuple[float, float] | None:
    finite = [v for v in values if v is not None and np.isfinite(v)]
    if not finite:
        return None
    low, high = np.percentile(finite, [2.5, 97.5])
    return round(float(low), 4), round(float(high), 4)


def _bin(p: NDArray[np.float64], y: NDArray[np.float64], w: NDArray[np.float64], b: int) -> ReliabilityBin | None:
    inside = _bin_index(p) == b
    if not inside.any():
        return None
    pw, yw, ww = p[inside], y[inside], w[inside]
    observed = float(np.average(yw, weights=ww))
    effective = float(ww.sum() ** 2 / np.sum(ww**2))
    n = max(1, round(effective))
    return ReliabilityBin(
        low=b / BINS, high=(b + 1) / BINS, examples=int(inside.sum()),
        mean_predicted=round(float(np.average(pw, weights=ww)), 4), observed=round(observed, 4),
        observed_ci=wilson_interval(round(observed * n), n),
    )


def reliability(
    predicted: Sequence[float],
    failed: Sequence[bool],
    groups: Sequence[str],
    weights: Sequence[float] | None = None,
    *,
    replicates: int = bootstrap.REPLICATES,
    seed: int = bootstrap.SEED,
) -> Calibration:
    p = np.clip(np.asarray(predicted, dtype=float), 0.0, 1.0)
    y = np.asarray(failed, dtype=float)
    w = np.ones(len(p)) if weights is None else np.asarray(weights, dtype=float)
    unit = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    member = np.array([unit[g] for g in groups])
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(unit), np.full(len(unit), 1.0 / len(unit)), size=replicates)
    eces, aurocs = [], []
    for counts in draws:
        rw = w * counts[member]
        eces.append(ece(p, y, rw))
        aurocs.append(_auroc(p, y, rw))
    bins = [b for b in (_bin(p, y, w, i) for i in range(BINS)) if b is not None]
    auroc = _auroc(p, y, w)
    return Calibration(
        examples=len(p), failed=int(y.sum()), bins=bins,
        ece=round(ece(p, y, w), 4), ece_ci=_percentile(eces) or (0.0, 0.0),
        auroc=None if auroc is None else round(auroc, 4), auroc_ci=_percentile(aurocs) if auroc is not None else None,
        brier=round(float(np.average((p - y) ** 2, weights=w)), 4),
        ece_if_calibrated=round(ece_if_calibrated(p, w, rng, replicates), 4),
    )
