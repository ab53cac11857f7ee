from __future__ import annotations

import pytest

from undercurrent.estimate.assisted import closed_increments, judged_increments, outcomes
from undercurrent.estimate.predictions import FailurePredictions

PREDICTIONS = FailurePredictions(
    version="v", failure={"walkaway": 0.6, "any": 0.5}, invisible_failure={"walkaway": 0.6, "any": 0.5}
)


def _judged(archetypes, visibility, pi):
    return {
        (i.archetype, i.measure): (i.failure_weight, i.failure_weight_sq, i.prediction_weight, i.hit_weight,
                                   i.hit_weight_sq)
        for i in judged_increments(archetypes, visibility, PREDICTIONS, pi=pi)
    }


def test_closed_increments_add_predictions_and_the_inclusion_weight() -> None:
    increments = closed_increments(PREDICTIONS, pi=0.25)
    assert increments.inclusion_weight == 4.0
    cells = {(c.archetype, c.measure): (c.predicted, c.predicted_sq, c.predicted_sq_weight) for c in increments.cells}
    assert cells == {
        ("walkaway", "failure"): pytest.approx((0.6, 0.36, 1.44)),
        ("walkaway", "invisible_failure"): pytest.approx((0.6, 0.36, 1.44)),
        ("any", "failure"): pytest.approx((0.5, 0.25, 1.0)),
        ("any", "invisible_failure"): pytest.approx((0.5, 0.25, 1.0)),
    }


@pytest.mark.parametrize(
    ("archetypes", "visibility", "expected"),
    [
        # an invisible walkaway at π = 0.5: y = 1 in both measures; y/π, y/π², f/π, y·f/π, y·f/π²
        (["walkaway"], "invisible", {
            ("walkaway", "failure"): (2, 4, 1.2, 1.2, 2.4), ("walkaway", "invisible_failure"): (2, 4, 1.2, 1.2, 2.4),
            ("any", "failure"): (2, 4, 1.0, 1.0, 2.0), ("any", "invisible_failure"): (2, 4, 1.0, 1.0, 2.0),
        }),
        # a visible drift: the invisible-failure cells only carry the predictions
        (["drift"], "visible", {
            ("drift", "failure"): (2, 4, 0, 0, 0),
            ("walkaway", "failure"): (0, 0, 1.2, 0, 0), ("walkaway", "invisible_failure"): (0, 0, 1.2, 0, 0),
            ("any", "failure"): (2, 4, 1.0, 1.0, 2.0), ("any", "invisible_failure"): (0, 0, 1.0, 0, 0),
        }),
        # no failure: predictions only; an unnamed failure counts as mystery_failure
        (["none"], "none", {
            ("walkaway", "failure"): (0, 0, 1.2, 0, 0), ("walkaway", "invisible_failure"): (0, 0, 1.2, 0, 0),
            ("any", "failure"): (0, 0, 1.0, 0, 0), ("any", "invisible_failure"): (0, 0, 1.0, 0, 0),
        }),
        ([], "mixed", {
            ("mystery_failure", "failure"): (2, 4, 0, 0, 0), ("mystery_failure", "invisible_failure"): (2, 4, 0, 0, 0),
            ("walkaway", "failure"): (0, 0, 1.2, 0, 0), ("walkaway", "invisible_failure"): (0, 0, 1.2, 0, 0),
            ("any", "failure"): (2, 4, 1.0, 1.0, 2.0), ("any", "invisible_failure"): (2, 4, 1.0, 1.0, 2.0),
        }),
    ],
)
def test_judged_increments(archetypes, visibility, expected) -> None:
    got = _judged(archetypes, visibility, 0.5)
    assert got.keys() == expected.keys()
    for cell, values in expected.items():
        assert got[cell] == pytest.approx(values), cell


def test_increments_reconstruct_the_residual_and_its_variance_term() -> None:
    """(y − f)/π and (y − f)²(1 − π)/π² of one judged session, from the counters' increments."""
    pi, f = 0.2, 0.6
    at_close = {(c.archetype, c.measure): c for c in closed_increments(PREDICTIONS, pi=pi).cells}
    for y, (archetypes, visibility) in ((1, (["walkaway"], "invisible")), (0, (["none"], "none"))):
        inc = {(i.archetype, i.measure): i for i in judged_increments(archetypes, visibility, PREDICTIONS, pi=pi)}
        cell, closed = inc[("walkaway", "failure")], at_close[("walkaway", "failure")]
        assert cell.failure_weight - cell.prediction_weight == pytest.approx((y - f) / pi)
        # y(1 − 2f)(1/π² − 1/π) from the judge side; f²(1/π² − 1/π) is one judged session's share of the
        # known part Σ f²(1 − π)/π that the ingest side adds for every closed session
        failure_part = (cell.failure_weight_sq - 2 * cell.hit_weight_sq) - (cell.failure_weight - 2 * cell.hit_weight)
        prediction_part = closed.predicted_sq_weight / pi - closed.predicted_sq_weight
        assert failure_part + prediction_part == pytest.approx((y - f) ** 2 * (1 - pi) / pi**2)


@pytest.mark.parametrize("pi", [0.0, -0.1, 1.5, float("nan")])
def test_invalid_pi_is_rejected(pi) -> None:
    with pytest.raises(ValueError, match="pi"):
        judged_increments(["walkaway"], "invisible", PREDICTIONS, pi=pi)
    with pytest.raises(ValueError, match="pi"):
        closed_increments(PREDICTIONS, pi=pi)


def test_inconsistent_verdicts_are_rejected() -> None:
    with pytest.raises(ValueError, match="contradicts"):
        outcomes(["walkaway"], "none")
    with pytest.raises(ValueError, match="unknown archetypes"):
        outcomes(["bogus"], "visible")
