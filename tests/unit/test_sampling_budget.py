from __future__ import annotations

import pytest

from undercurrent.judge.cost import Price, Usage
from undercurrent.sampling import BudgetController, BudgetLimits, SamplingDecision

PRICES = {"judge-m": Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.3)}


def _decision(pi: float = 0.1, pi_unscaled: float = 0.1) -> SamplingDecision:
    return SamplingDecision(
        sampled=True,
        pi=pi,
        pi_unscaled=pi_unscaled,
        floor_binding=False,
        budget_scale=min(1.0, pi / pi_unscaled),
        policy_version="v1",
    )


def _observe(
    controller: BudgetController, now: float, usd: float, *, requests: int = 1, decision: SamplingDecision
) -> None:
    usage = Usage(output_tokens=round(usd * 1_000_000 / 15))
    controller.observe(now, "judge-m", usage, decision, requests=requests)


def test_an_unpriced_model_counts_at_the_highest_known_price_and_spends_the_budget() -> None:
    prices = {**PRICES, "dear-m": Price(input=5.0, output=25.0, cache_write=6.25, cache_read=0.5)}
    limits = BudgetLimits(requests_per_minute=1000, usd_per_hour=10.0, usd_window_s=3600)
    controller = BudgetController(limits, prices)
    controller.observe(0.0, "other-model", Usage(output_tokens=400_000), _decision())  # 0.4 M x $25
    status = controller.status(1.0)
    assert status.spend_usd_per_hour == pytest.approx(10.0)
    assert status.remaining_usd_per_hour == pytest.approx(0.0)


@pytest.mark.parametrize(("batch", "spend"), [(False, 6.0), (True, 3.0)])
def test_a_session_judged_in_a_batch_spends_the_budget_at_the_batch_price(batch: bool, spend: float) -> None:
    limits = BudgetLimits(requests_per_minute=1000, usd_per_hour=10.0, usd_window_s=3600)
    controller = BudgetController(limits, PRICES)
    controller.observe(0.0, "judge-m", Usage(output_tokens=400_000), _decision(), batch=batch)  # 0.4 M x $15
    assert controller.status(1.0).spend_usd_per_hour == pytest.approx(spend)


def test_a_session_without_requests_is_rejected() -> None:
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=1), PRICES)
    with pytest.raises(ValueError, match="at least one request"):
        controller.observe(0.0, "judge-m", Usage(input_tokens=1), _decision(), requests=0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"requests_per_minute": 0, "usd_per_hour": 1}, "requests_per_minute"),
        ({"requests_per_minute": 1, "usd_per_hour": -1}, "usd_per_hour"),
        ({"requests_per_minute": 1, "usd_per_hour": 1, "share": 0}, "share"),
        ({"requests_per_minute": 1, "usd_per_hour": 1, "usd_window_s": 0}, "usd_window_s"),
    ],
)
def test_invalid_limits_are_rejected(fields: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BudgetLimits(**fields)


def test_scale_is_one_before_any_usage() -> None:
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=1), PRICES)
    assert controller.scale(0.0) == 1.0


def test_scale_stays_one_within_budget() -> None:
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=100), PRICES)
    for t in range(5):
        _observe(controller, float(t), 0.01, decision=_decision())
    status = controller.status(5.0)
    assert (status.scale, status.binding) == (1.0, "none")


def test_request_rate_binds() -> None:
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=1000), PRICES)
    for t in range(40):  # 40 requests in the last minute at scale 1
        _observe(controller, float(t), 0.001, decision=_decision())
    status = controller.status(40.0)
    assert status.binding == "requests"
    assert status.scale == pytest.approx(10 / 40)


def test_ensemble_requests_count_per_call() -> None:
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=1000), PRICES)
    for t in range(10):
        _observe(controller, float(t), 0.001, requests=4, decision=_decision())
    assert controller.scale(10.0) == pytest.approx(10 / 40)


def test_usd_rate_binds() -> None:
    limits = BudgetLimits(requests_per_minute=1000, usd_per_hour=6.0, usd_window_s=600)
    controller = BudgetController(limits, PRICES)
    for t in range(10):  # $2 in ten minutes is $12 per hour
        _observe(controller, float(t), 0.2, decision=_decision())
    status = controller.status(10.0)
    assert status.binding == "usd"
    assert status.demand_usd_per_hour == pytest.approx(12.0, rel=1e-3)
    assert status.scale == pytest.approx(0.5, rel=1e-3)


def test_demand_is_reweighted_by_the_scale_in_force() -> None:
    """Sessions judged at half scale stand for twice the demand, so the scale does not bounce back."""
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=1000), PRICES)
    for t in range(10):
        _observe(controller, float(t), 0.001, decision=_decision(pi=0.05, pi_unscaled=0.1))
    status = controller.status(10.0)
    assert status.demand_requests_per_minute == pytest.approx(20.0)
    assert status.scale == pytest.approx(0.5)


def test_old_usage_leaves_the_window() -> None:
    controller = BudgetController(BudgetLimits(requests_per_minute=10, usd_per_hour=1000), PRICES)
    for t in range(40):
        _observe(controller, float(t), 0.001, decision=_decision())
    _observe(controller, 700.0, 0.001, decision=_decision())
    assert controller.scale(700.0) == 1.0


def test_each_replica_gets_its_share() -> None:
    limits = BudgetLimits(requests_per_minute=40, usd_per_hour=1000, share=0.25)
    controller = BudgetController(limits, PRICES)
    for t in range(20):
        _observe(controller, float(t), 0.001, decision=_decision())
    assert controller.scale(20.0) == pytest.approx(10 / 20)


def test_remaining_budget_uses_actual_spend() -> None:
    limits = BudgetLimits(requests_per_minute=1000, usd_per_hour=10.0, usd_window_s=3600)
    controller = BudgetController(limits, PRICES)
    _observe(controller, 0.0, 3.0, decision=_decision(pi=0.05, pi_unscaled=0.1))
    status = controller.status(1.0)
    assert status.spend_usd_per_hour == pytest.approx(3.0, rel=1e-3)
    assert status.remaining_usd_per_hour == pytest.approx(7.0, rel=1e-3)
