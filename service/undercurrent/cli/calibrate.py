"""CLI commands: calibrate (fit the risk model) and eval-risk (its calibration on a labelled split)."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..config import Settings
from ..detectors.risk import RiskModel, encode_model, load_model, shipped_model
from .extras import require_extras

if TYPE_CHECKING:
    from ..calibration.fit import Example, ModelFit
    from ..calibration.reliability import Calibration


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("calibrate")(calibrate)


def _ci(ci: tuple[float, float] | None) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "–"


def reliability_table(title: str, result: Calibration) -> Table:
    table = Table(title=title)
    for column in ("predicted", "sessions", "mean predicted", "observed failed", "95% CI"):
        table.add_column(column, justify="right")
    for b in result.bins:
        table.add_row(f"{b.low:.1f}–{b.high:.1f}", str(b.examples), f"{b.mean_predicted:.3f}", f"{b.observed:.3f}",
                      _ci(b.observed_ci))
    auroc = "–" if result.auroc is None else f"{result.auroc:.3f} {_ci(result.auroc_ci)}"
    table.caption = (f"{result.examples} sessions, {result.failed} failed · ECE {result.ece:.3f} {_ci(result.ece_ci)}"
                     f" · AUROC {auroc} · Brier {result.brier:.3f}")
    return table


def _coefficients(fit: ModelFit) -> Table:
    table = Table(title="Fitted terms (signals shown by too few examples keep their prior weight)")
    for column in ("block", "term", "coefficient"):
        table.add_column(column, justify="left" if column != "coefficient" else "right")
    for name, block in fit.blocks.items():
        table.add_row(name, f"bias (C={block.c:g})", f"{block.terms.bias:+.3f}")
        for term in block.design.inputs:
            table.add_row(name, term, f"{block.terms.weights[term]:+.3f}")
        for domain in block.design.domains:
            table.add_row(name, f"domain={domain}", f"{block.terms.domain_bias[domain]:+.3f}")
    return table


def _verdict_examples(console: Console) -> list[Example]:
    from ..calibration.sources import join_verdicts
    from ..calibration.topics import TopicReadError, read_topic

    settings = Settings()
    try:
        verdicts = asyncio.run(read_topic(settings.kafka, settings.topics.judge_verdicts))
        records = asyncio.run(read_topic(settings.kafka, settings.topics.judge_requests))
    except TopicReadError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    joined = join_verdicts(verdicts, records)
    console.print(
        f"{settings.topics.judge_verdicts}: {joined.verdicts} judged sessions, {len(joined.examples)} joined with "
        f"their record on {settings.topics.judge_requests}; {len(joined.without_record)} without a record, "
        f"{joined.unreadable} unreadable messages"
    )
    return joined.examples


TAU_SPLIT = Path("evaluation/tau_bench/split.json")


def calibrate(
    out: Annotated[Path, typer.Option(help="where to write the model file (JSON)")],
    tau_bench: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, show_default=False,
                     help="τ-bench results file: fit the agent terms on its dev tasks' runs (failed: reward < 1)"),
    ] = None,
    tau_split: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="the τ-bench dev/test task split")
    ] = TAU_SPLIT,
    from_verdicts: Annotated[
        bool,
        typer.Option(help="fit on judge verdicts read back from the verdicts topic (weight 1/π each), joined with "
                          "the judge request records for features"),
    ] = False,
    weighted: Annotated[
        bool, typer.Option(help="weight verdicts by 1/π (--no-weighted only to see what the weighting changes)")
    ] = True,
    created: Annotated[
        str | None, typer.Option(help="date put in the model's version (default: today, UTC)")
    ] = None,
    priors: Annotated[
        bool, typer.Option(help="write the hand-set prior weights as a model, without fitting")
    ] = False,
) -> None:
    """Fit the risk model (a calibrated P(failure) over signal scores) and write a versioned model file.

    Workers load the file named by UNDERCURRENT_DETECTORS__RISK_MODEL (default: the one shipped).
    The broker and topics come from the UNDERCURRENT_* settings, as for the workers.
    """
    require_extras("eval", what="calibrate")
    import msgspec

    from ..calibration.fit import FitOptions, fit_model
    from ..calibration.reliability import reliability

    console = Console(width=160)
    day = created or datetime.datetime.now(datetime.UTC).date().isoformat()
    if priors:
        _write(out, RiskModel(created=day), console)
        return
    examples: list[Example] = []
    if tau_bench is not None:
        from ..calibration.sources import tau_bench_examples

        examples += tau_bench_examples(tau_bench, tau_split, "dev")
    if from_verdicts:
        examples += _verdict_examples(console)
    if not examples:
        typer.echo("error: nothing to fit on: give --tau-bench or --from-verdicts (with judged sessions on the topic)",
                   err=True)
        raise typer.Exit(1)
    if not weighted:
        examples = [msgspec.structs.replace(e, weight=1.0) for e in examples]
    try:
        fit = fit_model(examples, shipped_model(), FitOptions(), created=day)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    console.print(_coefficients(fit))
    for name, block in fit.blocks.items():
        rows = fit.examples[name]
        result = reliability(block.out_of_fold, [e.failed for e in rows], [e.group for e in rows],
                             [e.weight for e in rows])
        console.print(reliability_table(f"{name}: cross-validated on the fitting data", result))
    _write(out, fit.model, console)


def _write(out: Path, model: RiskModel, console: Console) -> None:
    out.write_bytes(encode_model(model))
    console.print(f"wrote {out} version {load_model(out).version}")
