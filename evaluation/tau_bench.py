"""The τ-bench agent traces: their dev/test split by task (runs of one task are not independent),
and the shape of their trajectories as the judge sees them."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from undercurrent.judge.steps import agent_steps
from undercurrent.sessions.model import SessionSnapshot

from .draw import hash_key


class TaskSplit(msgspec.Struct, frozen=True, kw_only=True):
    seed: int
    procedure: str
    dev: list[int]
    test: list[int]


def split_tasks(task_ids: Iterable[int], *, seed: int, dev_tasks: int) -> TaskSplit:
    ordered = sorted(set(task_ids), key=lambda t: hash_key(seed, "tau-split", str(t)))
    return TaskSplit(
        seed=seed,
        procedure=(
            f'tasks ordered by blake2b("{seed}:tau-split:<task_id>"); the first {dev_tasks} are dev, '
            "the rest test; every run (trial) of a task goes with its task; rewards are never read"
        ),
        dev=sorted(ordered[:dev_tasks]),
        test=sorted(ordered[dev_tasks:]),
    )


class TrajectoryShape(msgspec.Struct, frozen=True, kw_only=True):
    """What a replayed run looks like to the step judge: facts of the trace, no judgement."""

    steps: int
    """Turns the judge rates (assistant turns and step turns); 0 for a run without a tool call."""
    tool_calls: int
    failed_results: int
    first_failed_position: float | None
    """(steps up to and including the first failed tool result) / steps."""


def trajectory_shape(snapshot: SessionSnapshot) -> TrajectoryShape:
    steps = agent_steps(snapshot.turns)
    kinds = {t.index: t.step for t in snapshot.turns if t.step is not None}
    failed = [i for i, turn in enumerate(steps) if turn in kinds and kinds[turn].status == "error"]
    return TrajectoryShape(
        steps=len(steps),
        tool_calls=sum(s.kind == "tool_call" for s in kinds.values()),
        failed_results=len(failed),
        first_failed_position=(failed[0] + 1) / len(steps) if failed else None,
    )
