"""CLI commands: detectors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..detectors.evaluate import Evaluation, Score, evaluate
from ..detectors.scenarios import load_scenarios

DEFAULT_SCENARIOS = Path("tests/scenarios")


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
        scenarios: Annotated[Path, typer.Option(help="directory of labelled *.yaml scenarios")] = DEFAULT_SCENARIOS,
        errors: Annotated[bool, typer.Option(help="list ids of false positives (+) and negatives (-)")] = False,
    ) -> None:
        """Precision and recall of every detector signal and archetype flag on the labelled scenarios."""
        print_evaluation(evaluate(load_scenarios(scenarios)), Console(width=200), show_errors=errors)
