"""CLI commands: the demo and the bare local stack."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import UndercurrentError
from .extras import require_extras

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        "--log-dir",
        metavar="DIR",
        show_default=False,
        help="keep process logs and worker files in this directory "
        "(default: a new temporary directory, removed when the command stops)",
    ),
]
RedisUrl = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        show_default=False,
        help="use this Redis instead of starting a private redis-server (keys go under a new prefix)",
    ),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def demo(
        conversations: Annotated[int, typer.Option(min=1, metavar="N", help="ShareGPT conversations to replay")] = 3000,
        envelope_size: Annotated[int, typer.Option(min=1, metavar="N", help="events per Kafka message")] = 1,
        seed: Annotated[int, typer.Option(metavar="N", help="seed of the synthesised timing and behaviour")] = 1,
        data_dir: DataDir = None,
        redis_url: RedisUrl = None,
        exit_after_summary: Annotated[
            bool, typer.Option("--exit-after-summary", help="stop once the summary is printed")
        ] = False,
        agent_traces: Annotated[
            Path | None,
            typer.Option(
                metavar="FILE",
                show_default=False,
                help="also replay the agent runs in FILE (a τ-bench results file, or JSONL traces if it ends in "
                ".jsonl), as feature 'agent'; their rewards are not sent",
            ),
        ] = None,
        agent_model: Annotated[
            str | None,
            typer.Option(metavar="NAME", show_default=False, help="model of agent runs whose file does not say"),
        ] = None,
    ) -> None:
        """Run the whole pipeline locally on real conversations and print what it saw.

        Starts a private broker, a private redis-server and an ingest worker (plus a judge worker
        when ANTHROPIC_API_KEY is set), replays ShareGPT conversations with synthesised user
        behaviour, prints a summary and the /metrics URL, then serves the evidence view until
        Ctrl-C, which stops everything it started.
        """
        require_extras("replay", "eval", "devstack", what="the demo")
        from ..devstack.demo import DemoOptions, run_demo

        options = DemoOptions(
            conversations=conversations, envelope_size=envelope_size, seed=seed, data_dir=data_dir,
            redis_url=redis_url, agent_traces=agent_traces, agent_model=agent_model,
        )  # fmt: skip
        console = Console()
        try:
            run_demo(options, console, wait_for_ctrl_c=not exit_after_summary)
        except UndercurrentError as error:
            console.print(f"[red]error:[/] {error}")
            raise typer.Exit(1) from None

    @app.command()
    def devstack(data_dir: DataDir = None, redis_url: RedisUrl = None) -> None:
        """Start a local broker and a private redis-server until Ctrl-C, and print their addresses."""
        require_extras("devstack", what="the local broker")
        from ..devstack.stack import LocalStack, interrupt_on_signals, stack_directory

        console = Console()
        interrupt_on_signals()
        try:
            with stack_directory(data_dir, prefix="undercurrent-devstack-") as path, LocalStack(
                redis_url=redis_url, log_dir=path
            ) as stack:
                for name, value in stack.variables().items():
                    console.print(f"export {name}={value}", soft_wrap=True, highlight=False)
                console.print(f"logs in {path}; press Ctrl-C to stop")
                while all(m.proc.poll() is None for m in stack.started):
                    time.sleep(1)
        except KeyboardInterrupt:
            console.print("stopped")
        except UndercurrentError as error:
            console.print(f"[red]error:[/] {error}")
            raise typer.Exit(1) from None
