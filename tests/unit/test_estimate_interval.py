from __future__ import annotations

import math

import pytest

from undercurrent.estimate import Estimate


@pytest.mark.parametrize(
    ("weight", "variance", "sessions", "rate", "stderr", "lower", "upper"),
    [
        (600.0, 3600.0, 6000, 0.1, 0.01, 0.1 - 0.0196, 0.1 + 0.0196),
        (0.0, 0.0, 100, 0.0, 0.0, 0.0, 0.0),
        (3.0, 100.0, 100, 0.03, 0.1, 0.0, 0.03 + 0.196),  # lower bound clipped
        (150.0, 100.0, 100, 1.5, 0.1, 1.0, 1.0),  # an over-count clips both bounds, not the rate
    ],
)
def test_estimate_from_sums(
    weight: float, variance: float, sessions: int, rate: float, stderr: float, lower: float, upper: float
) -> None:
    estimate = Estimate.from_sums(weight, variance, sessions)
    assert (estimate.rate, estimate.stderr, estimate.lower, estimate.upper) == pytest.approx(
        (rate, stderr, lower, upper)
    )


@pytest.mark.parametrize(("pi", "judged"), [(1.0, 7), (0.5, 7), (0.02, 30)])
def test_effective_judged_equals_judged_failures_at_constant_pi(pi: float, judged: int) -> None:
    weight, variance = judged / pi, judged * (1 - pi) / pi**2
    assert Estimate.from_sums(weight, variance, 10_000).effective_judged == pytest.approx(judged)


def test_effective_judged_is_lower_with_unequal_weights() -> None:
    pis = [0.5, 0.5, 0.02]
    weight = sum(1 / p for p in pis)
    variance = sum((1 - p) / p**2 for p in pis)
    assert Estimate.from_sums(weight, variance, 10_000).effective_judged < 2


def test_no_sessions_has_no_estimate() -> None:
    with pytest.raises(ValueError, match="closed session"):
        Estimate.from_sums(0.0, 0.0, 0)


def test_negative_sums_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        Estimate.from_sums(-1.0, 0.0, 10)


def test_stderr_is_sqrt_of_variance_over_sessions() -> None:
    assert Estimate.from_sums(10.0, 2.0, 50).stderr == math.sqrt(2.0) / 50
