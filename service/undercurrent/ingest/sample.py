"""The sampling close stage: decide, record π, route sampled sessions to the judge."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Settings
from ..metrics.definitions import SamplingMetrics
from ..metrics.labels import LabelBounds
from ..records.session import SessionRecord
from ..sampling.budget_view import BudgetScale, policy_from
from ..sampling.inclusion import sample
from ..sessions.model import SessionSnapshot


class SamplingStage:
    def __init__(
        self, settings: Settings, metrics: SamplingMetrics, bounds: LabelBounds, budget: BudgetScale
    ) -> None:
        self.policy = policy_from(settings)
        self.topic = settings.topics.judge_requests
        self.metrics = metrics
        self.bounds = bounds
        self.budget = budget
        # Series exist at zero before their first increment, so increase() never misses it: the
        # response ratio judged ÷ sampled of the model-assisted rules reads the sampled counter.
        for feature, domain in bounds.pairs():
            metrics.sampled.labels(feature, domain)
            metrics.floor_binding.labels(feature, domain)

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> Sequence[str]:
        detectors = record.detectors
        risk = detectors.risk if detectors is not None else 0.0
        domain = record.domain or "unknown"
        decision = sample(snapshot.session_id, risk, snapshot.feature, domain, self.policy, self.budget.scale)
        record.sampling = decision
        self.metrics.inclusion.observe(decision.pi)
        labels = (self.bounds.feature(snapshot.feature), self.bounds.domain(record.domain))
        if decision.floor_binding:
            self.metrics.floor_binding.labels(*labels).inc()
        if not decision.sampled:
            return ()
        self.metrics.sampled.labels(*labels).inc()
        return (self.topic,)
