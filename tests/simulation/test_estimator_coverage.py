"""Design-based check of the Horvitz–Thompson estimates and their 95% intervals.

A fixed population of closed sessions is drawn from known archetype rates per
domain, with heuristic risk scores that run higher on failing sessions. π comes
from the real ``inclusion_probability`` and each session's counter increments from
the real ``failure_weight_increments``; every repetition draws a new Poisson sample
(Bernoulli(π) per session, what the keyed hash in ``decide`` gives; its rate is
tested in ``tests/unit/test_sampling_inclusion.py``), a stand-in judge returns each
sampled session's true verdict, and the increments are summed the way Prometheus
sums them. The target is the population's own failure rate (what the
closed-session counter divides), so the only randomness is the sampling.

Two intervals: the normal one the current recording rules publish
(``Estimate.from_sums``), and the score interval of ``estimate.assisted_rules``
computed from the same weight and variance counters plus Σ 1/π of the closed
sessions (through the rules' numpy mirror). 4,000 repetitions give a coverage
estimate a Monte Carlo standard error of about 0.0034 at 0.95.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest

from undercurrent.estimate import ANY, Estimate, failure_weight_increments
from undercurrent.sampling import SamplingPolicy, inclusion_probability

from .promql_mirror import Counters, Interval, estimates

FEATURE = "chat"
REPETITIONS = 4000
# Cells whose mean effective number of judged failures is below this are "few judged":
# the normal interval is known to under-cover there; the score interval is held to 0.93 everywhere.
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


def contributions(population: Population, pis: np.ndarray) -> np.ndarray:
    """Each session's weight and variance increments by (domain, archetype), visibility summed: (N, D, A, 2)."""
    archetypes = (*TRUE_RATES[DOMAINS[0]], ANY)
    out = np.zeros((len(population.ids), len(DOMAINS), len(archetypes), 2))
    for i, (domain, pi, (names, visibility)) in enumerate(
        zip(population.domains, pis, population.verdicts, strict=True)
    ):
        for inc in failure_weight_increments(names, visibility, pi=float(pi), feature=FEATURE, domain=domain):
            out[i, DOMAINS.index(inc.domain), archetypes.index(inc.archetype)] += (inc.weight, inc.variance)
    return out


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


@dataclass(frozen=True)
class CellResult:
    true_rate: float
    rates: np.ndarray
    covered: np.ndarray  # by the normal interval the current rules publish
    score_covered: np.ndarray  # by the score interval
    effective_judged: float

    @property
    def coverage(self) -> float:
        return float(self.covered.mean())

    @property
    def score_coverage(self) -> float:
        return float(self.score_covered.mean())


def score_intervals(
    sums: np.ndarray, sampled: np.ndarray, population: Population, pis: np.ndarray
) -> dict[str, Interval]:
    """The score interval per scope from the weight and variance sums (R, D, A, 2) and Σ 1/π per domain."""
    domain = np.array([DOMAINS.index(d) for d in population.domains])
    closed = np.bincount(domain, minlength=len(DOMAINS)).astype(float)
    weight = np.bincount(domain, weights=1 / pis, minlength=len(DOMAINS))
    zeros = np.zeros(sums.shape[:-1])
    counters = Counters(
        closed=np.broadcast_to(closed, sampled.shape), sampled=sampled, judged=sampled,
        inclusion_weight=np.broadcast_to(weight, sampled.shape), predicted=zeros, predicted_sq=zeros,
        predicted_sq_weight=zeros, failure_weight=sums[..., 0], failure_weight_sq=sums[..., 0] + sums[..., 1],
        prediction_weight=zeros, hit_weight=zeros, hit_weight_sq=zeros,
    )
    by_domain = estimates(counters, np.eye(len(DOMAINS))).ht
    overall = estimates(counters, np.ones((len(DOMAINS), 1))).ht
    return {**{d: Interval(*(x[:, k] for x in by_domain)) for k, d in enumerate(DOMAINS)},
            "all": Interval(*(x[:, 0] for x in overall))}


@cache
def run(name: str) -> dict[tuple[str, str], CellResult]:
    scenario = next(s for s in SCENARIOS if s.name == name)
    population = make_population(scenario.sessions, scenario.seed)
    pis = np.array([
        inclusion_probability(float(r), FEATURE, d, scenario.policy, scenario.budget_scale)
        for r, d in zip(population.risks, population.domains, strict=True)
    ])
    per_session = contributions(population, pis)
    rng = np.random.default_rng([scenario.seed, 1])  # not the population's stream
    mask = (rng.random((REPETITIONS, len(pis))) < pis).astype(float)
    sums = (mask @ per_session.reshape(len(pis), -1)).reshape(REPETITIONS, *per_session.shape[1:])
    domain_of = np.eye(len(DOMAINS))[[DOMAINS.index(d) for d in population.domains]]
    scores = score_intervals(sums, mask @ domain_of, population, pis)
    archetypes = (*TRUE_RATES[DOMAINS[0]], ANY)
    results = {}
    for (scope, archetype), (true_rate, n) in cells(population).items():
        picked = sums[:, :, archetypes.index(archetype)]
        picked = picked.sum(axis=1) if scope == "all" else picked[:, DOMAINS.index(scope)]
        estimates_ = [Estimate.from_sums(w, v, n) for w, v in picked]
        score = scores[scope]
        column = archetypes.index(archetype)
        results[(scope, archetype)] = CellResult(
            true_rate=true_rate,
            rates=np.array([e.rate for e in estimates_]),
            covered=np.array([e.lower <= true_rate <= e.upper for e in estimates_]),
            score_covered=(score.lower[:, column] <= true_rate + 1e-12) & (true_rate <= score.upper[:, column] + 1e-12),
            effective_judged=float(np.mean([e.effective_judged for e in estimates_])),
        )
    return results


def _summary(results: dict[tuple[str, str], CellResult]) -> str:
    return "\n".join(
        f"{scope}/{archetype}: true={r.true_rate:.4f} mean={r.rates.mean():.4f} "
        f"coverage={r.coverage:.3f} score coverage={r.score_coverage:.3f} effective_judged={r.effective_judged:.1f}"
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
    for coverage in (lambda r: r.coverage, lambda r: r.score_coverage):
        assert np.mean([coverage(r) for r in enough.values()]) >= 0.93, _summary(results)
        # Per cell, 4,000 repetitions leave about ±0.34 points of Monte Carlo noise around the true coverage.
        assert min(coverage(r) for r in enough.values()) >= 0.90, _summary(results)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_score_intervals_cover_every_cell_also_with_few_judged_failures(name: str) -> None:
    """The normal interval under-covers where few failures are judged; the score interval must not, anywhere."""
    results = run(name)
    assert any(r.effective_judged < ENOUGH_JUDGED for r in results.values()), "each scenario includes rare cells"
    assert min(r.score_coverage for r in results.values()) >= 0.93, _summary(results)
