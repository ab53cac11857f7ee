"""The predictions close stage: the failure probabilities f of the model-assisted estimator.

The stage only writes them on the record (it may run in a close process); the closer counts them
once the record is published (:class:`..estimate.counting.PredictionCounter`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..estimate.predictions import NO_PREDICTIONS, FailurePredictions, predictions_from_report
from ..records.session import SessionRecord
from ..sessions.model import SessionSnapshot


class PredictionStage:
    """Puts the failure probabilities f of the detector report on the record (after the detector stage)."""

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> Sequence[str]:
        report = record.detectors
        record.predictions = (
            FailurePredictions(version=NO_PREDICTIONS) if report is None else predictions_from_report(report)
        )
        return ()
