import pytest

from undercurrent.judge.ensemble import combine
from undercurrent.judge.verdict import ArchetypeFinding, Verdict


def verdict(*archetypes: str, quality: str = "poor", visibility: str = "invisible", turns=(1,)) -> Verdict:
    failed = visibility != "none"
    names = archetypes if failed else ("none",)
    return Verdict(
        quality=quality,
        failure_visibility=visibility,
        archetypes=tuple(
            ArchetypeFinding(archetype=n, evidence_turns=tuple(turns) if failed else (), rationale=n)
            for n in names
        ),
        domain="gaming",
        failure_origin="capability" if failed else "none",
        summary=f"{quality}/{visibility}",
    )


OK = verdict(quality="good", visibility="none")


@pytest.mark.parametrize(
    ("votes", "archetypes", "visibility"),
    [
        ([verdict("walkaway")] * 3, {"walkaway"}, "invisible"),
        (
            [verdict("walkaway"), verdict("walkaway", "drift"), verdict("drift", "walkaway")],
            {"walkaway", "drift"},
            "invisible",
        ),
        ([verdict("walkaway"), verdict("drift"), OK], {"walkaway"}, "invisible"),
        ([verdict("walkaway"), OK, OK], {"none"}, "none"),
        ([verdict("drift"), verdict("walkaway"), verdict("death_spiral")], {"drift"}, "invisible"),
        (
            [
                verdict("drift", visibility="visible"),
                verdict("drift"),
                verdict("drift", visibility="visible"),
            ],
            {"drift"},
            "visible",
        ),
    ],
)
def test_majority_per_label(votes, archetypes, visibility) -> None:
    combined = combine(votes).verdict
    assert combined.archetype_names == archetypes
    assert combined.failure_visibility == visibility


def test_tie_goes_to_the_earliest_verdict() -> None:
    assert combine([verdict("drift", quality="critical"), verdict("drift")]).verdict.quality == "critical"


def test_even_split_on_an_archetype_does_not_keep_it() -> None:
    outcome = combine([verdict("drift", "walkaway"), verdict("walkaway")])
    assert outcome.verdict.archetype_names == {"walkaway"}


def test_disagreement_is_per_archetype() -> None:
    outcome = combine([verdict("walkaway", "drift"), verdict("walkaway"), verdict("walkaway")])
    assert outcome.disagreement["drift"] is True
    assert outcome.disagreement["walkaway"] is False
    assert outcome.disagreement["death_spiral"] is False


def test_unanimous_success_has_no_disagreement() -> None:
    outcome = combine([OK, OK, OK])
    assert not any(outcome.disagreement.values())
    assert outcome.quality_agreement == outcome.visibility_agreement == 1.0


def test_evidence_turns_are_merged() -> None:
    outcome = combine([verdict("drift", turns=(1,)), verdict("drift", turns=(3,))])
    assert outcome.verdict.archetypes[0].evidence_turns == (1, 3)


def test_combined_verdict_is_consistent() -> None:
    import msgspec

    from undercurrent.judge.verdict import parse_verdict

    combined = combine([verdict("walkaway"), OK, verdict("drift")]).verdict
    assert parse_verdict(msgspec.to_builtins(combined)) == combined


def test_empty_ensemble_is_an_error() -> None:
    with pytest.raises(ValueError):
        combine([])
