"""CLI commands: judge."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.table import Table

from ..config import JudgeSettings
from .extras import require_extras

if TYPE_CHECKING:
    from ..judge.client import JudgeConfig
    from ..judge.evaluate import Agreement, EvalRun, GateRow, IncoherenceRow

# The judge package loads the Anthropic SDK: imported by the command, not by every ``undercurrent`` call.
_DEFAULTS = JudgeSettings()


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("eval-judge")(eval_judge)


def eval_judge(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="JSONL of sessions with reference labels")
    ],
    model: Annotated[str, typer.Option(help="judge model")] = _DEFAULTS.model,
    compare_with: Annotated[
        str | None,
        typer.Option(help="also judge with this model and fail (exit 1) if MODEL's κ falls more than "
                          "--max-kappa-drop below it on any label"),
    ] = None,
    max_kappa_drop: Annotated[float, typer.Option(min=0.0, help="the quality gate's margin")] = 0.05,
    base_url: Annotated[
        str | None, typer.Option(help="Messages API base URL (default: ANTHROPIC_BASE_URL)")
    ] = None,
    k: Annotated[int, typer.Option(min=1, help="judge each session k times and take the majority")] = 1,
    concurrency: Annotated[int, typer.Option(min=1)] = _DEFAULTS.concurrency,
    requests_per_minute: Annotated[
        float, typer.Option(min=0.1, help="request budget of the API key")] = _DEFAULTS.requests_per_minute,
    max_tokens: Annotated[int, typer.Option(min=256)] = _DEFAULTS.max_tokens,
    temperature: Annotated[float | None, typer.Option(help="sent only when given")] = None,
) -> None:
    """Run the judge on labelled sessions; print its agreement with the labels and its incoherence.

    With --compare-with, the same sessions are judged by a second (usually larger) model, and
    the command is a quality gate for switching to MODEL: it exits 1 when MODEL's Cohen's κ
    against the labels is more than --max-kappa-drop below the other model's on any label.
    """
    require_extras("eval", what="eval-judge")
    from ..judge.client import JudgeConfig
    from ..judge.evaluate import agreement_report, common_pairs, gate_passed, quality_gate

    console = Console()
    runs = {}
    for name in (compare_with, model) if compare_with else (model,):
        config = JudgeConfig(
            model=name, base_url=base_url, concurrency=concurrency, requests_per_minute=requests_per_minute,
            max_tokens=max_tokens, temperature=temperature,
        )
        console.rule(name)
        runs[name] = asyncio.run(_evaluate(config, file, k))
        _report(console, runs[name], k)
    judge_url = base_url or os.environ.get("ANTHROPIC_BASE_URL")
    if judge_url and _is_local(judge_url):
        console.print(
            f"The judge answered from a local address ({judge_url}). If that is a stand-in, these figures "
            "describe the stand-in's fixed answers, not the quality of a real judge."
        )
    if compare_with:
        candidate, baseline = common_pairs(runs[model], runs[compare_with])
        if not candidate:
            console.print("quality gate failed: no session got a valid verdict from both models")
            raise typer.Exit(1)
        rows = quality_gate(agreement_report(candidate), agreement_report(baseline), margin=max_kappa_drop)
        console.print(_gate_table(rows, model, compare_with, max_kappa_drop))
        if not gate_passed(rows):
            console.print(f"quality gate failed: {model} is not good enough to replace {compare_with}")
            raise typer.Exit(1)
        console.print(f"quality gate passed: {model} may replace {compare_with}")


def _report(console: Console, run: EvalRun, k: int) -> None:
    from ..judge.cost import UnknownModelPrice, cost_usd
    from ..judge.evaluate import agreement_report, incoherence_report

    pairs = run.pairs
    console.print(_table(agreement_report(pairs)) if pairs else "No session got a valid verdict.")
    console.print(f"judged {len(pairs)} sessions; failed: {run.failures or 'none'}")
    if k < 2:
        console.print("Incoherence needs --k 2 or more: one verdict per session shows no variance.")
    elif pairs:
        console.print(_incoherence_table(incoherence_report([r for r, _ in pairs], run.votes), k))
    try:
        console.print(f"tokens {run.usage}; cost ${cost_usd(run.model, run.usage):.4f}")
    except UnknownModelPrice:
        console.print(f"tokens {run.usage}; no price known for {run.model}")


async def _evaluate(config: JudgeConfig, file: Path, k: int) -> EvalRun:
    from ..judge.client import JudgeClient
    from ..judge.evaluate import load_cases, run_evaluation
    from ..privacy.redact import Redactor

    client = JudgeClient(config)
    try:
        return await run_evaluation(client, load_cases(file), redact=Redactor(), k=k)
    finally:
        await client.close()


def _table(rows: list[Agreement]) -> Table:
    table = Table("label", "n", "ref +", "judge +", "raw agreement (95% CI)", "Cohen's κ (95% CI)")
    for r in rows:
        kappa = "n/a (one label only)" if r.kappa is None else f"{r.kappa:.2f} ({_ci(r.kappa_ci)})"
        table.add_row(
            r.label,
            str(r.n),
            "" if r.reference_positive is None else str(r.reference_positive),
            "" if r.judge_positive is None else str(r.judge_positive),
            f"{r.raw:.2f} ({_ci(r.raw_ci)})",
            kappa,
        )
    return table


def _gate_table(rows: list[GateRow], model: str, baseline: str, margin: float) -> Table:
    table = Table("label", f"κ {model}", f"κ {baseline}", "difference", "within the margin",
                  title=f"Quality gate: {model} against {baseline} (margin {margin:.2f} of κ)",
                  caption="same sessions for both; n/a: κ undefined (one label only), not compared")
    for r in rows:
        # passed is None exactly when either kappa is None, so both are floats here.
        diff = "" if r.passed is None else f"{r.candidate - r.baseline:+.2f}"  # type: ignore[operator]
        verdict = "n/a" if r.passed is None else ("yes" if r.passed else "NO")
        table.add_row(r.label, _number(r.candidate), _number(r.baseline), diff, verdict)
    return table


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _incoherence_table(rows: list[IncoherenceRow], k: int) -> Table:
    table = Table(
        "label", "sessions", "mean bias²", "mean variance", "incoherence (95% CI)",
        title=f"Incoherence against the reference labels ({k} verdicts per session)",
        caption="incoherence = Σ variance / Σ (bias² + variance) of the presence votes; 0: every error "
        "systematic, 1: every error a disagreement; interval: bootstrap over sessions",
    )
    for r in rows:
        value = "n/a (no vote erred)" if r.incoherence is None else f"{r.incoherence:.2f} ({_ci(r.ci)})"
        table.add_row(r.label, str(r.n), f"{r.bias2:.3f}", f"{r.variance:.3f}", value)
    return table


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _ci(bounds: tuple[float, float] | None) -> str:
    return "" if bounds is None else f"{bounds[0]:.2f}–{bounds[1]:.2f}"
