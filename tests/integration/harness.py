"""Run real worker processes against the test broker and Redis, and read their output topics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from undercurrent.devstack import free_port
from undercurrent.devstack.processes import scrape, total
from undercurrent.devstack.stack import LOCAL_BROKER_ENV, stop_process

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Deployment:
    """One isolated deployment: its own topics, consumer group and Redis key prefix."""

    bootstrap: str
    redis_url: str
    log_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    name: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}")
    workers: list[Worker] = field(default_factory=list)

    def topic(self, stage: str) -> str:
        return f"{self.name}.{stage}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            **LOCAL_BROKER_ENV,
            "UNDERCURRENT_DATA_DIR": str(self.log_dir),
            "UNDERCURRENT_APP_ID": self.name,
            "UNDERCURRENT_KAFKA__BOOTSTRAP": self.bootstrap,
            "UNDERCURRENT_REDIS_URL": self.redis_url,
            "UNDERCURRENT_REDIS_KEY_PREFIX": self.name,
            "UNDERCURRENT_TOPICS__CHAT": self.topic("chat"),
            "UNDERCURRENT_TOPICS__CLIENT": self.topic("client"),
            "UNDERCURRENT_TOPICS__SESSIONS": self.topic("sessions"),
            "UNDERCURRENT_TOPICS__DLQ": self.topic("dlq"),
            "UNDERCURRENT_TOPICS__JUDGE_REQUESTS": self.topic("judge.requests"),
            "UNDERCURRENT_TOPICS__JUDGE_VERDICTS": self.topic("judge.verdicts"),
            "UNDERCURRENT_TOPICS__JUDGE_DLQ": self.topic("judge.dlq"),
            "UNDERCURRENT_TOPICS__JUDGE_RETRY": self.topic("judge.retry"),
            "UNDERCURRENT_SESSIONS__CLOSE_GRACE_S": "1",
            "UNDERCURRENT_SESSIONS__SWEEP_INTERVAL_S": "0.5",
            "UNDERCURRENT_LOG_FORMAT": "json",
            **self.extra_env,
        }

    def start_worker(self, *args: str) -> Worker:
        port = free_port()
        index = len(self.workers)
        log_path = self.log_dir / f"{self.name}-worker{index}.log"
        env = {**self.env(), "UNDERCURRENT_METRICS_PORT": str(port)}
        with open(log_path, "wb") as log:  # the worker writes through its own copy of the descriptor
            proc = subprocess.Popen(
                [sys.executable, "-m", "undercurrent.cli", *(args or ("worker",))],
                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            )
        worker = Worker(proc, port, log_path)
        self.workers.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    metrics_port: int
    log_path: Path

    def stop(self) -> None:
        stop_process(self.proc, 30)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def sample(self, name: str, **labels: str) -> float:
        """Sum of a metric's samples whose labels include ``labels``."""
        return total(scrape(f"http://127.0.0.1:{self.metrics_port}/metrics", [name]), name, **labels)


async def produce(bootstrap: str, records: Iterable[tuple[str, str, bytes]]) -> None:
    """Send ``(topic, key, value)`` records and wait for all acknowledgements."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        for topic, key, value in records:
            await producer.send(topic, value, key=key.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def collect(
    bootstrap: str, topic: str, *, until: int, timeout_s: float = 180.0, settle_s: float = 3.0
) -> list[Any]:
    """Read ``topic`` from the start until ``until`` records arrived (then a little longer, to see extras)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    records: list[Any] = []
    deadline = time.monotonic() + timeout_s
    settle_end: float | None = None
    try:
        while time.monotonic() < deadline:
            if settle_end is None and len(records) >= until:
                settle_end = time.monotonic() + settle_s
            if settle_end is not None and time.monotonic() >= settle_end:
                break
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                records.extend(messages)
    finally:
        await consumer.stop()
    return records


def event(session_id: str, n: int, ts: int, kind: str = "turn", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"event_id": f"{session_id}:{n}", "session_id": session_id, "ts": ts, "type": kind}
    if kind == "turn":
        body.update(role="user" if n % 2 == 0 else "assistant", text=f"message {n} of {session_id}")
    body.update(fields)
    return body


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()
