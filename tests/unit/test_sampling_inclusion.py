from __future__ import annotations

import pytest

from undercurrent.sampling import SamplingPolicy, decide, inclusion_probability, sample

POLICY = SamplingPolicy(
    version="v7",
    salt="salt-a",
    floor=0.02,
    base_rate=0.05,
    full_risk_rate=0.45,
    feature_min_rates={"search": 0.2},
    domain_min_rates={"legal": 0.3},
)


@pytest.mark.parametrize(
    ("risk", "feature", "domain", "scale", "expected"),
    [
        (0.0, "chat", "gaming", 1.0, 0.05),  # base rate
        (1.0, "chat", "gaming", 1.0, 0.45),  # full-risk rate
        (0.5, "chat", "gaming", 1.0, 0.25),  # linear in risk
        (0.0, "search", "gaming", 1.0, 0.2),  # feature minimum
        (0.0, "search", "legal", 1.0, 0.3),  # the larger stratum minimum
        (0.9, "search", "legal", 1.0, 0.41),  # risk above the minimums
        (1.0, "chat", "gaming", 0.5, 0.225),  # budget scale
        (0.0, "chat", "gaming", 0.1, 0.02),  # floor wins over the budget
    ],
)
def test_inclusion_probability(risk: float, feature: str, domain: str, scale: float, expected: float) -> None:
    assert inclusion_probability(risk, feature, domain, POLICY, scale) == pytest.approx(expected)


def test_inclusion_probability_is_capped_at_one() -> None:
    policy = SamplingPolicy(version="v", salt="s", full_risk_rate=1.0, domain_min_rates={"legal": 1.0})
    assert inclusion_probability(1.0, "chat", "legal", policy, 1.0) == 1.0


@pytest.mark.parametrize("risk", [-0.1, 1.1, float("nan")])
def test_risk_outside_zero_one_is_rejected(risk: float) -> None:
    with pytest.raises(ValueError, match="risk"):
        inclusion_probability(risk, "chat", "gaming", POLICY, 1.0)


@pytest.mark.parametrize("scale", [0.0, -1.0, 1.5, float("nan")])
def test_budget_scale_outside_zero_one_is_rejected(scale: float) -> None:
    with pytest.raises(ValueError, match="budget scale"):
        inclusion_probability(0.5, "chat", "gaming", POLICY, scale)


def test_decide_is_deterministic_for_a_session_and_salt() -> None:
    assert [decide(f"s{i}", 0.5, "salt-a") for i in range(50)] == [
        decide(f"s{i}", 0.5, "salt-a") for i in range(50)
    ]


def test_decide_changes_with_the_salt() -> None:
    ids = [f"s{i}" for i in range(200)]
    assert [decide(i, 0.5, "salt-a") for i in ids] != [decide(i, 0.5, "salt-b") for i in ids]


def test_decide_always_samples_at_pi_one() -> None:
    assert all(decide(f"s{i}", 1.0, "salt-a") for i in range(1000))


@pytest.mark.parametrize("pi", [0.02, 0.1, 0.5, 0.9])
def test_decide_samples_at_rate_pi(pi: float) -> None:
    n = 20_000
    hits = sum(decide(f"session-{i}", pi, "salt-a") for i in range(n))
    tolerance = 5 * (pi * (1 - pi) / n) ** 0.5
    assert abs(hits / n - pi) < tolerance


def test_decide_is_nested_in_pi() -> None:
    ids = [f"s{i}" for i in range(2000)]
    low = {i for i in ids if decide(i, 0.1, "salt-a")}
    high = {i for i in ids if decide(i, 0.3, "salt-a")}
    assert low <= high


def test_sample_records_the_scale_policy_and_unscaled_pi() -> None:
    decision = sample("session-1", 1.0, "chat", "gaming", POLICY, 0.5)
    assert (decision.pi, decision.pi_unscaled, decision.budget_scale, decision.policy_version) == (
        pytest.approx(0.225),
        pytest.approx(0.45),
        0.5,
        "v7",
    )
    assert decision.sampled == decide("session-1", decision.pi, POLICY.salt)


@pytest.mark.parametrize(
    ("risk", "scale", "floor_binding"),
    [(0.0, 1.0, False), (0.0, 0.5, False), (0.0, 0.39, True), (1.0, 0.05, False), (1.0, 0.04, True)],
)
def test_floor_binding_is_flagged_only_when_the_budget_pushes_below_the_floor(
    risk: float, scale: float, floor_binding: bool
) -> None:
    decision = sample("session-1", risk, "chat", "gaming", POLICY, scale)
    assert decision.floor_binding is floor_binding
    assert decision.pi >= POLICY.floor
