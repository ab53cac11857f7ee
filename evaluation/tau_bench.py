"""The τ-bench agent traces: their dev/test split by task (runs of one task are not independent),
and the shape of their trajectories as the judge sees them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import msgspec

from undercurrent.detectors.evaluate_agent import AgentRun
from undercurrent.judge.steps import agent_steps
from undercurrent.releases.compare import Component, RateSums, Signature
from undercurrent.sessions.model import SessionSnapshot

from .draw import hash_key

TASK_FAILED = Component("task", "failed (reward < 1)")


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


def trial_group_signatures(
    runs: Iterable[AgentRun], trial_of: Mapping[str, int], baseline_trials: frozenset[int]
) -> tuple[Signature, Signature]:
    """Two signatures of the same model and prompt, split by trial: an A/A comparison.

    Every run is observed (π = 1), so each component's HT weight is its count and its
    variance term is zero; components are the benchmark's own task failure and each
    heuristic signal that fired.
    """
    groups: dict[bool, list[AgentRun]] = {True: [], False: []}
    for run in runs:
        groups[trial_of[run.id] in baseline_trials].append(run)

    def signature(name: str, members: list[AgentRun]) -> Signature:
        counts: Counter[Component] = Counter()
        for run in members:
            if run.failed:
                counts[TASK_FAILED] += 1
            counts.update(Component("signal", s) for s in run.signals)
        return Signature(name, float(len(members)), {c: RateSums(float(n), 0.0) for c, n in counts.items()})

    baseline = "trials " + ",".join(map(str, sorted(baseline_trials)))
    return signature(baseline, groups[True]), signature("other trials", groups[False])
