"""CLI commands: replay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .extras import require_extras

if TYPE_CHECKING:
    from ..replay.produce import ReplaySummary
    from ..replay.schedule import Synthesiser


class Format(StrEnum):
    """What the replayed file holds."""

    auto = "auto"
    sharegpt = "sharegpt"
    conversations = "conversations"
    tau_bench = "tau-bench"
    traces = "traces"


_CHAT_MODEL = "gpt-3.5-turbo"
_UNKNOWN_MODEL = "unknown"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("replay")(replay_command)


def replay_command(
    file: Annotated[
        Path | None, typer.Argument(show_default=False, help="the file to replay (instead of --source)")
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="sharegpt; conversations (JSONL); tau-bench (a τ-bench results file); traces (JSONL agent traces); "
            "auto: sharegpt without a file, else conversations",
        ),
    ] = Format.auto,
    source: Annotated[str, typer.Option(help="'sharegpt' or a path to a .jsonl file")] = "sharegpt",
    limit: Annotated[int | None, typer.Option(min=1, help="replay at most N conversations")] = None,
    skip: Annotated[int, typer.Option(min=0, help="skip the first N conversations")] = 0,
    seed: Annotated[int, typer.Option(help="same seed and source give the same events")] = 1,
    envelope_size: Annotated[int, typer.Option(min=1, help="events per Kafka message")] = 1,
    features: Annotated[str, typer.Option(help="comma-separated feature names")] = "chat",
    rate: Annotated[list[str] | None, typer.Option(help="NAME=VALUE, repeatable, e.g. copy=0.3")] = None,
    window_start_ago_min: Annotated[float, typer.Option(help="first session starts N min ago")] = 300.0,
    window_min: Annotated[float, typer.Option(help="sessions start over N minutes")] = 240.0,
    session_prefix: Annotated[str | None, typer.Option(help="default: replay<seed>")] = None,
    model: Annotated[
        str | None,
        typer.Option(
            show_default=False,
            help=f"model name on assistant turns (default: {_CHAT_MODEL} for conversations; for agent traces "
            f"the trace's own, else {_UNKNOWN_MODEL})",
        ),
    ] = None,
    prompt_version: Annotated[
        str | None,
        typer.Option(show_default=False, help="prompt version on assistant turns; with the model, names the release"),
    ] = None,
    compression: Annotated[str | None, typer.Option(help="gzip, snappy, lz4 or zstd")] = None,
    bootstrap: Annotated[str | None, typer.Option(help="default: UNDERCURRENT_KAFKA__BOOTSTRAP")] = None,
) -> None:
    """Produce contract events into Kafka from conversations or agent traces, with synthetic timing and behaviour.

    Agent traces (--format tau-bench or traces) become turns whose tool calls and tool results
    carry steps; a trace's reward or grade is never read.
    """
    from ..config import Settings
    from ..replay.jsonl import ConversationFileError
    from ..replay.produce import replay_to_kafka
    from ..replay.rates import BehaviourRates, parse_overrides
    from ..replay.schedule import Window, sessions
    from ..replay.synth import SynthOptions
    from ..replay.trace import TraceFileError

    path = file if file is not None else (None if source == "sharegpt" else Path(source))
    kind = fmt if fmt is not Format.auto else (Format.sharegpt if path is None else Format.conversations)
    agent = kind in (Format.tau_bench, Format.traces)
    if kind is Format.sharegpt:
        require_extras("replay", what="replaying ShareGPT conversations")

    settings = Settings()
    if bootstrap:
        settings = settings.model_copy(update={"kafka": settings.kafka.model_copy(update={"bootstrap": bootstrap})})
    try:
        rates = BehaviourRates(**parse_overrides(rate or []))
        now_ms = time.time_ns() // 1_000_000
        window = Window.before(now_ms, start_ago_s=window_start_ago_min * 60, length_s=window_min * 60)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    options = SynthOptions(
        rates=rates,
        features=[name.strip() for name in features.split(",") if name.strip()] or ["chat"],
        session_prefix=session_prefix or f"replay{seed}",
        model=model or (_UNKNOWN_MODEL if agent else _CHAT_MODEL),
        prompt_version=prompt_version,
    )
    console = Console(stderr=True)
    try:
        expected = limit or sum(1 for _ in _read(kind, path, skip, None))
        items = _read(kind, path, skip, limit)
        stream = sessions(items, seed=seed, window=window, expected=expected, options=options, synth=_synth(agent))
        with _progress(console) as progress:
            conversations_task = progress.add_task("conversations", total=expected)
            events_task = progress.add_task("events", total=None)

            def on_progress(conversations: int, events: int) -> None:
                progress.update(conversations_task, completed=conversations)
                progress.update(events_task, completed=events)

            summary = asyncio.run(
                replay_to_kafka(
                    stream, settings, envelope_size=envelope_size, compression=compression, on_progress=on_progress
                )
            )
    except (ConversationFileError, TraceFileError) as exc:
        console.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    Console().print(_summary_table(summary))


def _read(kind: Format, path: Path | None, skip: int, limit: int | None) -> Iterator[Any]:
    from ..replay.jsonl import read_jsonl
    from ..replay.tau_bench import read_tau_bench
    from ..replay.trace_jsonl import read_trace_jsonl

    if kind is Format.sharegpt and path is None:
        from ..replay.sharegpt import read_sharegpt

        return read_sharegpt(skip=skip, limit=limit)
    if path is None or not path.is_file():
        raise typer.BadParameter(f"--format {kind.value} needs a file; {path or 'none'} is not one")
    readers: dict[Format, Callable[[], Iterator[Any]]] = {
        Format.sharegpt: lambda: _read_sharegpt_file(path, skip, limit),
        Format.conversations: lambda: read_jsonl(path, skip=skip, limit=limit),
        Format.tau_bench: lambda: read_tau_bench(path, skip=skip, limit=limit),
        Format.traces: lambda: read_trace_jsonl(path, skip=skip, limit=limit),
    }
    return readers[kind]()


def _read_sharegpt_file(path: Path, skip: int, limit: int | None) -> Iterator[Any]:
    from ..replay.sharegpt import read_sharegpt

    with path.open("rb") as stream:
        yield from read_sharegpt(stream, skip=skip, limit=limit)


def _synth(agent: bool) -> Synthesiser[Any]:
    from ..replay.agent_synth import synthesize_trace
    from ..replay.synth import synthesize

    return synthesize_trace if agent else synthesize


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:>13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _summary_table(summary: ReplaySummary) -> Table:
    table = Table(title="replay", show_header=False)
    table.add_row("conversations", f"{summary.conversations:,}")
    for event_type, count in sorted(summary.events.items()):
        table.add_row(f"events: {event_type}", f"{count:,}")
    table.add_row("events", f"{summary.events_total:,}")
    table.add_row("kafka messages", f"{summary.messages:,}")
    if summary.oversized:
        table.add_row("skipped (over message limit)", f"{summary.oversized:,}")
    table.add_row("seconds", f"{summary.seconds:.1f}")
    table.add_row("events/s", f"{summary.events_per_s:,.0f}")
    return table
