"""How well the detectors rank agent runs by failure: risk AUROC against the task's reward, signal firing rates.

An agent run *failed* when its task reward is below 1 (the benchmark's environment did not end in
the expected state). Runs of one task share the user, the instruction and most of the
conversation, so they are not independent: every interval here comes from a bootstrap that
resamples *tasks* (with all their runs), not runs. Pure logic; reading runs is in ``agent_runs``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import msgspec
import numpy as np

from . import bootstrap


class AgentRun(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    task: int
    failed: bool
    risk: float
    risk_model: str
    """The version of the risk model that scored the run."""
    signals: frozenset[str]


class Estimate(msgspec.Struct, frozen=True, kw_only=True):
    """A figure with its 95% task-bootstrap interval (``None`` when it cannot be computed)."""

    value: float | None
    low: float | None
    high: float | None


class SignalRates(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    failed_fired: int
    ok_fired: int
    in_failed: Estimate
    """Share of failed runs in which the signal fired."""
    in_ok: Estimate
    """Share of successful runs in which it fired."""


class AgentEvaluation(msgspec.Struct, frozen=True, kw_only=True):
    tasks: int
    runs: int
    failed: int
    risk_models: list[str]
    auroc: Estimate
    signals: list[SignalRates]


def auroc(failed: Sequence[bool], risk: Sequence[float]) -> float | None:
    """P(risk of a failed run > risk of a successful one), ties counting half; ``None`` without both kinds."""
    y, s = np.asarray(failed, dtype=bool), np.asarray(risk, dtype=float)
    positives, negatives = s[y], s[~y]
    if len(positives) == 0 or len(negatives) == 0:
        return None
    greater = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(positives) * len(negatives)))


def _share(runs: Sequence[AgentRun], name: str, failed: bool) -> float | None:
    group = [r for r in runs if r.failed == failed]
    return sum(name in r.signals for r in group) / len(group) if group else None


def task_bootstrap(
    runs: Sequence[AgentRun],
    statistic: Callable[[Sequence[AgentRun]], float | None],
    *,
    replicates: int = bootstrap.REPLICATES,
    seed: int = bootstrap.SEED,
) -> Estimate:
    """``statistic`` on the runs and its 95% percentile interval over resampled tasks.

    Replicates where the statistic is undefined (e.g. a draw with no successful run) are dropped;
    the interval is ``None`` when fewer than half of them are defined.
    """
    by_task: dict[int, list[AgentRun]] = defaultdict(list)
    for run in runs:
        by_task[run.task].append(run)
    tasks = sorted(by_task)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(replicates):
        drawn = rng.choice(len(tasks), size=len(tasks), replace=True)
        value = statistic([r for i in drawn for r in by_task[tasks[i]]])
        if value is not None:
            values.append(value)
    point = statistic(runs)
    if len(values) < replicates / 2:
        return Estimate(value=point, low=None, high=None)
    low, high = np.percentile(values, [2.5, 97.5])
    return Estimate(value=point, low=float(low), high=float(high))


def evaluate_agent_runs(
    runs: Sequence[AgentRun],
    signal_names: Sequence[str],
    *,
    replicates: int = bootstrap.REPLICATES,
    seed: int = bootstrap.SEED,
) -> AgentEvaluation:
    def risk_auroc(sample: Sequence[AgentRun]) -> float | None:
        return auroc([r.failed for r in sample], [r.risk for r in sample])

    def rates(name: str) -> SignalRates:
        def boot(failed: bool) -> Estimate:
            return task_bootstrap(runs, lambda s: _share(s, name, failed), replicates=replicates, seed=seed)

        return SignalRates(
            name=name,
            failed_fired=sum(r.failed and name in r.signals for r in runs),
            ok_fired=sum(not r.failed and name in r.signals for r in runs),
            in_failed=boot(True),
            in_ok=boot(False),
        )

    fired = [name for name in signal_names if any(name in r.signals for r in runs)]
    return AgentEvaluation(
        tasks=len({r.task for r in runs}),
        runs=len(runs),
        failed=sum(r.failed for r in runs),
        risk_models=sorted({r.risk_model for r in runs}),
        auroc=task_bootstrap(runs, risk_auroc, replicates=replicates, seed=seed),
        signals=[rates(name) for name in fired],
    )
