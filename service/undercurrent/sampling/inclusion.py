"""Inclusion probability and the deterministic sampling decision.

The decision is a keyed BLAKE2b hash of the session id compared with π, so every
replica, every replay and every re-delivery of a session makes the same choice.
"""

from __future__ import annotations

import hashlib
import math

import msgspec

from .policy import SamplingPolicy

_TWO_TO_64 = float(2**64)


class SamplingDecision(msgspec.Struct, frozen=True, kw_only=True):
    """Stored on the session record; ``pi`` is what the estimators weight by."""

    sampled: bool
    pi: float
    pi_unscaled: float
    floor_binding: bool
    budget_scale: float
    policy_version: str


def unscaled_probability(risk: float, feature: str, domain: str, policy: SamplingPolicy) -> float:
    """π before the budget scale: risk-driven rate raised to the stratum minimums."""
    if not (math.isfinite(risk) and 0 <= risk <= 1):
        raise ValueError(f"risk must be in [0, 1], got {risk!r}")
    risk_rate = policy.base_rate + (policy.full_risk_rate - policy.base_rate) * risk
    stratum_rate = max(policy.feature_min_rates.get(feature, 0.0), policy.domain_min_rates.get(domain, 0.0))
    return min(1.0, max(risk_rate, stratum_rate))


def inclusion_probability(
    risk: float, feature: str, domain: str, policy: SamplingPolicy, budget_scale: float
) -> float:
    """π in [policy.floor, 1]; the budget scale lowers π but the floor wins over the budget."""
    return _scaled(unscaled_probability(risk, feature, domain, policy), policy, budget_scale)


def decide(session_id: str, pi: float, salt: str) -> bool:
    """True with probability ``pi``, as a pure function of (session_id, salt)."""
    return _uniform(session_id, salt) < pi


def sample(
    session_id: str, risk: float, feature: str, domain: str, policy: SamplingPolicy, budget_scale: float
) -> SamplingDecision:
    pi_unscaled = unscaled_probability(risk, feature, domain, policy)
    pi = _scaled(pi_unscaled, policy, budget_scale)
    return SamplingDecision(
        sampled=decide(session_id, pi, policy.salt),
        pi=pi,
        pi_unscaled=pi_unscaled,
        floor_binding=pi_unscaled * budget_scale < policy.floor,
        budget_scale=budget_scale,
        policy_version=policy.version,
    )


def _scaled(pi_unscaled: float, policy: SamplingPolicy, budget_scale: float) -> float:
    if not (math.isfinite(budget_scale) and 0 < budget_scale <= 1):
        raise ValueError(f"budget scale must be in (0, 1], got {budget_scale!r}")
    return max(policy.floor, pi_unscaled * budget_scale)


def _uniform(session_id: str, salt: str) -> float:
    digest = hashlib.blake2b(session_id.encode(), digest_size=8, key=salt.encode()).digest()
    return int.from_bytes(digest, "big") / _TWO_TO_64
