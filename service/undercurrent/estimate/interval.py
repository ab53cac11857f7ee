"""A rate estimate with its standard error and an approximate 95% interval, from counter sums."""

from __future__ import annotations

import math

import msgspec

# The normal quantile the recording rules use too; one value so Python and PromQL agree.
Z95 = 1.96


class Estimate(msgspec.Struct, frozen=True, kw_only=True):
    """``rate`` is unbiased and is not clipped (small windows can give values above 1);
    the interval is clipped to [0, 1]."""

    rate: float
    stderr: float
    lower: float
    upper: float
    effective_judged: float

    @classmethod
    def from_sums(cls, weight: float, variance: float, sessions: float) -> Estimate:
        """From summed ``1/π`` weights, summed ``(1−π)/π²`` terms and closed sessions.

        ``effective_judged`` is Kish's effective number of judged failures,
        ``W² / Σ(1/π²)`` with ``Σ(1/π²) = variance + weight``; it equals the number
        of judged failures when π is constant. Below a few dozen the normal
        interval is rough.
        """
        if sessions <= 0:
            raise ValueError("an estimate needs at least one closed session")
        if weight < 0 or variance < 0:
            raise ValueError("weight and variance sums cannot be negative")
        rate = weight / sessions
        stderr = math.sqrt(variance) / sessions
        squared_weights = variance + weight
        return cls(
            rate=rate,
            stderr=stderr,
            lower=min(1.0, max(0.0, rate - Z95 * stderr)),
            upper=min(1.0, max(0.0, rate + Z95 * stderr)),
            effective_judged=weight**2 / squared_weights if squared_weights else 0.0,
        )


def wilson_interval(successes: int, trials: int) -> tuple[float, float]:
    """95% Wilson score interval of a proportion counted over all ``trials``."""
    from scipy.stats import binomtest

    if trials <= 0:
        return (0.0, 1.0)
    ci = binomtest(min(successes, trials), trials).proportion_ci(confidence_level=0.95, method="wilson")
    return (float(ci.low), float(ci.high))
