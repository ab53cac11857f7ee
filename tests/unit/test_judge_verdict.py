import jsonschema
import pytest

from undercurrent.judge.errors import JudgeInvalidOutput
from undercurrent.judge.verdict import Verdict, parse_verdict, verdict_schema

GOOD = {
    "quality": "poor",
    "failure_visibility": "invisible",
    "archetypes": [{"archetype": "walkaway", "evidence_turns": [1], "rationale": "left"}],
    "domain": "software_development",
    "failure_origin": "capability",
    "summary": "The fix did not work and the user left.",
}
SUCCESS = {
    **GOOD,
    "quality": "good",
    "failure_visibility": "none",
    "failure_origin": "none",
    "archetypes": [{"archetype": "none", "evidence_turns": [], "rationale": "done"}],
}


def changed(**fields) -> dict:
    return {**GOOD, **fields}


SCHEMA_ERRORS = [
    changed(quality="meh"),
    changed(failure_visibility="hidden"),
    changed(archetypes=[]),
    changed(archetypes=[{"archetype": "the_drift", "evidence_turns": [], "rationale": ""}]),
    changed(archetypes=[{"archetype": "drift", "evidence_turns": [-1], "rationale": ""}]),
    changed(domain="business_operations"),
    changed(failure_origin="both"),
    changed(extra="field"),
    {k: v for k, v in GOOD.items() if k != "summary"},
]
CONSISTENCY_ERRORS = [
    changed(archetypes=[GOOD["archetypes"][0], SUCCESS["archetypes"][0]]),
    changed(archetypes=SUCCESS["archetypes"]),
    {**SUCCESS, "failure_origin": "capability"},
    {**SUCCESS, "archetypes": GOOD["archetypes"]},
    changed(failure_origin="none"),
    changed(archetypes=GOOD["archetypes"] * 2),
]


@pytest.mark.parametrize("data", [GOOD, SUCCESS])
def test_valid_verdicts_parse(data: dict) -> None:
    assert isinstance(parse_verdict(data), Verdict)


@pytest.mark.parametrize("data", SCHEMA_ERRORS)
def test_schema_violations_are_invalid_output(data: dict) -> None:
    with pytest.raises(JudgeInvalidOutput, match="^schema: "):
        parse_verdict(data)


@pytest.mark.parametrize("data", CONSISTENCY_ERRORS)
def test_inconsistent_verdicts_are_invalid_output(data: dict) -> None:
    with pytest.raises(JudgeInvalidOutput, match="^consistency: "):
        parse_verdict(data)


def test_evidence_must_name_known_turns() -> None:
    with pytest.raises(JudgeInvalidOutput, match=r"\[1\]"):
        parse_verdict(GOOD, known_turns={0})


@pytest.mark.parametrize("data", [GOOD, SUCCESS, *SCHEMA_ERRORS])
def test_generated_schema_agrees_with_the_struct(data: dict) -> None:
    valid_by_schema = jsonschema.Draft202012Validator(verdict_schema()).is_valid(data)
    try:
        parse_verdict(data)
        valid_by_struct = True
    except JudgeInvalidOutput:
        valid_by_struct = False
    assert valid_by_schema == valid_by_struct


def test_schema_is_self_contained() -> None:
    assert "$ref" not in str(verdict_schema())
