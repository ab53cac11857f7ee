"""CLI commands: calibrate (fit the risk model) and eval-risk (its calibration on a labelled split)."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable
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
    app.command("eval-calibration")(eval_calibration)


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
                     f" (exactly calibrated predictions would show {result.ece_if_calibrated:.3f} on average)"
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
Labelled = Annotated[
    Path | None,
    typer.Option(file_okay=False, show_default=False,
                 help="the labelled ShareGPT set (evaluation/sharegpt: sample.jsonl, labels/)"),
]
TauBench = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, show_default=False,
                 help="τ-bench results file: its runs become sessions of the agent feature (failed: reward < 1)"),
]
TauSplit = Annotated[Path, typer.Option(exists=True, dir_okay=False, help="the τ-bench dev/test task split")]


def _offline_examples(labelled: Path | None, tau_bench: Path | None, tau_split: Path, split: str) -> list[Example]:
    from ..calibration.sources import labelled_examples, tau_bench_examples
    from ..detectors.labelled_load import LabelledSetError

    examples: list[Example] = []
    if labelled is not None:
        try:
            # split is a str from the CLI, checked to be dev or test before this call.
            examples += labelled_examples(labelled, split)  # type: ignore[arg-type]
        except LabelledSetError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
    if tau_bench is not None:
        # split is a str from the CLI, checked to be dev or test before this call.
        examples += tau_bench_examples(tau_bench, tau_split, split)  # type: ignore[arg-type]
    return examples


def calibrate(
    out: Annotated[Path, typer.Option(help="where to write the model file (JSON)")],
    labelled: Labelled = None,
    tau_bench: TauBench = None,
    tau_split: TauSplit = TAU_SPLIT,
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
    """Fit the risk model (a calibrated P(failure) over signals and risk factors) and write a versioned model file.

    Labelled and τ-bench inputs use their dev split only. Workers load the file named by
    UNDERCURRENT_DETECTORS__RISK_MODEL (default: the one shipped). The broker and topics come from the
    UNDERCURRENT_* settings, as for the workers.
    """
    require_extras("eval", *(("replay",) if labelled is not None else ()), what="calibrate")
    import msgspec

    from ..calibration.fit import FitOptions, fit_model
    from ..calibration.reliability import reliability

    console = Console(width=160)
    day = created or datetime.datetime.now(datetime.UTC).date().isoformat()
    if priors:
        _write(out, RiskModel(created=day), console)
        return
    examples = _offline_examples(labelled, tau_bench, tau_split, "dev")
    if from_verdicts:
        examples += _verdict_examples(console)
    if not examples:
        typer.echo("error: nothing to fit on: give --labelled, --tau-bench or --from-verdicts", err=True)
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


def eval_calibration(
    labelled: Labelled = None,
    tau_bench: TauBench = None,
    tau_split: TauSplit = TAU_SPLIT,
    split: Annotated[str, typer.Option(help="dev or test (report on test once, after tuning on dev)")] = "test",
    model: Annotated[
        Path | None, typer.Option(dir_okay=False, show_default=False, help="model file (default: the shipped one)")
    ] = None,
) -> None:
    """Reliability table, expected calibration error and AUROC of the risk model on a labelled split."""
    if split not in ("dev", "test"):
        typer.echo("error: --split is dev or test", err=True)
        raise typer.Exit(2)
    require_extras("eval", *(("replay",) if labelled is not None else ()), what="eval-calibration")
    from ..calibration.reliability import reliability
    from ..detectors.risk import RiskModelError

    try:
        risk_model = load_model(model)
    except RiskModelError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    examples = _offline_examples(labelled, tau_bench, tau_split, split)
    if not examples:
        typer.echo("error: nothing to evaluate on: give --labelled and/or --tau-bench", err=True)
        raise typer.Exit(1)
    console = Console(width=160)
    console.print(f"risk model {risk_model.version}, {split} split")
    groups: dict[str, Callable[[Example], bool]] = {
        "chat, all languages": lambda e: e.feature != "agent",
        "chat, English": lambda e: e.feature != "agent" and e.language == "en",
        "chat, non-English": lambda e: e.feature != "agent" and e.language not in (None, "en", "und"),
        "agent (τ-bench)": lambda e: e.feature == "agent",
    }
    for title, member in groups.items():
        rows = [e for e in examples if member(e)]
        if len({e.failed for e in rows}) < 2:
            continue
        predicted = [risk_model.score(e.inputs, feature=e.feature, domain=e.domain) for e in rows]
        result = reliability(predicted, [e.failed for e in rows], [e.group for e in rows])
        console.print(reliability_table(title, result))
