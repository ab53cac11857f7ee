"""The agent-run part of ``undercurrent eval-detectors``: risk AUROC against task reward, signal firing rates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from ..detectors.agent_runs import Split
    from ..detectors.evaluate_agent import AgentEvaluation, Estimate

DEFAULT_TASK_SPLIT = Path("evaluation/tau_bench/split.json")


def evaluate_agent_traces(
    results: Path, task_split: Path, split: Split, risk_model: Path | None, *, seed: int, replicates: int
) -> AgentEvaluation:
    """The runs of the split's tasks scored with ``risk_model`` (default: the shipped model)."""
    from ..detectors.agent_runs import load_agent_runs
    from ..detectors.evaluate_agent import evaluate_agent_runs
    from ..detectors.registry import SIGNAL_NAMES
    from ..detectors.risk import RiskModelError, load_model
    from ..detectors.run import run_session_detectors
    from ..replay.trace import TraceFileError

    try:
        model = load_model(risk_model)
        runs = load_agent_runs(results, task_split, split, lambda s: run_session_detectors(s, risk_model=model))
    except (OSError, TraceFileError, RiskModelError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    return evaluate_agent_runs(runs, SIGNAL_NAMES, replicates=replicates, seed=seed)


def _estimate(estimate: Estimate) -> str:
    if estimate.value is None:
        return "–"
    if estimate.low is None or estimate.high is None:
        return f"{estimate.value:.2f}"
    return f"{estimate.value:.2f} [{estimate.low:.2f}, {estimate.high:.2f}]"


_COLUMNS = (
    "signal",
    "fired in failed runs",
    "share of failed [95% CI]",
    "fired in successful",
    "share of successful [95% CI]",
)


def print_agent_evaluation(
    result: AgentEvaluation,
    source: str,
    split: str,
    console: Console,
    *,
    seed: int,
    replicates: int,
    markdown: bool = False,
) -> None:
    heading = (
        f"Agent runs of {source}, {split} split: {result.tasks} tasks, {result.runs} runs, "
        f"{result.failed} failed (reward < 1); risk model {', '.join(result.risk_models)}; "
        f"risk AUROC failed vs successful {_estimate(result.auroc)}; "
        f"bootstrap 95% intervals over tasks ({replicates} replicates, seed {seed})"
    )
    rows = [
        [s.name, str(s.failed_fired), _estimate(s.in_failed), str(s.ok_fired), _estimate(s.in_ok)]
        for s in result.signals
    ]
    if markdown:
        lines = [f"**{heading}**", "", "| " + " | ".join(_COLUMNS) + " |", "|---" * len(_COLUMNS) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        console.print("\n".join(lines) + "\n", markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=heading)
    for column in _COLUMNS:
        table.add_column(column, justify="left" if column == "signal" else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
