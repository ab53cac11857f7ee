"""CLI commands: detectors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec
import typer
from rich.console import Console
from rich.table import Table

from .extras import require_extras

Split = Literal["dev", "test"]
DEFAULT_DIR = Path("evaluation/sharegpt")


def _evaluate_labelled(
    directory: Path, split: Split, seed: int, replicates: int, risk_model: Path | None
) -> LabelledEvaluation:
    from ..detectors.labelled_eval import evaluate_labelled
    from ..detectors.labelled_load import LabelledSetError, detect, labelled_names, labelled_sessions
    from ..detectors.risk import RiskModelError, load_model

    try:
        model = load_model(risk_model)
        sessions = labelled_sessions(directory, split)
        signals, archetypes = labelled_names(directory)
    except (LabelledSetError, RiskModelError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    pairs = [(label, detect(snapshot, model)) for label, snapshot in sessions]
    result = evaluate_labelled(pairs, signals, archetypes, split=split, seed=seed, replicates=replicates)
    return msgspec.structs.replace(result, risk_model=model.version)


if TYPE_CHECKING:
    from ..detectors.evaluate import Evaluation, Score
    from ..detectors.labelled_eval import Estimate, GroupReport, LabelledEvaluation


def _pct(value: float | None, ci: tuple[float, float] | None) -> str:
    if value is None or ci is None:
        return "–"
    return f"{value:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]"


def _table(title: str, scores: list[Score], show_errors: bool) -> Table:
    table = Table(title=title)
    for column in ("label", "pos", "hard neg", "tp", "fp", "fn", "precision [95% CI]", "recall [95% CI]"):
        table.add_column(column, justify="left" if column == "label" else "right")
    if show_errors:
        table.add_column("errors")
    for s in scores:
        row = [s.name, str(s.positives), str(s.hard_negatives), str(s.tp), str(s.fp), str(s.fn)]
        row += [_pct(s.precision, s.precision_ci), _pct(s.recall, s.recall_ci)]
        if show_errors:
            row.append(" ".join([f"+{i}" for i in s.false_positives] + [f"-{i}" for i in s.false_negatives]))
        table.add_row(*row)
    return table


def print_evaluation(result: Evaluation, console: Console, show_errors: bool = False) -> None:
    title = f"Signals over {result.scenarios} labelled scenarios (in-sample: the detectors were tuned on them)"
    console.print(_table(title, result.signals, show_errors))
    console.print(_table("Heuristic archetype flags on the scenarios (in-sample)", result.archetypes, show_errors))
    if result.visibility_labelled:
        share = result.visibility_correct / result.visibility_labelled
        console.print(
            f"visibility hint: {result.visibility_correct}/{result.visibility_labelled} correct ({share:.0%})"
        )


def _estimate(estimate: Estimate) -> str:
    if estimate.value is None:
        return "–"
    if estimate.interval is None:
        return f"{estimate.value:.2f}"
    return f"{estimate.value:.2f} [{estimate.interval[0]:.2f}, {estimate.interval[1]:.2f}]"


_RATE_COLUMNS = ("labelled", "reported", "hits", "precision [95% CI]", "recall [95% CI]")


def _group_rows(group: GroupReport) -> list[list[str]]:
    return [
        [row.name, str(row.labelled), str(row.reported), str(row.hits), _estimate(row.precision), _estimate(row.recall)]
        for row in group.signals + group.archetypes
    ]


def _group_title(group: GroupReport) -> str:
    return (
        f"{group.group}: {group.conversations} conversations, {group.failed} failed; "
        f"risk AUROC failed vs not failed {_estimate(group.risk_auroc)}"
    )


def print_labelled(result: LabelledEvaluation, console: Console, markdown: bool = False) -> None:
    """One table per language group; signals matched by turn, archetype flags by conversation."""
    heading = (
        f"Real ShareGPT conversations, {result.split} split; bootstrap 95% intervals over conversations "
        f"({result.replicates} replicates, seed {result.seed}); risk model {result.risk_model}"
    )
    if markdown:
        console.print(f"{heading}\n", markup=False, highlight=False)
    else:
        console.rule(heading)
    for group in result.groups:
        if markdown:
            lines = [f"**{_group_title(group)}**", "", "| signal / flag | " + " | ".join(_RATE_COLUMNS) + " |"]
            lines.append("|---" * (len(_RATE_COLUMNS) + 1) + "|")
            lines += ["| " + " | ".join(row) + " |" for row in _group_rows(group)]
            console.print("\n".join(lines) + "\n", markup=False, highlight=False, soft_wrap=True)
            continue
        table = Table(title=_group_title(group))
        table.add_column("signal / flag", justify="left")
        for column in _RATE_COLUMNS:
            table.add_column(column, justify="right")
        for row in _group_rows(group):
            table.add_row(*row)
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("eval-detectors")
    def eval_detectors(
        scenarios: Annotated[
            Path | None,
            typer.Option(show_default=False, help="directory of labelled *.yaml scenarios (default: the bundled set)"),
        ] = None,
        errors: Annotated[bool, typer.Option(help="list ids of false positives (+) and negatives (-)")] = False,
        split: Annotated[
            Split, typer.Option(help="split of the labelled real conversations: test to report, dev to tune")
        ] = "test",
        labelled: Annotated[
            Path | None,
            typer.Option(
                show_default=False,
                help="the labelled ShareGPT set (default: evaluation/sharegpt of the working directory, if present)",
            ),
        ] = None,
        seed: Annotated[int, typer.Option(help="seed of the bootstrap")] = 20261130,
        replicates: Annotated[int, typer.Option(min=100, help="bootstrap replicates")] = 2000,
        markdown: Annotated[bool, typer.Option(help="print the real-data tables as Markdown")] = False,
        risk_model: Annotated[
            Path | None,
            typer.Option(show_default=False, help="risk model file to score with (default: the one shipped)"),
        ] = None,
        agent_traces: Annotated[
            Path | None,
            typer.Option(
                show_default=False,
                help="a τ-bench results file: also rank the runs of the split's tasks by risk against their reward",
            ),
        ] = None,
        task_split: Annotated[Path, typer.Option(help="the τ-bench task split (dev and test task ids)")] = Path(
            "evaluation/tau_bench/split.json"
        ),
    ) -> None:
        """Detectors on real labelled conversations (per-signal precision/recall, risk AUROC, with intervals),
        then on the labelled scenarios (in-sample)."""
        require_extras("eval", what="eval-detectors")
        from ..detectors.evaluate import evaluate
        from ..detectors.scenarios import LABELLED, ScenarioError, load_scenarios

        console = Console(width=200)
        directory = labelled or DEFAULT_DIR
        if labelled is not None or directory.is_dir():
            require_extras("replay", what="eval-detectors on real conversations")
            print_labelled(
                _evaluate_labelled(directory, split, seed, replicates, risk_model), console, markdown=markdown
            )
        else:
            console.print(f"no labelled real conversations at {directory}: run from the repository root")
        if agent_traces is not None:
            require_extras("replay", what="eval-detectors on agent runs")
            from .agent_eval import evaluate_agent_traces, print_agent_evaluation

            agent = evaluate_agent_traces(
                agent_traces, task_split, split, risk_model, seed=seed, replicates=replicates
            )
            print_agent_evaluation(
                agent, agent_traces.name, split, console, seed=seed, replicates=replicates, markdown=markdown
            )
        try:
            loaded = load_scenarios(scenarios or LABELLED)
        except ScenarioError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        print_evaluation(evaluate(loaded), console, show_errors=errors)
