"""Run the ingest worker: the faust app plus the ``/metrics`` endpoint."""

from __future__ import annotations

from prometheus_client import start_http_server

from ..config import Settings
from ..logs import configure_logging
from .app import create_app
from .stages import default_stages


def run_worker(settings: Settings) -> None:
    configure_logging(settings.log_format, settings.log_level)
    app = create_app(settings, stages=default_stages(settings))
    start_http_server(settings.metrics_port, addr=settings.metrics_host)
    worker = app.Worker(loglevel=settings.log_level.lower(), quiet=True, redirect_stdouts=False)
    worker.execute_from_commandline()
