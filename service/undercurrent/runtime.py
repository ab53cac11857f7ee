"""Run a faust app as a worker process with ``/metrics``, ``/healthz`` and ``/readyz`` beside it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast
from wsgiref.simple_server import WSGIRequestHandler, make_server

import faust
from faust.types import TP
from prometheus_client import REGISTRY, CollectorRegistry, disable_created_metrics, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from .config import Settings
from .health import WorkerHealth

HEALTH_CHECK_INTERVAL_S = 5.0
HEALTH_CHECK_TIMEOUT_S = 5.0


Tick = Callable[[], Awaitable[None]]
"""The body of a faust timer."""


def every(app: faust.App, interval_s: float, *, name: str | None = None) -> Callable[[Tick], Tick]:
    """``@app.timer(interval_s)`` with the type of what it does (faust declares a bare ``Callable``)."""
    decorate: Callable[[Tick], Tick] = app.timer(interval_s, name=name)
    return decorate


def noack_batches(stream: faust.StreamT[Any], size: int, *, within: float) -> AsyncIterator[Sequence[Any]]:
    """``stream.noack_take``: the stream an agent is given is a ``faust.Stream``, whose interface
    ``StreamT`` leaves this method out. Items are the stream's events (``e.message``, ``stream.ack(e)``)."""
    return cast("faust.Stream[Any]", stream).noack_take(size, within=within)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it
        """Probes and scrapes arrive every few seconds; they are not worth a log line."""


def probe_app(health: WorkerHealth, registry: CollectorRegistry = REGISTRY) -> Callable[..., Iterable[bytes]]:
    """WSGI app: ``/healthz`` (live), ``/readyz`` (ready) as JSON with 200 or 503; anything else is metrics."""
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path not in ("/healthz", "/readyz"):
            scraped: Iterable[bytes] = metrics(environ, start_response)
            return scraped
        verdict = (health.live if path == "/healthz" else health.ready)(time.monotonic())
        body = json.dumps(verdict.body()).encode()
        status = "200 OK" if verdict.ok else "503 Service Unavailable"
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


def serve_probes(health: WorkerHealth, host: str, port: int, registry: CollectorRegistry = REGISTRY) -> None:
    server = make_server(host, port, probe_app(health, registry), ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="probes", daemon=True).start()


def watch_health(
    app: faust.App, health: WorkerHealth, *, ping: Callable[[], Awaitable[object]], probe_topic: str
) -> None:
    """A timer that ticks the health state and asks Redis and the broker for an answer.

    faust starts timers once the app is up, so the first tick also marks the end of start-up.
    The broker check asks for the end offset of ``probe_topic``'s first partition: a round trip
    through the consumer's own connection.
    """
    probe_tp = TP(probe_topic, 0)
    checks: dict[str, Callable[[], Awaitable[Any]]] = {
        "redis": ping,
        "kafka": lambda: app.consumer.highwaters(probe_tp),
    }

    @every(app, HEALTH_CHECK_INTERVAL_S, name="health")
    async def check_health() -> None:
        health.tick(time.monotonic())
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), HEALTH_CHECK_TIMEOUT_S)
            except Exception as exc:  # any failure is reported, none stops the timer
                health.failed(name, f"{type(exc).__name__}: {exc}"[:300])
            else:
                health.succeeded(name, time.monotonic())


def run_faust_worker(app: faust.App, settings: Settings, health: WorkerHealth) -> None:
    # ``*_created`` series double the page and nothing here reads them (Prometheus 2 ignores them).
    disable_created_metrics()
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)  # faust creates only its app directory inside
    serve_probes(health, settings.metrics_host, settings.metrics_port)
    # Logging is already configured (undercurrent.logs): faust must not install its own plain-text
    # handler, print a banner, or draw its progress spinner on stdout.
    worker = app.Worker(
        loglevel=settings.log_level.lower(), quiet=True, redirect_stdouts=False, override_logging=False
    )
    worker.spinner = None
    worker.execute_from_commandline()
