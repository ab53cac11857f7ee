"""The model-assisted and plain Horvitz–Thompson recording rules, re-stated in numpy.

``undercurrent.estimate.assisted_rules`` generates the PromQL; this module computes
the same three stages from the same counter increases, vectorised over any leading
axes (repetitions of a simulation, windows), so the simulations test exactly what
Prometheus will record. ``tests/unit/test_promtool_assisted.py`` runs the generated
rules in promtool on synthetic counters and checks them against this mirror.

Shapes: per-stratum counters are ``(..., S)``, per-cell counters ``(..., S, C)``
for S (feature, domain) strata and C (archetype, measure) cells. A level is a
0/1 matrix ``(S, G)`` mapping strata to the level's groups (``sum by``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from undercurrent.estimate.assisted_rules import PSEUDO_FAILURES
from undercurrent.estimate.interval import Z95

Z = Z95


@dataclass(frozen=True)
class Counters:
    """Increases of every counter over one window, summed over replicas (what ``sum by`` sees)."""

    closed: np.ndarray
    sampled: np.ndarray
    judged: np.ndarray
    inclusion_weight: np.ndarray
    predicted: np.ndarray
    predicted_sq: np.ndarray
    predicted_sq_weight: np.ndarray
    failure_weight: np.ndarray
    failure_weight_sq: np.ndarray
    prediction_weight: np.ndarray
    hit_weight: np.ndarray
    hit_weight_sq: np.ndarray

    def __add__(self, other: Counters) -> Counters:
        """Two replicas, or two adjacent windows: counters add."""
        return Counters(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


class Interval(NamedTuple):
    rate: np.ndarray
    stderr: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


class Estimates(NamedTuple):
    ht: Interval
    assisted: Interval

    def chosen(self) -> tuple[Interval, np.ndarray]:
        """Stage 4: the estimator with the narrower interval, and where that is the model-assisted one."""
        assisted = (self.assisted.upper - self.assisted.lower) < (self.ht.upper - self.ht.lower)
        return Interval(*(np.where(assisted, a, h) for a, h in zip(self.assisted, self.ht, strict=True))), assisted


def response_ratio(judged: np.ndarray, sampled: np.ndarray) -> np.ndarray:
    """``(clamp_max(judged / sampled, 1) > 0) or 1``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.minimum(judged / sampled, 1.0)
    return np.where(ratio > 0, ratio, 1.0)


def estimates(counters: Counters, level: np.ndarray) -> Estimates:
    """Stages 1–3 of the recording rules for one level; NaN where the level has no closed session."""
    c = counters
    r = response_ratio(c.judged, c.sampled)
    rc = r[..., None]

    def by_level(x: np.ndarray) -> np.ndarray:
        return np.swapaxes(np.swapaxes(x, -1, -2) @ level, -1, -2)

    closed = (c.closed @ level)[..., None]
    weight = ((c.inclusion_weight / r) @ level)[..., None]
    h = by_level(c.failure_weight / rc)
    h2 = by_level(c.failure_weight_sq / rc**2)
    pw = by_level(c.prediction_weight / rc)
    g1 = by_level(c.hit_weight / rc)
    g2 = by_level(c.hit_weight_sq / rc**2)
    predicted = by_level(c.predicted)
    known = by_level(c.predicted_sq_weight / rc - c.predicted_sq)
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(closed > 0, closed, np.nan)
        wbar = weight / n
        continuity = 0.5 * np.where(h > 0, h2 / h, wbar)
    failure_part = h2 - h
    ht = _interval(h, 0.0, failure_part, h, wbar, continuity, n)
    assisted = _interval(predicted + h - pw, known, failure_part - 2 * (g2 - g1), h, wbar, continuity, n)
    return Estimates(ht, assisted)


def _interval(
    total: np.ndarray,
    known: np.ndarray | float,
    failure_part: np.ndarray,
    h: np.ndarray,
    wbar: np.ndarray,
    continuity: np.ndarray,
    n: np.ndarray,
) -> Interval:
    k = PSEUDO_FAILURES
    slope = (failure_part + k * (wbar - 1) * wbar) / (h + k * wbar)

    def root(centre: np.ndarray, sign: float) -> np.ndarray:
        spread = np.sqrt(np.maximum(known + slope * centre + Z * Z / 4 * slope**2, 0))
        return centre + Z * Z / 2 * slope + sign * Z * spread

    low, high = total - continuity, total + continuity
    return Interval(
        rate=total / n,
        stderr=np.sqrt(np.maximum(known + failure_part, 0)) / n,
        lower=np.clip(np.minimum(low, root(low, -1)) / n, 0, 1),
        upper=np.clip(np.maximum(high, root(high, 1)) / n, 0, 1),
    )
