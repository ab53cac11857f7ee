import math
from collections import Counter

import pytest

from undercurrent.replay.conversation import Conversation
from undercurrent.replay.rates import BehaviourRates, parse_overrides
from undercurrent.replay.synth import SynthOptions, conversation_rng, synthesize

SESSIONS = 2000
PAIRS = 3
RATES = BehaviourRates(
    copy=0.2,
    accept=0.1,
    undo_after_accept=0.3,
    edit=0.05,
    regenerate=0.04,
    stop_generation=0.02,
    thumbs_up=0.03,
    thumbs_down=0.02,
    end=0.5,
    abandon=0.2,
    walkaway=0.3,
)


def _conversation(n: int) -> Conversation:
    messages = tuple(m for k in range(PAIRS) for m in (("user", f"q{k}"), ("assistant", f"Answer {k}.")))
    return Conversation(id=f"r{n}", messages=messages)


@pytest.fixture(scope="module")
def counts() -> Counter:
    seen: Counter = Counter()
    for n in range(SESSIONS):
        for event in synthesize(_conversation(n), conversation_rng(3, f"r{n}"), 0, SynthOptions(rates=RATES)):
            seen[event.get("value", event["type"])] += 1
    return seen


def assert_near(observed: int, trials: int, p: float) -> None:
    """Within four binomial standard deviations."""
    tolerance = 4 * math.sqrt(trials * p * (1 - p))
    assert abs(observed - trials * p) <= tolerance, (observed, trials * p, tolerance)


@pytest.mark.parametrize(
    "behaviour", ["copy", "accept", "edit", "regenerate", "stop_generation", "thumbs_up", "thumbs_down"]
)
def test_per_answer_rates_are_honoured(counts, behaviour):
    assert_near(counts[behaviour], SESSIONS * PAIRS, getattr(RATES, behaviour))


def test_undo_rate_is_conditional_on_accept(counts):
    assert_near(counts["undo"], counts["accept"], RATES.undo_after_accept)


@pytest.mark.parametrize(("closure", "event_type"), [("end", "session_end"), ("abandon", "abandon")])
def test_closure_mix_is_honoured(counts, closure, event_type):
    assert_near(counts[event_type], SESSIONS, RATES.closure_probabilities()[closure])


def test_closure_weights_are_normalised():
    assert BehaviourRates(end=2, abandon=1, walkaway=1).closure_probabilities() == {
        "end": 0.5,
        "abandon": 0.25,
        "walkaway": 0.25,
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"copy": 1.5},
        {"edit": -0.1},
        {"thumbs_up": 0.7, "thumbs_down": 0.4},
        {"edit_ratio_alpha": 0},
        {"end": 0, "abandon": 0, "walkaway": 0},
    ],
)
def test_invalid_rates_are_rejected(bad):
    with pytest.raises(ValueError):
        BehaviourRates(**bad)


def test_parse_overrides():
    assert parse_overrides(["copy=0.3", "stop-generation = 0.1", "walkaway=2"]) == {
        "copy": 0.3,
        "stop_generation": 0.1,
        "walkaway": 2.0,
    }


@pytest.mark.parametrize("item", ["copy", "nosuch=0.1", "copy=lots"])
def test_parse_overrides_rejects_bad_items(item):
    with pytest.raises(ValueError):
        parse_overrides([item])


def test_edit_ratio_follows_its_beta_distribution():
    rates = BehaviourRates(edit=1.0, edit_ratio_alpha=2.0, edit_ratio_beta=5.0)
    ratios = [
        event["edit_ratio"]
        for n in range(300)
        for event in synthesize(_conversation(n), conversation_rng(5, f"r{n}"), 0, SynthOptions(rates=rates))
        if event["type"] == "edit"
    ]
    mean, variance = 2 / 7, (2 * 5) / (7**2 * 8)
    assert len(ratios) == 300 * PAIRS
    assert abs(sum(ratios) / len(ratios) - mean) <= 4 * math.sqrt(variance / len(ratios))
