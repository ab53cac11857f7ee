"""The dev/test split of the τ-bench agent traces, by task: runs of one task are not independent."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

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
