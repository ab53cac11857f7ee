"""CLI commands: judge."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..config import JudgeSettings
from .extras import require_extras

if TYPE_CHECKING:
    from ..judge.client import JudgeConfig
    from ..judge.evaluate import Agreement, EvalRun

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
    base_url: Annotated[
        str | None, typer.Option(help="Messages API base URL (default: ANTHROPIC_BASE_URL)")
    ] = None,
    k: Annotated[int, typer.Option(min=1, help="judge each session k times and take the majority")] = 1,
    concurrency: Annotated[int, typer.Option(min=1)] = _DEFAULTS.concurrency,
    max_tokens: Annotated[int, typer.Option(min=256)] = _DEFAULTS.max_tokens,
    temperature: Annotated[float | None, typer.Option(help="sent only when given")] = None,
) -> None:
    """Run the judge on labelled sessions and print its agreement with the labels."""
    require_extras("eval", what="eval-judge")
    from ..judge.client import JudgeConfig
    from ..judge.cost import UnknownModelPrice, cost_usd
    from ..judge.evaluate import agreement_report

    config = JudgeConfig(
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        max_tokens=max_tokens,
        temperature=temperature,
    )
    run = asyncio.run(_evaluate(config, file, k))
    console = Console()
    console.print(_table(agreement_report(run.pairs)) if run.pairs else "No session got a valid verdict.")
    console.print(f"judged {len(run.pairs)} sessions; failed: {run.failures or 'none'}")
    try:
        console.print(f"tokens {run.usage}; cost ${cost_usd(model, run.usage):.4f}")
    except UnknownModelPrice:
        console.print(f"tokens {run.usage}; no price known for {model}")


async def _evaluate(config: JudgeConfig, file: Path, k: int) -> EvalRun:
    from ..judge.client import JudgeClient
    from ..judge.evaluate import load_cases, run_evaluation
    from ..judge.redact import Redactor

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


def _ci(bounds: tuple[float, float] | None) -> str:
    return "" if bounds is None else f"{bounds[0]:.2f}–{bounds[1]:.2f}"
