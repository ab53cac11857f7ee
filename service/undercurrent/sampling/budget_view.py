"""The sampling policy from the settings and the budget scale the sampling close stage applies."""

from __future__ import annotations

import time
from typing import Protocol

from ..config import Settings
from ..judge.cost import price_table
from ..metrics.definitions import SamplingMetrics
from .budget import BudgetController, BudgetLimits
from .policy import SamplingPolicy
from .usage_log import UsageLog, decision_of


def policy_from(settings: Settings) -> SamplingPolicy:
    s = settings.sampling
    return SamplingPolicy(
        version=s.policy_version, salt=s.salt, floor=s.floor, base_rate=s.base_rate,
        full_risk_rate=s.full_risk_rate, feature_min_rates=s.feature_min_rates,
        domain_min_rates=s.domain_min_rates,
    )


class BudgetScale(Protocol):
    """The factor the budget currently scales inclusion probabilities by."""

    @property
    def scale(self) -> float: ...


class BudgetView:
    """The current budget scale, refreshed from the shared usage log."""

    def __init__(self, settings: Settings, log: UsageLog, metrics: SamplingMetrics) -> None:
        self.limits = BudgetLimits(
            requests_per_minute=settings.sampling.requests_per_minute, usd_per_hour=settings.sampling.usd_per_hour
        )
        self.prices = price_table(settings.judge.price_overrides)
        self.log = log
        self.metrics = metrics
        self.scale = 1.0
        metrics.budget_scale.set(1.0)
        metrics.budget_remaining.set(self.limits.usd_per_hour)

    async def refresh(self, now_s: float | None = None) -> float:
        now_s = time.time() if now_s is None else now_s
        window = max(self.limits.request_window_s, self.limits.usd_window_s)
        controller = BudgetController(self.limits, self.prices)
        for entry in await self.log.since(now_s - window):
            controller.observe(entry.at_s, entry.model, entry.usage, decision_of(entry), requests=entry.requests,
                               batch=entry.batch)
        status = controller.status(now_s)
        self.scale = status.scale
        self.metrics.budget_scale.set(status.scale)
        self.metrics.budget_remaining.set(status.remaining_usd_per_hour)
        return status.scale
