"""Pure scoring pieces: risk model, visibility hint, archetype flags, domain classifier."""

import pytest

from undercurrent.detectors import RiskModel, Signal
from undercurrent.detectors.archetypes import archetype_flags, visibility
from undercurrent.detectors.domain import classify
from undercurrent.detectors.registry import SIGNAL_NAMES
from undercurrent.detectors.risk import WEIGHTS, RiskTerms, risk_inputs
from undercurrent.vocabulary import VERTICALS


def sig(name: str, *turns: int, score: float = 1.0) -> Signal:
    return Signal(name=name, turns=list(turns), score=score, evidence="", detector=name)


def profile(*signals: Signal) -> dict[str, Signal]:
    return {s.name: s for s in signals}


def test_every_signal_has_a_risk_weight():
    assert set(WEIGHTS) == set(SIGNAL_NAMES)


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ((), "none"),
        ((sig("copy", 1),), "none"),
        ((sig("user_corrects_ai", 2),), "visible"),
        ((sig("walkaway", 1),), "invisible"),
        ((sig("user_corrects_ai", 2), sig("walkaway", 3)), "mixed"),
        ((sig("ai_malfunction", 1), sig("user_corrects_ai", 2)), "visible"),
        ((sig("user_asks_clarification", 2),), "none"),
        ((sig("user_asks_clarification", 2, 4),), "visible"),
    ],
)
def test_visibility_hint(signals, expected):
    assert visibility(profile(*signals)) == expected


@pytest.mark.parametrize(
    ("signals", "archetypes"),
    [
        ((sig("off_topic_drift", 1),), {"drift"}),
        ((sig("repetition", 3),), {"death_spiral"}),
        ((sig("user_repeats_request", 2),), set()),
        ((sig("user_repeats_request", 2, 4),), {"death_spiral"}),
        ((sig("overconfidence_unhedged", 1),), {"confidence_trap"}),
        ((sig("overconfidence_unhedged", 1), sig("user_corrects_ai", 2)), set()),
        ((sig("walkaway", 1),), {"walkaway"}),
        ((sig("ai_malfunction", 1),), {"mystery_failure"}),
        ((sig("user_corrects_ai", 2),), set()),
        ((sig("user_corrects_ai", 2), sig("user_positive_feedback", 4), sig("thumbs_down", 5)), {"partial_recovery"}),
    ],
)
def test_archetype_flags(signals, archetypes):
    assert {f.archetype for f in archetype_flags(profile(*signals))} == archetypes


def test_flags_are_labelled_heuristic():
    assert all(f.source == "heuristic" for f in archetype_flags(profile(sig("walkaway", 1))))


@pytest.mark.parametrize(
    ("signals", "low", "high"),
    [((), 0.2, 0.3), ((sig("thumbs_down", 1),), 0.85, 1.0), ((sig("thumbs_up", 1),), 0.0, 0.05)],
)
def test_risk_is_a_logistic_of_weighted_signals(signals, low, high):
    assert low <= RiskModel().score(risk_inputs(signals, {})) <= high


def test_risk_model_weights_can_be_replaced():
    assert RiskModel(terms=RiskTerms(bias=0.0, weights={})).score({"thumbs_down": 1.0}) == 0.5


@pytest.mark.parametrize(
    ("texts", "vertical"),
    [
        (["My Python function raises an exception when I call the API"], "software_development"),
        (["Write a poem about the sea and a short story with a dragon character"], "creative_writing"),
        (["What are the symptoms of diabetes and which treatment does a doctor suggest?"], "healthcare_medical"),
        (["Translate this sentence, and check the grammar in Spanish"], "translation_language"),
        (["Plan a trip itinerary with a hotel and a flight to Rome"], "travel_hospitality"),
        (["hello"], "unknown"),
        (["你好，今天怎么样？"], "unknown"),
        ([""], "unknown"),
    ],
)
def test_domain_classifier(texts, vertical):
    assert classify(texts) == vertical


def test_domain_classifier_knows_the_33_verticals():
    assert len(VERTICALS) == len(set(VERTICALS)) == 33
