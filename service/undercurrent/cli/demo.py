"""CLI commands: the demo and the bare local stack."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def demo(
        conversations: Annotated[int, typer.Option(min=1, help="ShareGPT conversations to replay")] = 3000,
        envelope_size: Annotated[int, typer.Option(min=1, help="events per Kafka message")] = 1,
        seed: Annotated[int, typer.Option()] = 1,
        log_dir: Annotated[Path, typer.Option(help="where process logs go")] = Path("var/demo"),
        exit_after_summary: Annotated[bool, typer.Option(help="stop once the summary is printed")] = False,
    ) -> None:
        """Start the local stack and a worker, replay real conversations, print what the pipeline saw."""
        from ..devstack.demo import DemoOptions, run_demo

        options = DemoOptions(conversations=conversations, envelope_size=envelope_size, seed=seed, log_dir=log_dir)
        run_demo(options, Console(), wait_for_ctrl_c=not exit_after_summary)

    @app.command()
    def devstack(
        log_dir: Annotated[Path, typer.Option(help="where process logs go")] = Path("var/devstack"),
    ) -> None:
        """Start a Kafka-compatible broker (and Redis if none answers) until Ctrl-C; print their addresses."""
        from ..config import Settings
        from ..devstack.stack import LocalStack

        console = Console()
        with LocalStack(redis_url=Settings().redis_url.get_secret_value(), log_dir=log_dir) as stack:
            console.print(f"export UNDERCURRENT_KAFKA__BOOTSTRAP={stack.bootstrap}")
            console.print(f"export UNDERCURRENT_REDIS_URL={stack.redis_url}")
            try:
                while all(m.proc.poll() is None for m in stack.started):
                    time.sleep(1)
            except KeyboardInterrupt:
                console.print("stopping")
