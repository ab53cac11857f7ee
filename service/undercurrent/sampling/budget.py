"""Budget controller: the scale that keeps judge spend within its limits.

The controller estimates *demand*: the requests per minute and USD per hour the
judge would take at scale 1. Each observed judged session stands for
``pi_unscaled / pi`` sessions of demand (a Horvitz–Thompson estimate of the
expected number sampled at scale 1), so the estimate does not depend on the
scale in force and the control loop does not oscillate. The scale is the
largest value in (0, 1] that keeps estimated demand times the scale within the
limits. π never falls below the policy floor, so when the floor binds spend can
exceed the limit: the floor wins over the budget.

Each controller sees only the usage it is fed. With N replicas each fed their
own judged sessions, give each a ``share`` of 1/N; a controller fed every
replica's usage (for example from the verdicts topic) keeps ``share`` 1.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Literal

import msgspec

from ..judge.cost import Price, Usage, spend_usd
from .inclusion import SamplingDecision

Binding = Literal["none", "requests", "usd"]


class BudgetLimits(msgspec.Struct, frozen=True, kw_only=True):
    requests_per_minute: float
    usd_per_hour: float
    share: float = 1.0
    request_window_s: float = 60.0
    usd_window_s: float = 600.0

    def __post_init__(self) -> None:
        for name in ("requests_per_minute", "usd_per_hour", "request_window_s", "usd_window_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
        if not 0 < self.share <= 1:
            raise ValueError("share must be in (0, 1]")


class BudgetStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Rates are over the trailing windows; ``demand_*`` are at scale 1, ``spend_usd_per_hour`` actual."""

    scale: float
    binding: Binding
    demand_requests_per_minute: float
    demand_usd_per_hour: float
    spend_usd_per_hour: float
    remaining_usd_per_hour: float


class _Observation(msgspec.Struct, frozen=True):
    at: float
    requests: int
    usd: float
    demand_weight: float


class BudgetController:
    """Fed ``(now, usage)`` after each judged session; ``now`` is a monotonic clock in seconds.

    ``status`` walks the observations in the trailing windows, so ask for the
    scale once per batch of closed sessions rather than once per session.
    """

    def __init__(self, limits: BudgetLimits, prices: Mapping[str, Price]) -> None:
        self._limits = limits
        self._prices = dict(prices)
        self._observations: deque[_Observation] = deque()

    def observe(
        self, now: float, model: str, usage: Usage, decision: SamplingDecision, *, requests: int = 1,
        batch: bool = False,
    ) -> None:
        """``usage`` is the session's total over its ``requests`` judge calls (more than one for an ensemble).

        A model missing from the price table is counted at the highest known price
        (:func:`~undercurrent.judge.cost.spend_usd`): its calls were paid for, and
        refusing to count them would let spend run past the budget. ``batch``: the
        session was judged through the Message Batches API, at the batch price.
        """
        if requests < 1:
            raise ValueError("a judged session takes at least one request")
        usd = spend_usd(model, usage, self._prices, batch=batch)
        weight = decision.pi_unscaled / decision.pi
        self._observations.append(_Observation(now, requests, usd, weight))
        self._forget_before(now - max(self._limits.request_window_s, self._limits.usd_window_s))

    def scale(self, now: float) -> float:
        return self.status(now).scale

    def status(self, now: float) -> BudgetStatus:
        limits = self._limits
        request_limit = limits.requests_per_minute * limits.share
        usd_limit = limits.usd_per_hour * limits.share
        recent = [o for o in self._observations if o.at > now - limits.request_window_s]
        costly = [o for o in self._observations if o.at > now - limits.usd_window_s]
        demand_rpm = sum(o.requests * o.demand_weight for o in recent) * 60 / limits.request_window_s
        per_hour = 3600 / limits.usd_window_s
        demand_usd = sum(o.usd * o.demand_weight for o in costly) * per_hour
        spend_usd = sum(o.usd for o in costly) * per_hour
        request_scale = request_limit / demand_rpm if demand_rpm > request_limit else 1.0
        usd_scale = usd_limit / demand_usd if demand_usd > usd_limit else 1.0
        binding: Binding = "none"
        if min(request_scale, usd_scale) < 1:
            binding = "requests" if request_scale <= usd_scale else "usd"
        return BudgetStatus(
            scale=min(request_scale, usd_scale),
            binding=binding,
            demand_requests_per_minute=demand_rpm,
            demand_usd_per_hour=demand_usd,
            spend_usd_per_hour=spend_usd,
            remaining_usd_per_hour=max(0.0, usd_limit - spend_usd),
        )

    def _forget_before(self, cutoff: float) -> None:
        while self._observations and self._observations[0].at <= cutoff:
            self._observations.popleft()
