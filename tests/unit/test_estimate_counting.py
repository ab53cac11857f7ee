"""The prediction and residual counters add exactly the increments of estimate.assisted, under bounded labels."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from undercurrent.detectors.model import ArchetypeFlag, DetectorReport
from undercurrent.estimate.assisted import closed_increments, judged_increments
from undercurrent.estimate.counting import PredictionCounter
from undercurrent.estimate.predictions import CELLS, NO_PREDICTIONS, FailurePredictions
from undercurrent.estimate.residuals import ResidualCounter
from undercurrent.ingest.predict import PredictionStage
from undercurrent.judge.verdict import ArchetypeFinding, Verdict
from undercurrent.metrics.definitions import PredictionMetrics, ResidualMetrics
from undercurrent.metrics.labels import LabelBounds
from undercurrent.records.session import session_record
from undercurrent.sessions.model import SessionSnapshot

BOUNDS = LabelBounds(["chat"], ["legal", "unknown"])
REPORT = DetectorReport(
    signals=[], archetypes=[ArchetypeFlag(archetype="walkaway", score=0.6, signals=["walkaway"])],
    visibility="invisible", risk=0.4, domain="legal", domain_source="producer", versions={},
)
SNAPSHOT = SessionSnapshot(session_id="s1", feature="chat", domain=None, user_id=None, turns=(), behaviours=(),
                           opened_ms=0, last_event_ms=1)
PI = 0.25


def _cell(archetype: str, measure: str, feature: str = "chat", domain: str = "legal") -> dict[str, str]:
    return {"archetype": archetype, "measure": measure, "feature": feature, "domain": domain}


@pytest.mark.parametrize(
    ("detectors", "feature", "domain", "labels"),
    [
        (REPORT, "chat", "legal", ("chat", "legal")),
        (REPORT, "mail", "astrology", ("other", "other")),  # unbounded names map to ``other``
        (None, "chat", "legal", ("chat", "legal")),  # detectors off: f = 0, only 1/π is added
    ],
)
def test_a_published_record_adds_its_predictions_and_weight(detectors, feature, domain, labels) -> None:
    registry = CollectorRegistry()
    counter = PredictionCounter(PredictionMetrics(registry), BOUNDS)
    record = session_record(SNAPSHOT, closed_at_ms=1)
    record.detectors = detectors
    assert PredictionStage()(SNAPSHOT, record) == ()
    if detectors is None:
        assert record.predictions == FailurePredictions(version=NO_PREDICTIONS)
    increments = closed_increments(record.predictions, pi=PI)
    counter.count(increments, feature, domain)
    counter.count(increments, feature, domain)  # the closer counts once per first publication; twice adds twice

    f, d = labels
    assert registry.get_sample_value("undercurrent_inclusion_weight_total", {"feature": f, "domain": d}) == 8.0
    expected = {(c.archetype, c.measure): c for c in increments.cells}
    for archetype, measure in CELLS:
        cell = expected.get((archetype, measure))
        for name, attribute in (("predicted_failures", "predicted"), ("predicted_failures_sq", "predicted_sq"),
                                ("predicted_failures_sq_weight", "predicted_sq_weight")):
            value = registry.get_sample_value(f"undercurrent_{name}_total", _cell(archetype, measure, f, d))
            assert value == pytest.approx(2 * getattr(cell, attribute) if cell else 0.0)
    if detectors is not None:
        assert registry.get_sample_value("undercurrent_predicted_failures_total",
                                         _cell("walkaway", "invisible_failure", f, d)) == pytest.approx(1.2)


def _verdict(archetype: str, visibility: str) -> Verdict:
    return Verdict(
        quality="poor" if visibility != "none" else "good", failure_visibility=visibility,
        archetypes=(ArchetypeFinding(archetype=archetype, evidence_turns=(), rationale="r"),),
        domain="legal", failure_origin="capability" if visibility != "none" else "none", summary="s",
    )


@pytest.mark.parametrize(
    ("archetype", "visibility"), [("walkaway", "invisible"), ("drift", "visible"), ("none", "none")],
)
def test_a_judged_session_adds_its_residual_parts(archetype: str, visibility: str) -> None:
    registry = CollectorRegistry()
    counter = ResidualCounter(ResidualMetrics(registry), BOUNDS)
    predictions = FailurePredictions(version="v", failure={"walkaway": 0.6, "any": 0.4},
                                     invisible_failure={"walkaway": 0.6, "any": 0.4})
    counter.judged(_verdict(archetype, visibility), predictions, pi=PI, feature="chat", domain="legal")

    expected = {(i.archetype, i.measure): i for i in judged_increments([archetype], visibility, predictions, pi=PI)}
    assert expected  # every case moves some cell
    for archetype_, measure in CELLS:
        inc = expected.get((archetype_, measure))
        for name in ("failure_weight", "failure_weight_sq", "prediction_weight", "hit_weight", "hit_weight_sq"):
            value = registry.get_sample_value(f"undercurrent_judged_{name}_total", _cell(archetype_, measure))
            assert value == pytest.approx(getattr(inc, name) if inc else 0.0), (archetype_, measure, name)
