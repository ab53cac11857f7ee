"""CLI commands: compare (two releases' failure signatures)."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..releases.compare import Comparison, ReleaseRate, compare

DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("compare")(compare_command)


def _window(value: str) -> str:
    if not DURATION.match(value):
        raise typer.BadParameter(f"{value!r} is not a Prometheus duration such as 30m, 6h or 1d")
    return value


def compare_command(
    baseline: Annotated[str, typer.Option(help="release label value to compare against, e.g. gpt-4o@v1")],
    candidate: Annotated[str, typer.Option(help="release label value to compare, e.g. gpt-4o@v2")],
    window: Annotated[str, typer.Option(callback=_window, help="Prometheus range, e.g. 30m, 6h, 1d")] = "6h",
    prometheus: Annotated[str, typer.Option(help="Prometheus base URL")] = "http://127.0.0.1:9090",
    alpha: Annotated[float, typer.Option(min=0.0001, max=0.5, help="family-wise error rate")] = 0.05,
) -> None:
    """Compare two releases' failure signatures: which rates differ, by how much, with Bonferroni-corrected
    intervals over all compared rates (docs/releases.md).

    Reads the HT counters' increase over the window from Prometheus' HTTP API.
    """
    from ..releases.prometheus import PrometheusError, ReleaseNotFound, read_signature

    err = Console(stderr=True)
    try:
        before, after = (read_signature(prometheus, release, window) for release in (baseline, candidate))
    except (PrometheusError, ReleaseNotFound) as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    result = compare(before, after, alpha=alpha)
    Console(width=160).print(render(result, window))


def _rate(r: ReleaseRate) -> str:
    return f"{r.rate:.2%} [{r.lower:.2%}, {r.upper:.2%}]"


def render(result: Comparison, window: str) -> Table:
    base, cand = result.baseline, result.candidate
    table = Table(
        title=f"{cand.release} against {base.release}, last {window}",
        caption=(
            f"{base.sessions:.0f} and {cand.sessions:.0f} closed sessions; rates with 95% intervals; differences with "
            f"Bonferroni intervals over {result.tests} rates (family-wise {result.alpha:.0%}, z = {result.z:.2f})"
            + (f"; no failures in either: {', '.join(c.name for c in result.without_failures)}"
               if result.without_failures else "")
        ),
    )
    for column in ("component", base.release, cand.release, "difference", "interval", "p (adjusted)", "verdict"):
        table.add_column(column)
    for d in result.differences:
        verdict = ("higher" if d.difference > 0 else "lower") if d.differs else "no difference shown"
        table.add_row(
            f"{d.component.kind} {d.component.name}", _rate(d.baseline), _rate(d.candidate),
            f"{d.difference:+.2%}", f"[{d.lower:+.2%}, {d.upper:+.2%}]", f"{d.p_adjusted:.3g}", verdict,
        )
    return table
