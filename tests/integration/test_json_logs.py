"""With UNDERCURRENT_LOG_FORMAT=json every line a worker, judge worker or web process prints is JSON."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from undercurrent.devstack import free_port
from undercurrent.devstack.stack import Managed

from .harness import Deployment, Worker, collect, encode, event, produce
from .test_worker import wait_for


def json_lines(log_path: Path) -> list[dict]:
    lines = log_path.read_text().splitlines()
    assert lines, f"{log_path.name} is empty"
    records = []
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"{log_path.name}:{number} is not JSON: {line[:300]!r}")
        assert isinstance(record, dict), line
        assert {"event", "level", "timestamp", "logger"} <= set(record), line
        records.append(record)
    return records


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def test_worker_judge_and_web_print_only_json_lines(broker: Managed, redis_url: str, tmp_path: Path) -> None:
    web_port = free_port()
    deployment = Deployment(broker.url, redis_url, tmp_path, extra_env={
        "ANTHROPIC_API_KEY": "sk-test-unused",
        "UNDERCURRENT_WEB_TOKEN": "t" * 24,
        "UNDERCURRENT_WEB_PORT": str(web_port),
        "PYTHONWARNINGS": "default",
    })
    try:
        ingest = deployment.start_worker("worker")
        judge = deployment.start_worker("judge-worker")
        web = deployment.start_worker("web")
        for worker in (ingest, judge):
            await wait_for(lambda w=worker: get(f"http://127.0.0.1:{w.metrics_port}/readyz") == 200, timeout_s=90)
        await wait_for(lambda: get(f"http://127.0.0.1:{web_port}/healthz") == 200)
        assert get(f"http://127.0.0.1:{web_port}/sessions") == 401

        good = [event("j1", 0, 1_700_000_000_000), event("j1", 1, 1_700_000_001_000)]
        records = [(deployment.topic("chat"), "j1", encode(body)) for body in good]
        records.append((deployment.topic("chat"), "bad", b"{not json"))
        await produce(deployment.bootstrap, records)
        await collect(deployment.bootstrap, deployment.topic("dlq"), until=1, settle_s=0)
    finally:
        deployment.stop_all()

    logs: dict[str, list[dict]] = {}
    for name, process in (("worker", ingest), ("judge", judge), ("web", web)):
        assert isinstance(process, Worker)
        logs[name] = json_lines(process.log_path)
    loggers = {name: {r["logger"] for r in records} for name, records in logs.items()}
    # The lines come from faust, aiokafka and uvicorn through the stdlib, not only from structlog.
    assert any(r["event"] == "[^Worker]: Ready" for r in logs["worker"])
    assert any(r["event"] == "[^Worker]: Ready" for r in logs["judge"])
    assert any(name.startswith("aiokafka") for name in loggers["worker"])
    assert any(name.startswith("uvicorn") for name in loggers["web"])
