"""Run a faust app as a worker process with the ``/metrics`` endpoint beside it."""

from __future__ import annotations

from pathlib import Path

import faust
from prometheus_client import disable_created_metrics, start_http_server

from .config import Settings


def run_faust_worker(app: faust.App, settings: Settings) -> None:
    # ``*_created`` series double the page and nothing here reads them (Prometheus 2 ignores them).
    disable_created_metrics()
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)  # faust creates only its app directory inside
    start_http_server(settings.metrics_port, addr=settings.metrics_host)
    worker = app.Worker(loglevel=settings.log_level.lower(), quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
