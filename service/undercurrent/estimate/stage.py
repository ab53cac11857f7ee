"""The model-assisted estimator at close: predictions f on the record, counted once published.

The predictions travel with the record (``predictions``), so the judge worker weighs
the very f the ingest side added (``docs/estimation.md`` §7). The stage only writes
them (it may run in a close process); the closer's :class:`PredictionCounter` adds them
to the counters when it counts the session as closed for the first time, so Σ f, Σ 1/π
and the closed-session count N cover the same sessions, also when a record is
published again after its claim's lease ran out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..metrics.definitions import PredictionMetrics
from ..metrics.labels import LabelBounds
from ..sessions.model import SessionSnapshot
from .assisted import ClosedIncrements
from .predictions import CELLS, NO_PREDICTIONS, FailurePredictions, predictions_from_report


class PredictionStage:
    """Puts the failure probabilities f of the detector report on the record (after the detector stage)."""

    def __call__(self, snapshot: SessionSnapshot, record: dict[str, Any]) -> Sequence[str]:
        report = record.get("detectors")
        record["predictions"] = (
            FailurePredictions(version=NO_PREDICTIONS) if report is None else predictions_from_report(report)
        )
        return ()


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
