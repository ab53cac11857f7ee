"""CLI commands: the workers."""

from __future__ import annotations

import typer

from ..config import Settings
from ..logs import configure_logging

CONFIGURED = (
    "Configured only by UNDERCURRENT_* environment variables (and the ANTHROPIC_* ones for the judge): "
    "`undercurrent settings` lists every variable with its default and meaning."
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command(epilog=CONFIGURED)
    def worker() -> None:
        """Run an ingest worker: consume, sessionise, detect, sample, publish; /metrics, /healthz, /readyz beside it."""
        from ..health import WorkerHealth
        from ..runtime import run_faust_worker
        from ..workers.ingest import create_ingest_app

        settings = Settings()
        configure_logging(settings.log_format, settings.log_level)
        health = WorkerHealth()
        run_faust_worker(create_ingest_app(settings, health=health), settings, health)

    @app.command("judge-worker", epilog=CONFIGURED)
    def judge_worker() -> None:
        """Run a judge worker: needs ANTHROPIC_API_KEY (or a Messages API at ANTHROPIC_BASE_URL)."""
        from ..health import WorkerHealth
        from ..runtime import run_faust_worker
        from ..workers.judge import create_judge_app

        settings = Settings()
        configure_logging(settings.log_format, settings.log_level)
        health = WorkerHealth()
        run_faust_worker(create_judge_app(settings, health=health), settings, health)
