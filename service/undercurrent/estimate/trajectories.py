"""Horvitz–Thompson bookkeeping for judged agent trajectories.

A trajectory judged with inclusion probability π adds ``1/π`` to
``undercurrent_trajectory_weight_total{outcome}`` (``success`` when no step has a major or
critical error, else ``failure``) and ``v = (1 − π)/π²`` to its variance counter. The success
rate is the Hájek ratio S / W of the weighted successes to all weighted trajectories, with
the linearised variance ((1 − R)² V_success + R² V_failure) / W², as for flag precision.

Step errors per trajectory, for each category and severity, are the ratio Y / W where the
trajectory adds ``y/π`` for its ``y`` errors of that kind. Its linearised variance is
Σ v (y − R)² / W² = (Σ v y² − 2R Σ v y + R² Σ v) / W², so each kind exports ``Σ v y²``
(``…_variance``) and ``Σ v y`` (``…_cross``); ``Σ v`` is the trajectories' variance counters.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from ..judge.steps import Trajectory, error_counts, succeeded
from .weights import check_probability

TrajectoryOutcome = Literal["success", "failure"]
TRAJECTORY_OUTCOMES: tuple[TrajectoryOutcome, ...] = ("success", "failure")


class StepErrorIncrement(NamedTuple):
    branch: str
    category: str
    severity: str
    weight: float
    """y/π"""
    variance: float
    """(1-π)/π² · y²"""
    cross: float
    """(1-π)/π² · y"""


class TrajectoryIncrement(NamedTuple):
    outcome: TrajectoryOutcome
    weight: float
    variance: float
    errors: tuple[StepErrorIncrement, ...]


def trajectory_increment(trajectory: Trajectory, *, pi: float) -> TrajectoryIncrement:
    check_probability(pi)
    weight, variance = 1 / pi, (1 - pi) / pi**2
    errors = tuple(
        StepErrorIncrement(e.branch, e.category, e.severity, e.count * weight, e.count**2 * variance,
                           e.count * variance)
        for e in error_counts(trajectory.steps)
    )  # fmt: skip
    outcome: TrajectoryOutcome = "success" if succeeded(trajectory.steps) else "failure"
    return TrajectoryIncrement(outcome, weight, variance, errors)
