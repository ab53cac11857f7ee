"""Startup, liveness and readiness of real worker processes follow their Redis."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from undercurrent.devstack.stack import Managed, start_redis

from .harness import Deployment, Worker
from .test_worker import wait_for


def probe(worker: Worker, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.metrics_port}{path}", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def test_workers_turn_unready_but_stay_live_when_redis_goes_away(broker: Managed, tmp_path: Path) -> None:
    redis = start_redis(tmp_path)
    deployment = Deployment(broker.url, redis.url, tmp_path, extra_env={"ANTHROPIC_API_KEY": "sk-test-unused"})
    try:
        ingest = deployment.start_worker("worker")
        judge = deployment.start_worker("judge-worker")
        workers = (ingest, judge)
        for worker in workers:
            await wait_for(lambda w=worker: probe(w, "/readyz")[0] == 200, timeout_s=90)
            status, body = probe(worker, "/readyz")
            assert body == {"status": "ok", "checks": {"loop": "ok", "redis": "ok", "kafka": "ok"}}
            assert probe(worker, "/healthz") == (200, {"status": "ok", "checks": {"loop": "ok"}})
            assert "undercurrent_" in urllib.request.urlopen(
                f"http://127.0.0.1:{worker.metrics_port}/metrics", timeout=5
            ).read().decode()

        redis.stop()
        for worker in workers:
            await wait_for(lambda w=worker: probe(w, "/readyz")[0] == 503, timeout_s=30)
            status, body = probe(worker, "/readyz")
            assert body["status"] == "unavailable"
            assert body["checks"]["redis"].startswith("failing: ")
            assert body["checks"]["kafka"] == "ok"
            assert probe(worker, "/healthz")[0] == 200
            assert worker.proc.poll() is None
    finally:
        deployment.stop_all()
        redis.stop()
