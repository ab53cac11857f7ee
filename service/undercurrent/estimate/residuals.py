"""The judge side of the model-assisted estimator: what each judged session adds (docs/estimation.md §7)."""

from __future__ import annotations

from ..judge.verdict import Verdict
from ..metrics.definitions import ResidualMetrics
from ..metrics.labels import LabelBounds
from .assisted import judged_increments
from .predictions import CELLS, FailurePredictions


class ResidualCounter:
    def __init__(self, metrics: ResidualMetrics, bounds: LabelBounds) -> None:
        self.metrics = metrics
        self.bounds = bounds
        counters = (metrics.failure_weight, metrics.failure_weight_sq, metrics.prediction_weight,
                    metrics.hit_weight, metrics.hit_weight_sq)
        # Series exist at zero before their first increment, so increase() never misses it.
        for feature, domain in bounds.pairs():
            for archetype, measure in CELLS:
                for counter in counters:
                    counter.labels(archetype, measure, feature, domain)

    def judged(
        self, verdict: Verdict, predictions: FailurePredictions, *, pi: float, feature: str, domain: str
    ) -> None:
        """Add y/π, y/π², f/π, y·f/π and y·f/π² of one judged session (its combined verdict for an ensemble).

        ``predictions`` are those the record carried from its close, ``pi`` its π as decided;
        ``feature`` and ``domain`` are already bounded label values.
        """
        m = self.metrics
        for inc in judged_increments(verdict.archetype_names, verdict.failure_visibility, predictions, pi=pi):
            labels = (inc.archetype, inc.measure, feature, domain)
            m.failure_weight.labels(*labels).inc(inc.failure_weight)
            m.failure_weight_sq.labels(*labels).inc(inc.failure_weight_sq)
            m.prediction_weight.labels(*labels).inc(inc.prediction_weight)
            m.hit_weight.labels(*labels).inc(inc.hit_weight)
            m.hit_weight_sq.labels(*labels).inc(inc.hit_weight_sq)
