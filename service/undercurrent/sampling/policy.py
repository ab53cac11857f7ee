"""The sampling policy: how the judge's inclusion probability is set.

A policy is versioned. Every decision records the version, and the version names
the salt, so a decision can be reproduced from the stored record.
"""

from __future__ import annotations

import math

import msgspec

MAX_SALT_BYTES = 64  # the key length limit of keyed BLAKE2b


class SamplingPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Rates are probabilities in (0, 1].

    ``floor <= base_rate <= full_risk_rate``: the heuristic risk score (0..1) moves
    π linearly from ``base_rate`` to ``full_risk_rate``, stratum minimums raise it
    further, the budget scale lowers it, and nothing takes it below ``floor``.
    """

    version: str
    salt: str
    floor: float = 0.01
    base_rate: float = 0.05
    full_risk_rate: float = 0.5
    feature_min_rates: dict[str, float] = msgspec.field(default_factory=dict)
    domain_min_rates: dict[str, float] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.version:
            raise ValueError("policy version must not be empty")
        if not 0 < len(self.salt.encode()) <= MAX_SALT_BYTES:
            raise ValueError(f"salt must be 1..{MAX_SALT_BYTES} bytes")
        for name in ("floor", "base_rate", "full_risk_rate"):
            _check_probability(name, getattr(self, name))
        if not self.floor <= self.base_rate <= self.full_risk_rate:
            raise ValueError("rates must satisfy floor <= base_rate <= full_risk_rate")
        for kind, rates in (("feature", self.feature_min_rates), ("domain", self.domain_min_rates)):
            for stratum, rate in rates.items():
                _check_probability(f"{kind} min rate for {stratum!r}", rate)


def _check_probability(name: str, value: float) -> None:
    # A zero rate would give some sessions π = 0 and bias every estimate.
    if not (math.isfinite(value) and 0 < value <= 1):
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
