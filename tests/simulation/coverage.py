"""Coverage scenarios for plain Horvitz–Thompson and the model-assisted estimator.

One day of 10,000 closed sessions over six (feature, domain) strata of unequal
size, archetype rates from the taxonomy's WildChat counts (varied per stratum),
sampled with the production π functions, judged by a stand-in that returns the
true verdict, with and without 10% of the sampled sessions never judged. Each
repetition's counters go through the numpy mirror of the recording rules for
three 1-hour windows, one 6-hour window and the day, at every rule level.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from bench.judge_cost import ARCHETYPE_RATES

from undercurrent.estimate.predictions import CELLS
from undercurrent.estimate.weights import ANY
from undercurrent.sampling import SamplingPolicy, inclusion_probability
from undercurrent.sampling.allocation import spread_driver
from undercurrent.vocabulary import ARCHETYPES

from .engine import predictions_of, simulate, truth, window
from .populations import Population, make_population
from .promql_mirror import estimates

REPETITIONS = 4000
NONRESPONSE = (0.0, 0.1)
SESSIONS_PER_DAY = 10_000
STRATA = [
    ("chat", "general"), ("chat", "legal"), ("chat", "healthcare_medical"),
    ("code", "software_development"), ("code", "general"), ("search", "general"),
]
SHARES = [0.35, 0.10, 0.05, 0.25, 0.10, 0.15]
STRATUM_FACTORS = [1.0, 0.8, 1.2, 0.9, 1.1, 0.7]  # each stratum's rates relative to the taxonomy's
WINDOWS = {"1h@0": (0,), "1h@1": (1,), "1h@2": (2,), "6h": tuple(range(6)), "1d": tuple(range(24))}
FEATURES = sorted({f for f, _ in STRATA})
LEVELS = {
    "feature_domain": np.eye(len(STRATA)),
    "feature": np.array([[float(f == g) for g in FEATURES] for f, _ in STRATA]),
    "all": np.ones((len(STRATA), 1)),
}
ESTIMATORS = ("ht", "assisted", "chosen")


def rates() -> dict[str, list[float]]:
    taxonomy = {**{a: ARCHETYPE_RATES[a] for a in ARCHETYPES}, ANY: ARCHETYPE_RATES["any_failure"]}
    return {a: [rate * k for k in STRATUM_FACTORS] for a, rate in taxonomy.items()}


@dataclass(frozen=True)
class Scenario:
    name: str
    detectors: str
    seed: int
    description: str


SCENARIOS = {
    s.name: s
    for s in (
        Scenario(
            "today", "current", 11,
            "current detectors (AUROC 0.57, flag scores as f); risk-driven π, floor 0.02, base 0.05, full 0.5, "
            "budget scale 0.5, so the floor binds for low-risk sessions",
        ),
        Scenario(
            "calibrated", "calibrated", 12,
            "calibrated detectors (AUROC 0.78); π from the residual spread, floor 0.02, base 0.02, full 0.35, "
            "healthcare at least 0.3",
        ),
    )
}
RISK_POLICY = SamplingPolicy(version="sim", salt="-", floor=0.02, base_rate=0.05, full_risk_rate=0.5)
SPREAD_POLICY = SamplingPolicy(
    version="sim", salt="-", floor=0.02, base_rate=0.02, full_risk_rate=0.35,
    domain_min_rates={"healthcare_medical": 0.3},
)


def inclusion(population: Population, scenario: Scenario) -> np.ndarray:
    """π of every session from the production functions, as the sampling stage would set it."""
    if scenario.detectors == "current":
        drivers, policy, scale = population.risk, RISK_POLICY, 0.5
    else:
        drivers = np.array([spread_driver(predictions_of(population, i)) for i in range(population.size)])
        policy, scale = SPREAD_POLICY, 1.0
    return np.array([
        inclusion_probability(float(d), *population.strata[s], policy, scale)
        for d, s in zip(drivers, population.stratum, strict=True)
    ])


@dataclass(frozen=True)
class CellResults:
    """One (window, level) for one estimator: arrays (R, G, C) of estimates, truth (G, C)."""

    window: str
    level: str
    estimator: str
    rate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    truth: np.ndarray
    closed: np.ndarray
    expected_judged_failures: np.ndarray

    def coverage(self) -> np.ndarray:
        tolerance = 1e-12
        return ((self.lower <= self.truth + tolerance) & (self.truth <= self.upper + tolerance)).mean(axis=0)


@dataclass(frozen=True)
class Run:
    scenario: Scenario
    mean_pi: float
    results: dict[float, list[CellResults]]  # by non-response share


@cache
def run(name: str) -> Run:
    scenario = SCENARIOS[name]
    population = make_population(STRATA, SHARES, rates(), SESSIONS_PER_DAY, scenario.detectors, scenario.seed)
    pi = inclusion(population, scenario)
    hourly = simulate(
        population, pi, repetitions=REPETITIONS, nonresponse=NONRESPONSE, seed=scenario.seed + 1000,
        hours=sorted({h for hours in WINDOWS.values() for h in hours}),
    )
    results: dict[float, list[CellResults]] = {}
    for share, by_hour in hourly.items():
        results[share] = []
        for window_name, hours in WINDOWS.items():
            counters = window(by_hour, hours)
            in_window = np.isin(population.hour, hours)
            for level_name, level in LEVELS.items():
                true_rate, closed = truth(population, hours, level)
                membership = np.eye(len(STRATA))[population.stratum[in_window]] @ level
                judged = membership.T @ (population.y[in_window] * pi[in_window, None] * (1 - share))
                both = estimates(counters, level)
                for estimator, interval in zip(ESTIMATORS, (*both, both.chosen()[0]), strict=True):
                    results[share].append(CellResults(
                        window_name, level_name, estimator, interval.rate, interval.lower, interval.upper,
                        true_rate, closed, judged,
                    ))
    return Run(scenario, float(pi.mean()), results)


def cell_name(result: CellResults, group: int, cell: int) -> str:
    groups = {"feature_domain": ["/".join(s) for s in STRATA], "feature": FEATURES, "all": ["all"]}
    archetype, measure = CELLS[cell]
    return f"{result.window} {groups[result.level][group]} {archetype}/{measure} {result.estimator}"


def daily_variance_ratio(name: str, share: float) -> dict[str, float]:
    """Monte Carlo variance of the model-assisted daily rate ÷ that of plain HT, overall, all failures."""
    daily = {r.estimator: r for r in run(name).results[share] if r.window == "1d" and r.level == "all"}
    ratios = {}
    for c, (archetype, measure) in enumerate(CELLS):
        if measure == "failure":
            ht = daily["ht"].rate[:, 0, c].var(ddof=1)
            ratios[archetype] = float(daily["assisted"].rate[:, 0, c].var(ddof=1) / ht) if ht > 0 else float("nan")
    return ratios


def render() -> str:
    lines = [
        "| scenario | judge failures | mean π | cells | cells < 20 expected judged failures | worst coverage HT / "
        "assisted / narrower | worst in those sparse cells | mean coverage, cells ≥ 20 / < 20 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in SCENARIOS:
        result = run(name)
        for share in NONRESPONSE:
            rows = [(r, g, c, cov[g, c]) for r in result.results[share] for cov in [r.coverage()]
                    for g in range(r.truth.shape[0]) if r.closed[g] > 0 for c in range(r.truth.shape[1])]
            sparse = [row for row in rows if row[0].expected_judged_failures[row[1], row[2]] < 20]
            worst = {e: min(cov for r, _, _, cov in rows if r.estimator == e) for e in ESTIMATORS}
            lines.append(
                f"| {name} | {share:.0%} | {result.mean_pi:.3f} | {len(rows)} | {len(sparse)} | "
                f"{worst['ht']:.4f} / {worst['assisted']:.4f} / {worst['chosen']:.4f} | "
                f"{min(cov for *_, cov in sparse):.4f} | "
                f"{np.mean([cov for row in rows if row not in sparse for cov in [row[3]]]):.4f} / "
                f"{np.mean([cov for *_, cov in sparse]):.4f} |"
            )
    lines += ["", "| archetype | " + " | ".join(SCENARIOS) + " |", "|---" * (len(SCENARIOS) + 1) + "|"]
    ratios = {name: daily_variance_ratio(name, 0.0) for name in SCENARIOS}
    for archetype in (ANY, *ARCHETYPES):
        lines.append(f"| {archetype} | " + " | ".join(f"{ratios[n][archetype]:.2f}" for n in SCENARIOS) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
