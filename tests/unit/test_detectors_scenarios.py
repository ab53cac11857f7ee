"""The labelled scenario set: coverage and the precision floors the detectors reach on it."""

import pytest

from undercurrent.detectors import SIGNAL_NAMES
from undercurrent.detectors.evaluate import Evaluation, evaluate
from undercurrent.detectors.scenarios import load_scenarios

# Precision measured on the scenario set; raise a floor when a detector improves, never lower it to pass.
PRECISION_FLOORS = {
    "user_corrects_ai": 1.0,
    "user_expresses_frustration": 1.0,
    "user_expresses_dissatisfaction": 1.0,
    "user_asks_clarification": 1.0,
    "user_repeats_request": 1.0,
    "user_positive_feedback": 1.0,
    "user_abandons_thread": 1.0,
    "accept_then_undo": 1.0,
    "large_edit": 1.0,
    "regenerate": 1.0,
    "stop_generation": 1.0,
    "copy": 1.0,
    "thumbs_up": 1.0,
    "thumbs_down": 1.0,
    "abandon_after_answer": 1.0,
    "walkaway": 1.0,
}
RECALL_FLOORS = {name: 0.9 for name in PRECISION_FLOORS}


@pytest.fixture(scope="module")
def result() -> Evaluation:
    return evaluate(load_scenarios())


def _score(result: Evaluation, name: str):
    return next(s for s in result.signals if s.name == name)


def test_scenario_ids_are_unique():
    ids = [s.id for s in load_scenarios()]
    assert len(ids) == len(set(ids))


def test_scenarios_only_name_registered_signals():
    for scenario in load_scenarios():
        assert set(scenario.signals) <= set(SIGNAL_NAMES), scenario.id
        assert not set(scenario.hard_negative_for) & set(scenario.signals), scenario.id


@pytest.mark.parametrize("name", SIGNAL_NAMES)
def test_every_detector_has_ten_positives_and_ten_hard_negatives(result, name):
    score = _score(result, name)
    assert score.positives >= 10
    assert score.hard_negatives >= 10


@pytest.mark.parametrize(("name", "floor"), PRECISION_FLOORS.items())
def test_precision_floor(result, name, floor):
    score = _score(result, name)
    assert score.precision is not None and score.precision >= floor, score.false_positives


@pytest.mark.parametrize(("name", "floor"), RECALL_FLOORS.items())
def test_recall_floor(result, name, floor):
    score = _score(result, name)
    assert score.recall is not None and score.recall >= floor, score.false_negatives


def test_visibility_hint_agrees_with_labels_on_most_scenarios(result):
    assert result.visibility_labelled > 0
    assert result.visibility_correct / result.visibility_labelled >= 0.95
