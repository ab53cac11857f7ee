"""Design-based check of the Horvitz–Thompson estimates and their 95% intervals.

A fixed population of closed sessions is drawn from known archetype rates per
domain, with heuristic risk scores that run higher on failing sessions. Every
repetition re-runs the real sampler with a new salt, a stand-in judge returns
each sampled session's true verdict, and the counter increments are summed the
way Prometheus sums them. The target is the population's own failure rate (what
the closed-session counter divides), so the only randomness is the sampling.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from undercurrent.estimate import ANY, Estimate, failure_weight_increments
from undercurrent.sampling import SamplingPolicy, decide, inclusion_probability

FEATURE = "chat"
REPETITIONS = 250
# Cells whose mean effective number of judged failures is below this are "few judged":
# the normal interval is known to under-cover there, and the check is looser.
ENOUGH_JUDGED = 20
DOMAINS = ("creative_writing", "software_development", "legal", "healthcare_medical")
DOMAIN_SHARES = (0.4, 0.3, 0.2, 0.1)
# P(archetype | session) per domain; archetypes co-occur independently.
TRUE_RATES: dict[str, dict[str, float]] = {
    "creative_writing": {"walkaway": 0.30, "silent_mismatch": 0.20, "confidence_trap": 0.05, "drift": 0.02},
    "software_development": {
        "walkaway": 0.25,
        "silent_mismatch": 0.10,
        "confidence_trap": 0.15,
        "drift": 0.03,
    },
    "legal": {"walkaway": 0.20, "silent_mismatch": 0.10, "confidence_trap": 0.20, "drift": 0.05},
    "healthcare_medical": {"walkaway": 0.20, "silent_mismatch": 0.08, "confidence_trap": 0.25, "drift": 0.04},
}
VISIBILITY_OF_FAILURES = (("invisible", 0.75), ("mixed", 0.10), ("visible", 0.15))


@dataclass(frozen=True)
class Population:
    ids: list[str]
    domains: list[str]
    risks: np.ndarray
    verdicts: list[tuple[list[str], str]]  # the stand-in judge's answer: (archetypes, visibility)


@dataclass(frozen=True)
class Scenario:
    name: str
    sessions: int
    policy: SamplingPolicy
    budget_scale: float
    seed: int


SCENARIOS = [
    Scenario(
        "risk_proportional",
        sessions=4000,
        policy=SamplingPolicy(version="sim", salt="-", floor=0.05, base_rate=0.1, full_risk_rate=0.6),
        budget_scale=1.0,
        seed=1,
    ),
    Scenario(
        "low_and_risk_skewed_under_budget",
        sessions=10_000,
        policy=SamplingPolicy(version="sim", salt="-", floor=0.02, base_rate=0.05, full_risk_rate=0.5),
        budget_scale=0.4,  # the floor binds for low-risk sessions
        seed=2,
    ),
    Scenario(
        "stratum_minimum_for_a_small_domain",
        sessions=5000,
        policy=SamplingPolicy(
            version="sim",
            salt="-",
            floor=0.02,
            base_rate=0.05,
            full_risk_rate=0.3,
            domain_min_rates={"healthcare_medical": 0.5},
        ),
        budget_scale=1.0,
        seed=3,
    ),
]


def make_population(size: int, seed: int) -> Population:
    rng = np.random.default_rng(seed)
    domains = [DOMAINS[i] for i in rng.choice(len(DOMAINS), size=size, p=DOMAIN_SHARES)]
    verdicts: list[tuple[list[str], str]] = []
    for domain in domains:
        archetypes = [a for a, rate in TRUE_RATES[domain].items() if rng.random() < rate]
        if archetypes:
            names, shares = zip(*VISIBILITY_OF_FAILURES, strict=True)
            verdicts.append((archetypes, str(rng.choice(names, p=shares))))
        else:
            verdicts.append((["none"], "none"))
    failed = np.array([v != "none" for _, v in verdicts])
    risks = np.where(failed, rng.beta(5, 2, size), rng.beta(2, 5, size))
    return Population([f"session-{seed}-{i}" for i in range(size)], domains, risks, verdicts)


def counter_sums(
    population: Population, pis: list[float], salt: str
) -> dict[tuple[str, str, str], list[float]]:
    """Weight and variance counter totals by (archetype, visibility, domain) for one sampling run."""
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for session_id, domain, pi, (archetypes, visibility) in zip(
        population.ids, population.domains, pis, population.verdicts, strict=True
    ):
        if not decide(session_id, pi, salt):
            continue
        for inc in failure_weight_increments(archetypes, visibility, pi=pi, feature=FEATURE, domain=domain):
            total = sums[(inc.archetype, inc.visibility, inc.domain)]
            total[0] += inc.weight
            total[1] += inc.variance
    return sums


def cells(population: Population) -> dict[tuple[str, str], tuple[float, int]]:
    """The estimated quantities, keyed (domain or "all", archetype): (true rate, closed sessions)."""
    truth: dict[tuple[str, str], tuple[float, int]] = {}
    archetypes = (*TRUE_RATES[DOMAINS[0]], ANY)
    for scope in (*DOMAINS, "all"):
        members = [i for i, d in enumerate(population.domains) if scope in ("all", d)]
        for archetype in archetypes:
            failing = sum(
                1
                for i in members
                if population.verdicts[i][1] != "none"
                and (archetype == ANY or archetype in population.verdicts[i][0])
            )
            truth[(scope, archetype)] = (failing / len(members), len(members))
    return truth


def estimate(sums: dict[tuple[str, str, str], list[float]], scope: str, archetype: str, n: int) -> Estimate:
    """``sum by`` over visibility (and domain for "all"), then divide: what the recording rules do."""
    picked = [v for (a, _vis, d), v in sums.items() if a == archetype and scope in ("all", d)]
    return Estimate.from_sums(sum(v[0] for v in picked), sum(v[1] for v in picked), n)


@dataclass(frozen=True)
class CellResult:
    true_rate: float
    rates: np.ndarray
    covered: np.ndarray
    effective_judged: float

    @property
    def coverage(self) -> float:
        return float(self.covered.mean())


@cache
def run(name: str) -> dict[tuple[str, str], CellResult]:
    scenario = next(s for s in SCENARIOS if s.name == name)
    population = make_population(scenario.sessions, scenario.seed)
    pis = [
        inclusion_probability(float(r), FEATURE, d, scenario.policy, scenario.budget_scale)
        for r, d in zip(population.risks, population.domains, strict=True)
    ]
    truth = cells(population)
    estimates: dict[tuple[str, str], list[Estimate]] = {key: [] for key in truth}
    for rep in range(REPETITIONS):
        sums = counter_sums(population, pis, salt=f"{scenario.name}-{rep}")
        for key, (_rate, n) in truth.items():
            estimates[key].append(estimate(sums, *key, n))
    return {
        key: CellResult(
            true_rate=true_rate,
            rates=np.array([e.rate for e in estimates[key]]),
            covered=np.array([e.lower <= true_rate <= e.upper for e in estimates[key]]),
            effective_judged=float(np.mean([e.effective_judged for e in estimates[key]])),
        )
        for key, (true_rate, _n) in truth.items()
    }


def _summary(results: dict[tuple[str, str], CellResult]) -> str:
    return "\n".join(
        f"{scope}/{archetype}: true={r.true_rate:.4f} mean={r.rates.mean():.4f} "
        f"coverage={r.coverage:.3f} effective_judged={r.effective_judged:.1f}"
        for (scope, archetype), r in results.items()
    )


SCENARIO_NAMES = [s.name for s in SCENARIOS]


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_estimates_are_unbiased(name: str) -> None:
    results = run(name)
    for key, r in results.items():
        monte_carlo_se = r.rates.std(ddof=1) / np.sqrt(REPETITIONS)
        assert abs(r.rates.mean() - r.true_rate) <= 4 * monte_carlo_se, (key, _summary(results))


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_intervals_cover_the_truth_when_enough_failures_are_judged(name: str) -> None:
    results = run(name)
    enough = {key: r for key, r in results.items() if r.effective_judged >= ENOUGH_JUDGED}
    assert {("all", "any"), ("all", "walkaway")} <= enough.keys()
    assert np.mean([r.coverage for r in enough.values()]) >= 0.93, _summary(results)
    # Per cell, 250 repetitions leave about ±1.4 points of Monte Carlo noise around the true coverage.
    assert min(r.coverage for r in enough.values()) >= 0.90, _summary(results)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_intervals_with_few_judged_failures_under_cover_only_mildly(name: str) -> None:
    few = [r for r in run(name).values() if r.effective_judged < ENOUGH_JUDGED]
    assert few, "each scenario includes rare cells"
    assert np.mean([r.coverage for r in few]) >= 0.85, _summary(run(name))
