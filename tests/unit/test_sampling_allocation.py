from __future__ import annotations

import math

import pytest

from undercurrent.estimate.predictions import FailurePredictions
from undercurrent.sampling.allocation import neyman_probabilities, spread_driver
from undercurrent.vocabulary import ARCHETYPES


def _all(value: float) -> FailurePredictions:
    return FailurePredictions(version="v", failure={a: value for a in (*ARCHETYPES, "any")})


@pytest.mark.parametrize(
    ("predictions", "expected"),
    [
        (FailurePredictions(version="v"), 0.0),  # certain nothing fails: nothing to learn
        (_all(1.0), 0.0),  # certain everything fails
        (_all(0.5), 1.0),  # the most uncertain session
        (_all(0.1), math.sqrt(0.09) / 0.5),
        # one uncertain archetype among nine: √(0.25 / 9) / 0.5
        (FailurePredictions(version="v", failure={"walkaway": 0.5}), math.sqrt(0.25 / 9) / 0.5),
    ],
)
def test_spread_driver(predictions: FailurePredictions, expected: float) -> None:
    assert spread_driver(predictions) == pytest.approx(expected)


def test_neyman_probabilities_are_proportional_to_the_driver_within_floor_and_one() -> None:
    drivers = [0.0, 0.1, 0.2, 0.4, 4.0]
    pi = neyman_probabilities(drivers, expected_judged=1.5, floor=0.05)
    assert sum(pi) == pytest.approx(1.5)
    assert pi[0] == 0.05  # never 0: the floor
    assert pi[4] == 1.0  # capped
    assert pi[2] == pytest.approx(2 * pi[1]) and pi[3] == pytest.approx(4 * pi[1])


@pytest.mark.parametrize(
    ("drivers", "expected", "floor", "message"),
    [
        ([1.0, 1.0], 0.05, 0.1, "expected_judged"),  # the floor alone judges more
        ([1.0, 1.0], 3.0, 0.1, "expected_judged"),
        ([0.0, 1.0], 1.5, 0.1, "reach at most"),  # a driver of 0 stays at the floor
        ([1.0, -1.0], 1.0, 0.1, "non-negative"),
        ([1.0], 0.5, 0.0, "floor"),
    ],
)
def test_neyman_probabilities_reject_impossible_targets(drivers, expected, floor, message) -> None:
    with pytest.raises(ValueError, match=message):
        neyman_probabilities(drivers, expected, floor)
