"""Failure signatures of two releases and which of their rates differ (pure; docs/releases.md).

A release's signature is its vector of failure rates, one per component: today the judge's
archetypes; step-error categories join as another ``kind`` of component from the same
Horvitz–Thompson sums. Each rate's variance adds the judge sample's HT term and the binomial
term of the release's own traffic, so two releases judged in full still differ only beyond
chance. Two releases are disjoint sets of sessions sampled independently, so the variance of
a difference is the sum of the two variances.

Comparing m components at once, the intervals are Bonferroni-corrected: each difference
gets a two-sided interval at level 1 − α/m, so all m cover together with probability at
least 1 − α, and a component *differs* exactly when its interval excludes zero. Holm's
step-down test would reject a little more often but gives no intervals that agree with its
decisions; with a signature of a dozen rates, the interval matters more than the power.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import NamedTuple

import msgspec

from ..estimate.interval import Z95


class Component(NamedTuple):
    """One entry of a signature: ``kind`` (``archetype``, later step-error categories) and its name."""

    kind: str
    name: str


class RateSums(msgspec.Struct, frozen=True):
    """Summed HT weights 1/π and variance terms (1 − π)/π² of one component's failures."""

    weight: float
    variance: float


ZERO = RateSums(0.0, 0.0)


class Signature(msgspec.Struct, frozen=True):
    release: str
    sessions: float
    sums: dict[Component, RateSums]


class ReleaseRate(msgspec.Struct, frozen=True):
    rate: float
    stderr: float
    lower: float
    upper: float


def release_rate(sums: RateSums, sessions: float) -> ReleaseRate:
    """The HT rate and its standard error as a property of the release (the same formula as the
    ``release_archetype:`` recording rules): ``sqrt(V/N² + r(1−r)/N)`` with r clipped to [0, 1]."""
    if sessions <= 0:
        raise ValueError("a release rate needs at least one closed session")
    if sums.weight < 0 or sums.variance < 0:
        raise ValueError("weight and variance sums cannot be negative")
    rate = sums.weight / sessions
    share = min(1.0, rate)
    stderr = math.sqrt(sums.variance / sessions**2 + share * (1 - share) / sessions)
    return ReleaseRate(
        rate=rate, stderr=stderr, lower=max(0.0, rate - Z95 * stderr), upper=min(1.0, rate + Z95 * stderr)
    )


class Difference(msgspec.Struct, frozen=True):
    """Candidate minus baseline for one component, with its simultaneous interval."""

    component: Component
    baseline: ReleaseRate
    candidate: ReleaseRate
    difference: float
    lower: float
    upper: float
    p_value: float
    p_adjusted: float

    @property
    def differs(self) -> bool:
        return self.lower > 0 or self.upper < 0


class Comparison(msgspec.Struct, frozen=True):
    baseline: Signature
    candidate: Signature
    alpha: float
    z: float  # the Bonferroni-corrected normal quantile the intervals use
    differences: list[Difference]  # most significant first
    without_failures: list[Component]  # no failure in either release: nothing to compare, not counted in m

    @property
    def tests(self) -> int:
        return len(self.differences)


def compare(baseline: Signature, candidate: Signature, alpha: float = 0.05) -> Comparison:
    """Every component either release has failures in, Bonferroni-corrected over those components."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    components = sorted(baseline.sums.keys() | candidate.sums.keys())
    tested = [c for c in components if baseline.sums.get(c, ZERO).weight or candidate.sums.get(c, ZERO).weight]
    m = max(1, len(tested))
    z = NormalDist().inv_cdf(1 - alpha / (2 * m))
    differences = []
    for component in tested:
        base = release_rate(baseline.sums.get(component, ZERO), baseline.sessions)
        cand = release_rate(candidate.sums.get(component, ZERO), candidate.sessions)
        diff = cand.rate - base.rate
        stderr = math.hypot(base.stderr, cand.stderr)
        p = _two_sided_p(diff, stderr)
        differences.append(Difference(
            component=component, baseline=base, candidate=cand, difference=diff,
            lower=diff - z * stderr, upper=diff + z * stderr, p_value=p, p_adjusted=min(1.0, m * p),
        ))
    differences.sort(key=lambda d: (d.p_value, -abs(d.difference), d.component))
    return Comparison(
        baseline=baseline, candidate=candidate, alpha=alpha, z=z, differences=differences,
        without_failures=[c for c in components if c not in tested],
    )


def _two_sided_p(difference: float, stderr: float) -> float:
    if stderr == 0:
        return 0.0 if difference else 1.0
    return 2 * (1 - NormalDist().cdf(abs(difference) / stderr))
