"""Step-level judging of agent trajectories: the error taxonomy, the step verdict and its scoring.

An *agent session* is one whose transcript carries step events (tool calls, tool results,
thoughts, actions, observations). Its *steps* are the turns the agent side produced: every
assistant turn and every turn that carries a step. For such a session the judge also rates
each step (correct or not; if not, a category of this taxonomy and a severity) and names the
first step where the trajectory went wrong.

The taxonomy has two levels, branch and category. Its branches follow TRAIL's reasoning,
planning and system-execution split, plus a policy branch for the rules of a service domain
(airline-style: act only on an explicit yes, within what the policy allows). It is defined
here once; the tool schema, the judge's instructions, the worker, the metrics' label values,
the recording rules and docs/judge.md all read it from this module.

Scoring is pure: a trajectory starts at 100 points, each erroneous step subtracts the weight of
its severity, and the score never goes below 0. A trajectory *succeeds* when no step has a
major or critical error.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Annotated, Literal, NamedTuple, get_args

import msgspec

from ..sessions.model import TranscriptTurn


class Category(NamedTuple):
    branch: str
    name: str
    meaning: str


TAXONOMY: tuple[Category, ...] = (
    Category("reasoning", "unsupported_claim",
             "states a fact, price, rule or tool result that nothing in the transcript supports"),
    Category("reasoning", "misread_observation",
             "misreads what a tool returned or what the user said"),
    Category("reasoning", "wrong_conclusion",
             "decides wrongly what the user needs or what the facts imply"),
    Category("planning", "wrong_tool", "calls a tool that does not serve the step"),
    Category("planning", "wrong_arguments", "right tool, wrong, guessed or invented arguments"),
    Category("planning", "missing_step",
             "skips a lookup, check or question the task needed before going on"),
    Category("planning", "redundant_steps", "repeats calls or loops without making progress"),
    Category("planning", "goal_deviation", "works towards something other than the user's goal"),
    Category("planning", "premature_end",
             "ends, hands over or gives up before the goal is met or properly declined"),
    Category("policy", "action_without_confirmation",
             "books, cancels, pays or modifies without the user's explicit yes"),
    Category("policy", "policy_violation", "does or offers what the domain policy does not allow"),
    Category("policy", "ignored_instruction", "disregards an explicit instruction of the user"),
    Category("execution", "invalid_call", "a call the tool rejects: unknown tool, malformed or missing input"),
    Category("execution", "tool_failure",
             "the tool or service failed: an error, timeout, missing record or denied permission"),
    Category("execution", "malformed_output", "output in a broken or unusable format"),
)  # fmt: skip
BRANCHES: tuple[str, ...] = tuple(dict.fromkeys(c.branch for c in TAXONOMY))
CATEGORIES: tuple[str, ...] = tuple(c.name for c in TAXONOMY)
BRANCH_OF: dict[str, str] = {c.name: c.branch for c in TAXONOMY}

Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SEVERITY_WEIGHTS: dict[str, int] = {"minor": 1, "major": 5, "critical": 10}
"""Points a step error subtracts from the trajectory score."""
FAILING_SEVERITIES = frozenset({"major", "critical"})
MAX_SCORE = 100

# A Literal built from the taxonomy's names: mypy reads it as invalid, msgspec validates against them.
StepCategory = Literal[CATEGORIES]  # type: ignore[valid-type]
TurnIndex = Annotated[int, msgspec.Meta(ge=0)]


class StepVerdict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    turn: Annotated[TurnIndex, msgspec.Meta(description="the step's turn index")]
    correct: bool
    category: Annotated[
        StepCategory | None, msgspec.Meta(description="the error category; null when the step is correct")
    ] = None
    severity: Annotated[
        Severity | None, msgspec.Meta(description="the error's severity; null when the step is correct")
    ] = None
    rationale: Annotated[str, msgspec.Meta(max_length=400, description="one short sentence")] = ""


class Trajectory(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    steps: Annotated[
        tuple[StepVerdict, ...],
        msgspec.Meta(description="one verdict per step listed in session.agent_steps, in that order"),
    ]
    first_error_turn: Annotated[
        TurnIndex | None,
        msgspec.Meta(description="the step where the trajectory first went wrong; null when no step is wrong"),
    ]


def is_step(turn: TranscriptTurn) -> bool:
    return turn.step is not None or turn.role == "assistant"


def agent_steps(turns: Sequence[TranscriptTurn]) -> tuple[int, ...]:
    """The turn indices to judge step by step; empty for a session without step events."""
    if not any(t.step is not None for t in turns):
        return ()
    return tuple(t.index for t in turns if is_step(t))


def trajectory_problem(trajectory: Trajectory, steps: Collection[int]) -> str | None:
    """What makes a trajectory verdict inconsistent with itself or with the session's steps."""
    turns = [s.turn for s in trajectory.steps]
    if turns != list(steps):
        return f"steps must be exactly the agent steps {list(steps)} in order, got {turns}"
    for s in trajectory.steps:
        if s.correct != (s.category is None) or s.correct != (s.severity is None):
            return f"step {s.turn}: a category and a severity go with an incorrect step, and only with it"
    wrong = [s.turn for s in trajectory.steps if not s.correct]
    if trajectory.first_error_turn is None and wrong:
        return "first_error_turn is null although steps are incorrect"
    if trajectory.first_error_turn is not None and trajectory.first_error_turn not in wrong:
        return f"first_error_turn {trajectory.first_error_turn} is not a step judged incorrect"
    return None


def running_scores(steps: Sequence[StepVerdict]) -> tuple[int, ...]:
    """The score after each step: 100 minus the severity weights so far, never below 0."""
    score, scores = MAX_SCORE, []
    for step in steps:
        if step.severity is not None:
            score = max(0, score - SEVERITY_WEIGHTS[step.severity])
        scores.append(score)
    return tuple(scores)


def final_score(steps: Sequence[StepVerdict]) -> int:
    scores = running_scores(steps)
    return scores[-1] if scores else MAX_SCORE


def succeeded(steps: Sequence[StepVerdict]) -> bool:
    return not any(s.severity in FAILING_SEVERITIES for s in steps)


def first_error_position(trajectory: Trajectory) -> float | None:
    """How far into the trajectory it went wrong: (steps up to and including the first error) / steps.

    1.0 means at the last step; None when no step went wrong.
    """
    if trajectory.first_error_turn is None or not trajectory.steps:
        return None
    turns = [s.turn for s in trajectory.steps]
    return (turns.index(trajectory.first_error_turn) + 1) / len(turns)


class StepErrorCount(NamedTuple):
    branch: str
    category: str
    severity: str
    # The field shadows tuple.count(), which nothing calls on these rows.
    count: int  # type: ignore[assignment]


def error_counts(steps: Sequence[StepVerdict]) -> tuple[StepErrorCount, ...]:
    """Erroneous steps per category and severity, in taxonomy order."""
    counts: dict[tuple[str, str], int] = {}
    for s in steps:
        if s.category is not None and s.severity is not None:
            counts[(s.category, s.severity)] = counts.get((s.category, s.severity), 0) + 1
    return tuple(
        StepErrorCount(BRANCH_OF[c], c, sev, counts[(c, sev)])
        for c in CATEGORIES
        for sev in SEVERITIES
        if (c, sev) in counts
    )
