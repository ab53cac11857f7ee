"""CLI commands: detectors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from .extras import require_extras

if TYPE_CHECKING:
    from ..detectors.evaluate import Evaluation, Score

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
    console.print(_table(f"Signals over {result.scenarios} labelled scenarios", result.signals, show_errors))
    console.print(_table("Heuristic archetype flags", result.archetypes, show_errors))
    if result.visibility_labelled:
        share = result.visibility_correct / result.visibility_labelled
        console.print(
            f"visibility hint: {result.visibility_correct}/{result.visibility_labelled} correct ({share:.0%})"
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("eval-detectors")
    def eval_detectors(
        scenarios: Annotated[
            Path | None,
            typer.Option(show_default=False, help="directory of labelled *.yaml scenarios (default: the bundled set)"),
        ] = None,
        errors: Annotated[bool, typer.Option(help="list ids of false positives (+) and negatives (-)")] = False,
    ) -> None:
        """Precision and recall of every detector signal and archetype flag on the labelled scenarios."""
        require_extras("eval", what="eval-detectors")
        from ..detectors.evaluate import evaluate
        from ..detectors.scenarios import LABELLED, ScenarioError, load_scenarios

        try:
            loaded = load_scenarios(scenarios or LABELLED)
        except ScenarioError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        print_evaluation(evaluate(loaded), Console(width=200), show_errors=errors)
