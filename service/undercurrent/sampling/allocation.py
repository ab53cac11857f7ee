"""Spending judge calls where they pay: π driven by the predicted residual spread.

Under Poisson sampling the model-assisted estimate of archetype a has variance
Σ (y_a − f_a)² (1 − π)/π over all closed sessions. With calibrated predictions
E[(y_a − f_a)² | f_a] = f_a(1 − f_a), so the π that minimises the summed variance
of all archetypes for a given expected number of judged sessions is proportional
to √(Σ_a f_a(1 − f_a)) (Neyman allocation): sessions whose outcome the detectors
already predict well are judged less, uncertain ones more.

``spread_driver`` turns a session's predictions into a driver in [0, 1] that
replaces the risk score in ``inclusion_probability`` (π = base + (full − base) ·
driver, within the stratum minimums, budget scale and floor, so π is never 0).
``neyman_probabilities`` sets π exactly proportional to a driver for a known set
of sessions and an expected number to judge, e.g. a window judged in one batch.

The optimum assumes *calibrated* f. Flag scores that are 0 for every unflagged
session claim certainty they do not have and would starve those sessions of
judgements: use risk-driven π until the predictions are calibrated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..estimate.predictions import FailurePredictions
from ..estimate.weights import ANY
from ..vocabulary import ARCHETYPES

MAX_SPREAD = 0.5  # √(f(1 − f)) is largest at f = 1/2


def spread_driver(predictions: FailurePredictions) -> float:
    """√(mean over archetypes and ``any`` of f(1 − f)) ÷ 0.5, in [0, 1]."""
    cells = (*ARCHETYPES, ANY)
    variance = sum(f * (1 - f) for f in (predictions.value(a, "failure") for a in cells)) / len(cells)
    return min(1.0, math.sqrt(variance) / MAX_SPREAD)


def neyman_probabilities(drivers: Sequence[float], expected_judged: float, floor: float) -> list[float]:
    """π_i = min(1, max(floor, c · driver_i)) with c chosen so that Σ π_i = ``expected_judged``.

    Raises when the target is below ``floor · len(drivers)`` (the floor alone
    judges more) or more than the drivers can reach (sessions with driver 0 stay at the floor).
    """
    n = len(drivers)
    if not 0 < floor <= 1:
        raise ValueError(f"floor must be in (0, 1], got {floor!r}")
    if any(not (math.isfinite(d) and d >= 0) for d in drivers):
        raise ValueError("drivers must be finite and non-negative")
    if not floor * n <= expected_judged <= n:
        raise ValueError(f"expected_judged must be in [{floor * n}, {n}], got {expected_judged!r}")

    def total(c: float) -> float:
        return sum(min(1.0, max(floor, c * d)) for d in drivers)

    reachable = sum(1.0 if d > 0 else floor for d in drivers)
    if expected_judged > reachable:
        raise ValueError(f"drivers reach at most {reachable} expected judged sessions")
    low, high = 0.0, 1.0
    while total(high) < expected_judged:
        high *= 2
    for _ in range(100):
        mid = (low + high) / 2
        if total(mid) < expected_judged:
            low = mid
        else:
            high = mid
    return [min(1.0, max(floor, high * d)) for d in drivers]
