"""CLI commands: slo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

slo_app = typer.Typer(no_args_is_help=True, help="Semantic-quality SLOs as code.")


@slo_app.command("generate")
def generate(
    spec: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="SLO spec (YAML).")] = Path(
        "deploy/slo/features.yaml"
    ),
    out: Annotated[Path, typer.Option(help="Rule file to write.")] = Path(
        "deploy/prometheus/rules/slo_features.yml"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Fail if OUT differs from what SPEC generates.")
    ] = False,
) -> None:
    """Generate SLO recording rules and burn-rate alerts from the spec."""
    from ..metrics.slo_rules import generate as generate_rules

    rules = generate_rules(spec.read_text())
    if not check:
        out.write_text(rules)
        typer.echo(f"wrote {out}")
        return
    if not out.exists() or out.read_text() != rules:
        typer.echo(f"{out} is stale: run `undercurrent slo generate`", err=True)
        raise typer.Exit(1)
    typer.echo(f"{out} is up to date")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(slo_app, name="slo")
