"""CLI commands: the worker and the local stack."""

from __future__ import annotations

import typer

from ..config import Settings


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command()
    def worker() -> None:
        """Run an ingest worker (configured by UNDERCURRENT_* environment variables)."""
        from ..ingest.worker import run_worker

        run_worker(Settings())
