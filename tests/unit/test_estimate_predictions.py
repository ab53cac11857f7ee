from __future__ import annotations

import pytest

from undercurrent.detectors.model import ArchetypeFlag, DetectorReport
from undercurrent.estimate.predictions import HEURISTIC_FLAGS, FailurePredictions, predictions_from_report


def _report(visibility: str, flags: dict[str, float], risk: float = 0.42) -> DetectorReport:
    return DetectorReport(
        signals=[], archetypes=[ArchetypeFlag(archetype=a, score=s, signals=["x"]) for a, s in flags.items()],
        visibility=visibility, risk=risk, domain="legal", domain_source="producer", versions={},
    )


@pytest.mark.parametrize(
    ("visibility", "flags", "failure", "invisible"),
    [
        ("none", {}, {"any": 0.42}, {"any": 0.42}),
        ("invisible", {"walkaway": 0.6}, {"walkaway": 0.6, "any": 0.42}, {"walkaway": 0.6, "any": 0.42}),
        ("mixed", {"drift": 0.5, "walkaway": 0.6}, {"drift": 0.5, "walkaway": 0.6, "any": 0.42},
         {"drift": 0.5, "walkaway": 0.6, "any": 0.42}),
        # a visible reaction with nothing unflagged after it: an invisible failure is not predicted
        ("visible", {"death_spiral": 0.7}, {"death_spiral": 0.7, "any": 0.42}, {}),
    ],
)
def test_predictions_are_the_flag_scores_and_the_risk(visibility, flags, failure, invisible) -> None:
    predictions = predictions_from_report(_report(visibility, flags))
    assert (predictions.version, predictions.failure, predictions.invisible_failure) == (
        HEURISTIC_FLAGS, failure, invisible,
    )


@pytest.mark.parametrize(
    ("archetype", "measure", "expected"),
    [("walkaway", "failure", 0.6), ("walkaway", "invisible_failure", 0.0), ("drift", "failure", 0.0)],
)
def test_value_is_zero_for_what_was_not_predicted(archetype, measure, expected) -> None:
    predictions = FailurePredictions(version="v", failure={"walkaway": 0.6})
    assert predictions.value(archetype, measure) == expected


@pytest.mark.parametrize(
    ("failure", "message"),
    [({"walkaway": 1.5}, "in \\[0, 1\\]"), ({"walkaway": -0.1}, "in \\[0, 1\\]"),
     ({"walkaway": float("nan")}, "in \\[0, 1\\]"), ({"bogus": 0.5}, "unknown archetype")],
)
def test_invalid_predictions_are_rejected(failure, message) -> None:
    with pytest.raises(ValueError, match=message):
        FailurePredictions(version="v", failure=failure)
