from pathlib import Path

import jsonschema
import msgspec
import pytest

from tests.support.fake_anthropic import rule_verdict
from undercurrent.detectors.model import Signal
from undercurrent.estimate.trajectories import trajectory_increment
from undercurrent.events.model import Step
from undercurrent.judge.errors import JudgeInvalidOutput
from undercurrent.judge.instructions import INSTRUCTIONS
from undercurrent.judge.prompt import MAX_OUTPUT_TOKENS, TOKENS_PER_STEP, build_request, output_tokens
from undercurrent.judge.steps import (
    BRANCH_OF,
    CATEGORIES,
    TAXONOMY,
    StepErrorCount,
    StepVerdict,
    Trajectory,
    agent_steps,
    error_counts,
    final_score,
    first_error_position,
    running_scores,
    succeeded,
)
from undercurrent.judge.verdict import parse_verdict, verdict_schema
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn

JUDGE_DOCS = Path(__file__).resolve().parents[2] / "docs" / "judge.md"


def ok(turn: int) -> StepVerdict:
    return StepVerdict(turn=turn, correct=True)


def bad(turn: int, severity: str, category: str = "wrong_arguments") -> StepVerdict:
    return StepVerdict(turn=turn, correct=False, category=category, severity=severity)


@pytest.mark.parametrize(
    ("steps", "scores", "success"),
    [
        ((), (), True),
        ((ok(1), ok(2)), (100, 100), True),
        ((ok(1), bad(2, "minor"), ok(3)), (100, 99, 99), True),
        ((bad(1, "major"), bad(2, "critical")), (95, 85), False),
        ((bad(1, "minor"), bad(2, "major")), (99, 94), False),
        (tuple(bad(i, "critical") for i in range(12)), (90, 80, 70, 60, 50, 40, 30, 20, 10, 0, 0, 0), False),
        ((*(bad(i, "critical") for i in range(9)), bad(9, "major"), bad(10, "minor")),
         (90, 80, 70, 60, 50, 40, 30, 20, 10, 5, 4), False),
    ],
)  # fmt: skip
def test_running_score_subtracts_severity_weights_down_to_zero(steps, scores, success) -> None:
    assert running_scores(steps) == scores
    assert final_score(steps) == (scores[-1] if scores else 100)
    assert succeeded(steps) is success


@pytest.mark.parametrize(
    ("steps", "first", "position"),
    [
        ((ok(1), ok(3)), None, None),
        ((bad(1, "minor"), ok(3), ok(5), ok(7)), 1, 0.25),
        ((ok(1), ok(3), ok(5), bad(7, "major")), 7, 1.0),
        ((ok(1), bad(3, "minor"), bad(5, "major"), ok(7)), 5, 0.75),
    ],
)
def test_first_error_position_is_the_share_of_steps_up_to_the_first_error(steps, first, position) -> None:
    assert first_error_position(Trajectory(steps=steps, first_error_turn=first)) == position


def test_error_counts_group_by_category_and_severity_in_taxonomy_order() -> None:
    steps = (bad(1, "major"), bad(2, "major"), bad(3, "minor", "unsupported_claim"), ok(4), bad(5, "major"))
    assert error_counts(steps) == (
        StepErrorCount("reasoning", "unsupported_claim", "minor", 1),
        StepErrorCount("planning", "wrong_arguments", "major", 3),
    )


def test_taxonomy_has_two_levels_with_unique_category_names() -> None:
    assert len(set(CATEGORIES)) == len(TAXONOMY)
    assert set(BRANCH_OF.values()) == {"reasoning", "planning", "policy", "execution"}
    assert all(f"{c.name} ({c.meaning})" in INSTRUCTIONS.replace("\\\n", "") for c in TAXONOMY)


def test_the_judge_docs_list_the_taxonomy_of_the_module() -> None:
    rows = [line for line in JUDGE_DOCS.read_text().splitlines() if line.startswith("| ") and "` | " in line]
    documented = [r for r in rows if r.split(" | ")[0][2:] in BRANCH_OF.values()]
    assert documented == [f"| {c.branch} | `{c.name}` | {c.meaning} |" for c in TAXONOMY]


def turn(index: int, role: str, step: Step | None = None) -> TranscriptTurn:
    return TranscriptTurn(index=index, role=role, text=f"t{index}", ts_ms=index * 1000, event_id=f"e{index}", step=step)


AGENT = SessionSnapshot(
    session_id="a-1", feature="airline-agent", domain="travel_hospitality", user_id=None,
    turns=(
        turn(0, "system"), turn(1, "user"),
        turn(2, "assistant", Step(kind="tool_call", tool="get_reservation_details")),
        turn(3, "tool", Step(kind="tool_result", tool="get_reservation_details", status="error", error="not found")),
        turn(4, "assistant"), turn(5, "user"),
        turn(6, "assistant", Step(kind="tool_call", tool="cancel_reservation")),
        turn(7, "tool", Step(kind="tool_result", tool="cancel_reservation", status="ok")),
    ),
    behaviours=(), opened_ms=0, last_event_ms=7000, close_reason="end",
)  # fmt: skip
STEPS = (2, 3, 4, 6, 7)
CHAT = msgspec.structs.replace(AGENT, turns=(turn(0, "user"), turn(1, "assistant")))


def test_agent_steps_are_assistant_and_step_turns_of_sessions_with_steps() -> None:
    assert agent_steps(AGENT.turns) == STEPS
    assert agent_steps(CHAT.turns) == ()


def agent_request() -> dict:
    signals = [Signal(name="action_without_confirmation", turns=[6], score=0.7, evidence="",
                      detector="action_without_confirmation")]
    return build_request(AGENT, signals, model="m", redact=Redactor())


def test_agent_sessions_are_asked_for_a_trajectory_and_chat_sessions_are_not() -> None:
    agent_tool = agent_request()["tools"][0]
    chat_tool = build_request(CHAT, model="m", redact=Redactor())["tools"][0]
    assert "trajectory" in agent_tool["input_schema"]["required"]
    assert "trajectory" not in chat_tool["input_schema"]["properties"]
    text = agent_request()["messages"][0]["content"][0]["text"]
    assert '"agent_steps": [\n   2,\n   3,\n   4,\n   6,\n   7\n  ]' in text


def test_stand_in_answers_an_agent_request_through_the_real_schema() -> None:
    request = agent_request()
    answer = rule_verdict(request)
    jsonschema.validate(answer, request["tools"][0]["input_schema"])
    verdict = parse_verdict(answer, known_turns=range(8), steps=STEPS)
    assert verdict.trajectory is not None
    assert [(s.turn, s.category, s.severity) for s in verdict.trajectory.steps if not s.correct] == [
        (3, "tool_failure", "major"), (6, "action_without_confirmation", "critical"),
    ]  # fmt: skip
    assert verdict.trajectory.first_error_turn == 3


VALID = {"steps": [{"turn": t, "correct": True} for t in STEPS], "first_error_turn": None}


def with_steps(*changes: dict, first: int | None = None) -> dict:
    steps = [dict(s) for s in VALID["steps"]]
    for change in changes:
        steps[STEPS.index(change["turn"])] = change
    return {"steps": steps, "first_error_turn": first}


WRONG_3 = {"turn": 3, "correct": False, "category": "tool_failure", "severity": "major"}
INCONSISTENT = [
    {**VALID, "steps": VALID["steps"][:-1]},
    {**VALID, "steps": VALID["steps"][::-1]},
    {**VALID, "steps": [*VALID["steps"], {"turn": 1, "correct": True}]},
    with_steps({"turn": 3, "correct": False, "severity": "major"}, first=3),
    with_steps({"turn": 3, "correct": True, "category": "tool_failure", "severity": "major"}),
    with_steps(WRONG_3),
    with_steps(WRONG_3, first=4),
    {**VALID, "first_error_turn": 2},
]


def session_verdict(trajectory: dict | None) -> dict:
    base = rule_verdict(agent_request())
    base.pop("trajectory")
    return base if trajectory is None else {**base, "trajectory": trajectory}


@pytest.mark.parametrize("trajectory", INCONSISTENT)
def test_inconsistent_trajectories_are_rejected(trajectory: dict) -> None:
    with pytest.raises(JudgeInvalidOutput, match="consistency"):
        parse_verdict(session_verdict(trajectory), steps=STEPS)


@pytest.mark.parametrize(
    ("trajectory", "steps", "valid"),
    [
        (VALID, STEPS, True),
        (with_steps(WRONG_3, first=3), STEPS, True),
        (None, STEPS, False),
        (VALID, (), False),
        (None, (), True),
        (VALID, None, True),
    ],
)
def test_a_trajectory_goes_with_agent_sessions_only(trajectory, steps, valid: bool) -> None:
    if valid:
        assert parse_verdict(session_verdict(trajectory), steps=steps)
    else:
        with pytest.raises(JudgeInvalidOutput, match="trajectory"):
            parse_verdict(session_verdict(trajectory), steps=steps)


def test_schema_rejects_unknown_categories_and_severities() -> None:
    schema = verdict_schema(agent=True)
    for change in ({"category": "typo"}, {"severity": "fatal"}):
        step = {**WRONG_3, **change}
        assert not jsonschema.Draft202012Validator(schema).is_valid(session_verdict(with_steps(step, first=3)))
        with pytest.raises(JudgeInvalidOutput, match="schema"):
            parse_verdict(session_verdict(with_steps(step, first=3)), steps=STEPS)


@pytest.mark.parametrize(
    ("steps", "pi", "outcome", "errors"),
    [
        ((ok(1), bad(2, "minor")), 1.0, "success", [("planning", "wrong_arguments", "minor", 1.0, 0.0, 0.0)]),
        ((bad(1, "major"), bad(2, "major"), bad(3, "minor", "tool_failure")), 0.5, "failure",
         [("planning", "wrong_arguments", "major", 4.0, 8.0, 4.0),
          ("execution", "tool_failure", "minor", 2.0, 2.0, 2.0)]),
        ((ok(1),), 0.25, "success", []),
    ],
)  # fmt: skip
def test_trajectory_increments_weight_outcomes_and_error_counts(steps, pi, outcome, errors) -> None:
    wrong = [s.turn for s in steps if not s.correct]
    inc = trajectory_increment(Trajectory(steps=steps, first_error_turn=wrong[0] if wrong else None), pi=pi)
    assert (inc.outcome, inc.weight, inc.variance) == (outcome, 1 / pi, (1 - pi) / pi**2)
    assert [tuple(e) for e in inc.errors] == errors


@pytest.mark.parametrize(
    ("max_tokens", "steps", "expected"),
    [
        (1024, 0, 1024),  # a chat session keeps the configured budget
        (1024, 5, 1024 + 5 * TOKENS_PER_STEP),
        (1024, 59, 1024 + 59 * TOKENS_PER_STEP),  # a long τ-bench run
        (1024, 1000, MAX_OUTPUT_TOKENS),  # capped
        (10_000, 3, 10_000),  # never below what is configured
    ],
)
def test_an_agent_session_gets_output_room_for_every_step_verdict(max_tokens: int, steps: int, expected: int) -> None:
    assert output_tokens(max_tokens, steps) == expected


def test_the_request_about_an_agent_session_reserves_room_for_its_steps() -> None:
    agent = build_request(AGENT, model="m", redact=Redactor(), max_tokens=1024)
    chat = build_request(CHAT, model="m", redact=Redactor(), max_tokens=1024)
    assert (agent["max_tokens"], chat["max_tokens"]) == (1024 + len(STEPS) * TOKENS_PER_STEP, 1024)
