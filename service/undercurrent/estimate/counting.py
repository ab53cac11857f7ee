"""The model-assisted estimator's closed-session sums, counted once a record is published.

The predictions f are put on the record at close (``ingest/predict.py``) and travel with it, so
the judge worker weighs the very f the ingest side added (``docs/estimation.md`` §7). The closer's
:class:`PredictionCounter` adds them to the counters when it counts the session as closed for the
first time, so Σ f, Σ 1/π and the closed-session count N cover the same sessions, also when a
record is published again after its claim's lease ran out.
"""

from __future__ import annotations

from ..metrics.definitions import PredictionMetrics
from ..metrics.labels import LabelBounds
from .assisted import ClosedIncrements
from .predictions import CELLS


class PredictionCounter:
    """Adds a published session's f, f², f²/π and 1/π to the ingest side's counters."""

    def __init__(self, metrics: PredictionMetrics, bounds: LabelBounds) -> None:
        self.metrics = metrics
        self.bounds = bounds
        # Series exist at zero before their first increment, so increase() never misses it.
        for feature, domain in bounds.pairs():
            metrics.inclusion_weight.labels(feature, domain)
            for archetype, measure in CELLS:
                for counter in (metrics.predicted, metrics.predicted_sq, metrics.predicted_sq_weight):
                    counter.labels(archetype, measure, feature, domain)

    def count(self, increments: ClosedIncrements, feature: str, domain: str | None) -> None:
        feature, bounded_domain = self.bounds.feature(feature), self.bounds.domain(domain)
        self.metrics.inclusion_weight.labels(feature, bounded_domain).inc(increments.inclusion_weight)
        for cell in increments.cells:
            labels = (cell.archetype, cell.measure, feature, bounded_domain)
            self.metrics.predicted.labels(*labels).inc(cell.predicted)
            self.metrics.predicted_sq.labels(*labels).inc(cell.predicted_sq)
            self.metrics.predicted_sq_weight.labels(*labels).inc(cell.predicted_sq_weight)
