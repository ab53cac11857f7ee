"""Judged sessions and USD per day for ±2 points (95%) per archetype per day at 10,000 sessions a day.

    .venv/bin/python -m tests.simulation.cost_table

One day of 10,000 closed sessions with the taxonomy's archetype rates; the same
verdicts under each detector model (``populations``). For a design (π ∝ a driver,
within a floor, scaled to n expected judged sessions) the variance of the daily
rate of archetype a is Σ z²(1/π − 1)/N² with z = y (plain HT) or y − f
(model-assisted), over the simulated sessions; ``judged_for_half_width`` finds the n
that makes 1.96·SE = 2 points, and the largest n over the archetypes is what the
day needs. ``check`` then samples at that n through the counters and the rules'
mirror and measures the variance and interval width actually achieved.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from bench.judge_cost import judged_for_half_width, usd_per_day

from undercurrent.estimate.predictions import CELLS
from undercurrent.estimate.weights import ANY
from undercurrent.sampling.allocation import spread_driver
from undercurrent.vocabulary import ARCHETYPES

from .coverage import rates
from .engine import predictions_of, simulate, window
from .populations import Population, make_population
from .promql_mirror import estimates

SESSIONS = 10_000
HALF_WIDTH = 0.02
FLOOR = 0.01
SEED = 21
CHECK_REPETITIONS = 1000
ARCHETYPE_CELLS = [CELLS.index((a, "failure")) for a in (ANY, *ARCHETYPES)]
MODELS = {"Sonnet 4.6": "claude-sonnet-4-6", "Haiku 4.5": "claude-haiku-4-5"}


DETECTORS = {
    "current": ("today's flag scores", "flags"),
    "recalibrated": ("today's flags recalibrated", "flags recal."),
    "calibrated-0.75": ("calibrated AUROC 0.75", "0.75"),
    "calibrated-0.80": ("calibrated AUROC 0.80", "0.80"),
    "calibrated-0.90": ("calibrated AUROC 0.90", "0.90"),
}
DESIGNS = {"uniform": "π uniform", "risk": "π from today's risk score", "spread": "π from residual spread"}


@dataclass(frozen=True)
class Row:
    estimator: str  # "ht" or "assisted"
    detectors: str  # a key of DETECTORS; plain HT ignores the predictions
    design: str  # a key of DESIGNS

    @property
    def label(self) -> str:
        if self.estimator == "ht":
            return f"plain HT, {DESIGNS[self.design]}"
        return f"model-assisted, {DETECTORS[self.detectors][0]}, {DESIGNS[self.design]}"

    @property
    def short(self) -> str:
        name = "HT" if self.estimator == "ht" else f"MA {DETECTORS[self.detectors][1]}"
        return name if self.design == "uniform" else f"{name}, {self.design} π"


ROWS = (
    Row("ht", "current", "uniform"),
    Row("ht", "current", "risk"),
    Row("assisted", "current", "uniform"),
    Row("assisted", "recalibrated", "uniform"),
    *(Row("assisted", f"calibrated-{auroc}", design) for auroc in ("0.75", "0.80", "0.90")
      for design in ("uniform", "spread")),
)


def _day(detectors: str, seed: int) -> Population:
    model, _, auroc = detectors.partition("-")
    return make_population([("chat", "general")], [1.0], rates(), SESSIONS, model, seed, auroc=float(auroc or 0.78))


def recalibrated(population: Population, dev: Population) -> Population:
    """Today's predictions mapped to the failure share each value had in a separate day (the dev set)."""
    f = population.f.copy()
    for c in range(len(CELLS)):
        quiet = population.f[:, c] <= dev.f[:, c].min()
        dev_quiet = dev.f[:, c] <= dev.f[:, c].min()
        f[:, c] = np.where(quiet, dev.y[dev_quiet, c].mean(), dev.y[~dev_quiet, c].mean() if (~dev_quiet).any() else 0)
    return Population(population.strata, population.stratum, population.hour, population.named,
                      population.visibility, population.y, f, population.risk)


@cache
def population(detectors: str) -> Population:
    if detectors == "recalibrated":
        return recalibrated(_day("current", SEED), _day("current", SEED + 1))
    return _day(detectors, SEED)


@cache
def drivers(row: Row) -> np.ndarray:
    pop = population(row.detectors)
    if row.design == "uniform":
        return np.ones(pop.size)
    if row.design == "risk":
        return 0.05 + 0.45 * pop.risk  # today's policy: base 0.05, full-risk 0.5
    return np.array([spread_driver(predictions_of(pop, i)) for i in range(pop.size)])


def probabilities(driver: np.ndarray, expected: float) -> np.ndarray:
    """π = min(1, max(FLOOR, c · driver)) with Σ π = expected (numpy form of ``neyman_probabilities``)."""
    low, high = 0.0, 1.0
    while np.minimum(1, np.maximum(FLOOR, high * driver)).sum() < expected:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if np.minimum(1, np.maximum(FLOOR, mid * driver)).sum() < expected else (low, mid)
    return np.minimum(1, np.maximum(FLOOR, high * driver))


def residuals(row: Row) -> np.ndarray:
    pop = population(row.detectors)
    y = pop.y[:, ARCHETYPE_CELLS]
    return y if row.estimator == "ht" else y - pop.f[:, ARCHETYPE_CELLS]


def variance(row: Row, expected: float) -> np.ndarray:
    """Design variance of every archetype's daily rate at ``expected`` judged sessions."""
    pi = probabilities(drivers(row), expected)
    z = residuals(row)
    return ((z * z) * (1 / pi - 1)[:, None]).sum(axis=0) / SESSIONS**2


@cache
def needed(row: Row) -> np.ndarray:
    """Judged sessions per day for ±2 points on each archetype (``any`` first, then ARCHETYPES order)."""
    floor_n = FLOOR * SESSIONS
    out = []
    for k in range(len(ARCHETYPE_CELLS)):
        n = judged_for_half_width(lambda e, k=k: float(variance(row, max(e, floor_n))[k]), HALF_WIDTH, SESSIONS)
        out.append(max(n, floor_n))
    return np.array(out)


@dataclass(frozen=True)
class Check:
    design_variance: float
    achieved_variance: float
    mean_half_width: float
    judged: float


@cache
def check(row: Row) -> Check:
    """Samples the binding archetype at the row's n through the counters and the mirror of the rules."""
    pop, n = population(row.detectors), float(needed(row).max())
    binding = ARCHETYPE_CELLS[int(needed(row).argmax())]
    pi = probabilities(drivers(row), n)
    hourly = simulate(pop, pi, repetitions=CHECK_REPETITIONS, nonresponse=(0.0,), seed=SEED)[0.0]
    interval = getattr(estimates(window(hourly, tuple(range(24))), np.ones((1, 1))), row.estimator)
    rate = interval.rate[:, 0, binding]
    return Check(
        design_variance=float(variance(row, n)[ARCHETYPE_CELLS.index(binding)]),
        achieved_variance=float(rate.var(ddof=1)),
        mean_half_width=float(((interval.upper - interval.lower) / 2)[:, 0, binding].mean()),
        judged=float(pi.sum()),
    )


def variance_reduction(detectors: str) -> np.ndarray:
    """Var(model-assisted) ÷ Var(plain HT) per archetype at uniform π: Σ(y − f)² ÷ Σ y."""
    pop = population(detectors)
    y, f = pop.y[:, ARCHETYPE_CELLS], pop.f[:, ARCHETYPE_CELLS]
    return ((y - f) ** 2).sum(axis=0) / y.sum(axis=0)


def render() -> str:
    names = [a.replace("_", " ") for a in (ANY, *ARCHETYPES)]
    pop = population("current")
    lines = [
        "| design | judged / day | binding archetype | Sonnet interactive | Sonnet batch | Haiku interactive | "
        "Haiku batch | achieved ÷ design variance | mean ± of the published interval |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in ROWS:
        n, c = needed(row).max(), check(row)
        cost = [
            "–".join(f"{usd_per_day(n, m, cache_hit=hit, batch=batch):.2f}" for hit in (True, False))
            for m in MODELS.values() for batch in (False, True)
        ]
        lines.append(
            f"| {row.label} | {n:,.0f} | {names[int(needed(row).argmax())]} | {' | '.join(cost)} | "
            f"{c.achieved_variance / c.design_variance:.2f} | {100 * c.mean_half_width:.2f} |"
        )
    lines += ["", "| archetype | rate | " + " | ".join(r.short for r in ROWS) + " |", "|---" * (len(ROWS) + 2) + "|"]
    rates_ = pop.y[:, ARCHETYPE_CELLS].mean(axis=0)
    for k, name in enumerate(names):
        lines.append(f"| {name} | {rates_[k]:.2%} | " + " | ".join(f"{needed(r)[k]:,.0f}" for r in ROWS) + " |")
    lines += ["", "| archetype | " + " | ".join(name for name, _ in DETECTORS.values()) + " |",
              "|---" * (len(DETECTORS) + 1) + "|"]
    reductions = {d: variance_reduction(d) for d in DETECTORS}
    for k, name in enumerate(names):
        lines.append(f"| {name} | " + " | ".join(f"{reductions[d][k]:.2f}" for d in reductions) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
