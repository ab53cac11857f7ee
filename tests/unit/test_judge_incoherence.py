import pytest

from undercurrent.judge.ensemble import combine
from undercurrent.judge.incoherence import (
    BrierTerms,
    archetype_terms,
    brier_terms,
    incoherence,
    weighted_terms,
)

from .test_judge_ensemble import OK, verdict


@pytest.mark.parametrize(
    ("votes", "reference", "bias2", "variance"),
    [
        ([1.0], 1.0, 0.0, 0.0),  # K=1, right: no error at all
        ([0.0], 1.0, 1.0, 0.0),  # K=1, wrong: all bias, no variance can be seen
        ([1.0, 1.0, 1.0], 1.0, 0.0, 0.0),  # all agree and right
        ([0.0, 0.0, 0.0], 1.0, 1.0, 0.0),  # all agree and wrong: systematic
        ([1.0, 1.0, 0.0], 1.0, 1 / 9, 2 / 9),  # a lone dissenter against the right majority
        ([1.0, 0.0, 0.0], 1.0, 4 / 9, 2 / 9),  # majority wrong
        ([1.0, 0.0], 0.0, 1 / 4, 1 / 4),  # even split
        ([1.0, 0.0, 0.0, 0.0, 0.0], 0.0, 1 / 25, 4 / 25),
        ([0.7, 0.9], 1.0, 0.04, 0.01),  # probabilities, not only votes
    ],
)
def test_brier_terms(votes, reference, bias2, variance) -> None:
    terms = brier_terms(votes, reference)
    assert terms.bias2 == pytest.approx(bias2)
    assert terms.variance == pytest.approx(variance)
    # Brier: the error is the mean squared distance of the votes from the reference
    assert terms.error == pytest.approx(sum((v - reference) ** 2 for v in votes) / len(votes))


def test_brier_terms_need_a_vote() -> None:
    with pytest.raises(ValueError, match="at least one vote"):
        brier_terms([], 1.0)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ([], None),  # no sessions
        ([BrierTerms(0.0, 0.0)] * 3, None),  # nothing erred: 0/0 is no value, not 0
        ([BrierTerms(1.0, 0.0)], 0.0),  # only systematic errors
        ([BrierTerms(0.0, 0.25)], 1.0),  # only disagreement (an even split against a 0.5 reference)
        ([BrierTerms(1 / 9, 2 / 9), BrierTerms(1.0, 0.0)], (2 / 9) / (4 / 3)),  # ratio of sums
        ([BrierTerms(1 / 9, 2 / 9), BrierTerms(0.0, 0.0)], 2 / 3),  # error-free sessions change nothing
    ],
)
def test_incoherence_is_a_ratio_of_sums(terms, expected) -> None:
    result = incoherence(terms)
    assert result == (None if expected is None else pytest.approx(expected))


def test_incoherence_is_not_the_mean_of_per_session_ratios() -> None:
    terms = [BrierTerms(1 / 9, 2 / 9), BrierTerms(1.0, 0.0)]
    per_session = sum(t.variance / t.error for t in terms) / len(terms)
    assert incoherence(terms) != pytest.approx(per_session)


def test_archetype_terms_per_archetype_against_a_reference() -> None:
    terms = archetype_terms(
        [frozenset({"drift"}), frozenset({"drift", "walkaway"}), frozenset({"none"})], frozenset({"drift"})
    )
    assert terms["drift"] == pytest.approx(brier_terms([1, 1, 0], 1.0))
    assert terms["walkaway"] == pytest.approx(brier_terms([0, 1, 0], 0.0))
    assert terms["death_spiral"] == BrierTerms(0.0, 0.0)
    assert "none" not in terms


@pytest.mark.parametrize(
    ("votes", "drift"),
    [
        ([verdict("drift")] * 3, BrierTerms(0.0, 0.0)),  # unanimous
        ([verdict("drift")], BrierTerms(0.0, 0.0)),  # K=1 is its own majority: never an error
        ([verdict("drift"), verdict("drift"), OK], BrierTerms(1 / 9, 2 / 9)),
        ([verdict("drift"), OK, OK], BrierTerms(1 / 9, 2 / 9)),  # majority "none" is the reference
        # no archetype has a majority: the most named one is the reference, so its bias is large
        ([verdict("drift"), verdict("walkaway"), verdict("death_spiral")], BrierTerms(4 / 9, 2 / 9)),
    ],
)
def test_ensemble_terms_use_its_own_majority_as_reference(votes, drift) -> None:
    terms = combine(votes).brier["drift"]
    assert terms.bias2 == pytest.approx(drift.bias2)
    assert terms.variance == pytest.approx(drift.variance)


def test_weighted_terms_scale_by_inverse_pi_and_skip_error_free_archetypes() -> None:
    terms = {"drift": BrierTerms(1 / 9, 2 / 9), "walkaway": BrierTerms(0.0, 0.0)}
    (only,) = weighted_terms(terms, pi=0.25)
    assert only.archetype == "drift"
    assert only.variance == pytest.approx(8 / 9)
    assert only.error == pytest.approx(4 / 3)


@pytest.mark.parametrize("pi", [0.0, -0.1, 1.5])
def test_weighted_terms_refuse_an_impossible_pi(pi: float) -> None:
    with pytest.raises(ValueError, match="inclusion probability"):
        weighted_terms({}, pi=pi)
