"""Agent runs for evaluation: τ-bench results through the replay path, with their rewards read apart.

The traces go through the same path as ``undercurrent replay`` (contract events, the worker's
decoder, the snapshot the close stages read) and the detectors score them as the worker would.
The reward is read here, separately, and only joined to the detector output by run id: nothing
that grades a run reaches the detectors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import msgspec

from ..replay.offline import trace_snapshots
from ..replay.synth import SynthOptions
from ..replay.tau_bench import read_tau_bench, run_id
from ..replay.trace import TraceFileError
from ..sessions.model import SessionSnapshot
from .evaluate_agent import AgentRun
from .model import DetectorReport
from .run import run_session_detectors

AGENT_FEATURE = "agent"
Split = Literal["dev", "test"]


class _Graded(msgspec.Struct):
    task_id: int
    trial: int
    reward: float


class _TaskSplit(msgspec.Struct):
    dev: list[int]
    test: list[int]


def read_rewards(path: Path) -> dict[str, tuple[int, float]]:
    """Run id → (task id, reward) of every run in a τ-bench results file."""
    try:
        graded = msgspec.json.decode(path.read_bytes(), type=list[_Graded])
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise TraceFileError(f"{path}: runs without task_id, trial and reward: {exc}") from exc
    return {run_id(g.task_id, g.trial): (g.task_id, g.reward) for g in graded}


def split_tasks(path: Path, split: Split) -> frozenset[int]:
    try:
        chosen = msgspec.json.decode(path.read_bytes(), type=_TaskSplit)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise TraceFileError(f"{path}: not a task split with dev and test: {exc}") from exc
    return frozenset(chosen.dev if split == "dev" else chosen.test)


Scorer = Callable[[SessionSnapshot], DetectorReport]


def load_agent_runs(
    results: Path, split_file: Path, split: Split, score: Scorer = run_session_detectors
) -> list[AgentRun]:
    """The runs of the split's tasks, scored by ``score``, each with failed = reward < 1."""
    rewards = read_rewards(results)
    tasks = split_tasks(split_file, split)
    traces = [t for t in read_tau_bench(results) if rewards[t.id][0] in tasks]
    options = SynthOptions(features=(AGENT_FEATURE,), session_prefix="eval")
    runs = []
    for trace, snapshot in trace_snapshots(traces, options=options):
        report = score(snapshot)
        task, reward = rewards[trace.id]
        runs.append(
            AgentRun(
                id=trace.id,
                task=task,
                failed=reward < 1.0,
                risk=report.risk,
                risk_model=report.risk_model,
                signals=frozenset(s.name for s in report.signals),
            )
        )
    return runs
