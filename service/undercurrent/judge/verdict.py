"""The judge's verdict on one session: struct, tool input schema, and validation.

The struct is the single source of truth: the JSON schema sent as the tool's
``input_schema`` is generated from it, and the model's tool input is decoded
into it, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal

import msgspec

from ..vocabulary import ARCHETYPES, NO_FAILURE, VERTICALS, Visibility
from .errors import JudgeInvalidOutput
from .steps import Trajectory, trajectory_problem

Quality = Literal["good", "acceptable", "poor", "critical"]
FailureOrigin = Literal["interactional", "capability", "none"]
# Literals built from the vocabulary's tuples: mypy reads them as invalid, msgspec validates against them.
ArchetypeName = Literal[(*ARCHETYPES, NO_FAILURE)]  # type: ignore[valid-type]
Domain = Literal[VERTICALS]  # type: ignore[valid-type]

TurnIndex = Annotated[int, msgspec.Meta(ge=0)]


class ArchetypeFinding(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    archetype: Annotated[ArchetypeName, msgspec.Meta(description="a failure archetype, or none for success")]
    evidence_turns: Annotated[
        tuple[TurnIndex, ...],
        msgspec.Meta(description="indices of the transcript turns that show it; empty for none"),
    ]
    rationale: Annotated[str, msgspec.Meta(max_length=1200, description="one or two sentences")]


class Verdict(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    quality: Quality
    failure_visibility: Visibility
    archetypes: Annotated[tuple[ArchetypeFinding, ...], msgspec.Meta(min_length=1, max_length=8)]
    domain: Annotated[Domain, msgspec.Meta(description="the vertical of the user's intent")]
    failure_origin: Annotated[
        FailureOrigin,
        msgspec.Meta(description="interactional (behaviour, ambiguity, product surface) or capability"),
    ]
    summary: Annotated[str, msgspec.Meta(max_length=600, description="what happened, in one sentence")]
    trajectory: Annotated[
        Trajectory | None, msgspec.Meta(description="agent sessions only: the verdict on each step")
    ] = None

    @property
    def archetype_names(self) -> frozenset[str]:
        return frozenset(a.archetype for a in self.archetypes)

    @property
    def is_failure(self) -> bool:
        return self.failure_visibility != "none"


def verdict_schema(*, agent: bool = False) -> dict[str, Any]:
    """The verdict as a self-contained JSON schema (``$ref``\\ s inlined).

    For an agent session ``trajectory`` is required and may not be null; for any other
    session the schema has no ``trajectory`` at all.
    """
    schema = msgspec.json.schema(Verdict)
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}))
    properties = inlined["properties"]
    if agent:
        trajectory = properties["trajectory"]
        properties["trajectory"] = {
            **next(s for s in trajectory["anyOf"] if s.get("type") == "object"),
            "description": trajectory["description"],
        }
        inlined["required"] = [*inlined["required"], "trajectory"]
    else:
        del properties["trajectory"]
    return inlined


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "title")}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def parse_verdict(
    data: object, *, known_turns: Collection[int] | None = None, steps: Collection[int] | None = None
) -> Verdict:
    """Decode a tool input into a :class:`Verdict` or raise :class:`JudgeInvalidOutput`.

    Besides the schema this checks what a schema cannot say: ``none`` stands
    alone and matches ``failure_visibility``, the origin agrees with it,
    evidence turns exist in the session, and, when ``steps`` (the session's
    agent steps) are given, the trajectory rates exactly those steps; a session
    without steps has no trajectory.
    """
    try:
        verdict = msgspec.convert(data, Verdict)
    except msgspec.ValidationError as exc:
        raise JudgeInvalidOutput(f"schema: {exc}") from exc
    problem = _inconsistency(verdict, known_turns) or _trajectory_inconsistency(verdict, steps)
    if problem:
        raise JudgeInvalidOutput(f"consistency: {problem}")
    return verdict


def _inconsistency(verdict: Verdict, known_turns: Collection[int] | None) -> str | None:
    names = [a.archetype for a in verdict.archetypes]
    if len(set(names)) != len(names):
        return "an archetype is listed twice"
    if NO_FAILURE in names and len(names) > 1:
        return "'none' must be the only archetype"
    if (names == [NO_FAILURE]) != (not verdict.is_failure):
        return "archetype 'none' goes with failure_visibility 'none', and only with it"
    if (verdict.failure_origin == "none") != (not verdict.is_failure):
        return "failure_origin 'none' goes with failure_visibility 'none', and only with it"
    if known_turns is not None:
        unknown = sorted({t for a in verdict.archetypes for t in a.evidence_turns} - set(known_turns))
        if unknown:
            return f"evidence_turns {unknown} are not turns of this session"
    return None


def _trajectory_inconsistency(verdict: Verdict, steps: Collection[int] | None) -> str | None:
    if steps is None:
        return None
    if not steps:
        return "a session without agent steps has no trajectory" if verdict.trajectory is not None else None
    if verdict.trajectory is None:
        return "an agent session needs a trajectory verdict"
    return trajectory_problem(verdict.trajectory, steps)
