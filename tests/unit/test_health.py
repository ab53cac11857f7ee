"""Probe answers from the health observations of a worker, and the WSGI app that serves them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from prometheus_client import CollectorRegistry, Counter

from undercurrent.health import WorkerHealth
from undercurrent.runtime import probe_app

Step = Callable[[WorkerHealth], None]


def tick(at: float) -> Step:
    return lambda h: h.tick(at)


def ok(dependency: str, at: float) -> Step:
    return lambda h: h.succeeded(dependency, at)


def fail(dependency: str, error: str) -> Step:
    return lambda h: h.failed(dependency, error)


@pytest.mark.parametrize(
    ("steps", "now", "live", "ready", "checks"),
    [
        ([], 0.0, False, False, {"loop": "starting", "redis": "not checked yet", "kafka": "not checked yet"}),
        ([tick(10)], 12.0, True, False, {"loop": "ok", "redis": "not checked yet", "kafka": "not checked yet"}),
        ([tick(10), ok("redis", 10), ok("kafka", 10)], 12.0, True, True,
         {"loop": "ok", "redis": "ok", "kafka": "ok"}),
        ([tick(10), ok("redis", 10), ok("kafka", 10)], 75.0, False, False,
         {"loop": "no tick for 65s", "redis": "no answer for 65s", "kafka": "no answer for 65s"}),
        ([tick(10), ok("redis", 10), ok("kafka", 10), tick(50)], 50.0, True, False,
         {"loop": "ok", "redis": "no answer for 40s", "kafka": "no answer for 40s"}),
        ([tick(10), ok("redis", 10), ok("kafka", 10), fail("redis", "ConnectionError: refused")], 11.0, True, False,
         {"loop": "ok", "redis": "failing: ConnectionError: refused", "kafka": "ok"}),
        ([tick(10), fail("kafka", "TimeoutError"), ok("kafka", 11), ok("redis", 11)], 12.0, True, True,
         {"loop": "ok", "redis": "ok", "kafka": "ok"}),
    ],
    ids=["before-start", "started-unchecked", "all-ok", "loop-stalled", "answers-stale", "redis-down", "recovered"],
)
def test_probe_verdicts(steps: list[Step], now: float, live: bool, ready: bool, checks: dict[str, str]) -> None:
    health = WorkerHealth(stall_after_s=60, stale_after_s=30)
    for step in steps:
        step(health)
    assert health.live(now).ok is live
    verdict = health.ready(now)
    assert (verdict.ok, verdict.checks) == (ready, checks)


def call(app, path: str) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": ""}, start_response))
    return seen["status"], seen["headers"], body  # type: ignore[return-value]


def test_probe_app_answers_json_with_status_codes_and_serves_metrics_elsewhere() -> None:
    registry = CollectorRegistry()
    Counter("uc_test_events", "test counter", registry=registry).inc(3)
    health = WorkerHealth()
    app = probe_app(health, registry)

    status, headers, body = call(app, "/healthz")
    assert status.startswith("503") and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "unavailable", "checks": {"loop": "starting"}}

    now = time.monotonic()
    for step in (tick(now), ok("redis", now), ok("kafka", now)):
        step(health)
    assert call(app, "/healthz")[0].startswith("200")
    status, _, body = call(app, "/readyz")
    assert status.startswith("200") and json.loads(body)["status"] == "ok"
    assert b"uc_test_events_total 3.0" in call(app, "/metrics")[2]
