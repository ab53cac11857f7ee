"""Fault injection on real processes: freeze and thaw them, restart Redis from its append-only file,
check the invariants every fault scenario must keep.

Scenarios build on :mod:`tests.integration.harness` (deployments, workers, producing and collecting)
and add what a fault needs: a Redis that survives restarts, SIGSTOP/SIGCONT of any process this
suite started, and a SIGTERM that must be honoured.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import urllib.error
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from undercurrent.devstack import free_port, start_redis
from undercurrent.devstack.stack import Managed

from ..integration.harness import Worker

AOF_ARGS = ("--appendonly", "yes", "--appendfsync", "always")
# Partitions that go quiet stop holding closes back after 2 s instead of 30 s: scenarios end sooner.
FAST_CLOSE = {"UNDERCURRENT_SESSIONS__WATERMARK_QUIET_S": "2"}


@contextmanager
def frozen(proc: subprocess.Popen[bytes]) -> Iterator[None]:
    """SIGSTOP ``proc`` for the duration of the block: its sockets stay open and silent."""
    proc.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGCONT)


async def freeze_for(proc: subprocess.Popen[bytes], seconds: float) -> None:
    with frozen(proc):
        await asyncio.sleep(seconds)


@dataclass
class DurableRedis:
    """A private redis-server on a fixed port and directory, fsyncing every write to its AOF,
    so it can be killed and restarted with its data."""

    directory: Path
    port: int = field(default_factory=free_port)
    managed: Managed | None = None

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        assert self.managed is not None, "redis is not running"
        return self.managed.proc

    def start(self) -> DurableRedis:
        self.managed = start_redis(self.directory, port=self.port, extra_args=AOF_ARGS)
        return self

    def kill(self) -> None:
        """SIGKILL: what was acknowledged is in the AOF (appendfsync always), nothing else."""
        self.proc.kill()
        self.proc.wait()
        self.managed = None

    def stop(self) -> None:
        if self.managed is not None:
            self.managed.stop()
            self.managed = None


def run_concurrently(scenarios: dict[str, Callable[[], Any]]) -> dict[str, Future[Any]]:
    """Start independent async scenarios, each on its own event loop in a thread; tests await one each."""
    pool = ThreadPoolExecutor(max_workers=len(scenarios), thread_name_prefix="fault")
    futures = {name: pool.submit(asyncio.run, scenario()) for name, scenario in scenarios.items()}
    pool.shutdown(wait=False)
    return futures


def terminate(worker: Worker, timeout_s: float = 60.0) -> int:
    """SIGTERM the worker and return its exit code; fails if it ignores the signal."""
    worker.proc.send_signal(signal.SIGTERM)
    try:
        return worker.proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        worker.proc.kill()
        worker.proc.wait()
        raise AssertionError(f"worker ignored SIGTERM for {timeout_s:.0f}s; see {worker.log_path}") from None


def responsive(worker: Worker) -> bool:
    """The worker process runs and its /metrics endpoint answers."""
    if worker.proc.poll() is not None:
        return False
    try:
        worker.sample("undercurrent_events_total")
    except (urllib.error.URLError, ConnectionError, OSError):
        return False
    return True


async def wait_until(condition: Callable[[], bool], timeout_s: float = 90.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what} not reached within {timeout_s:.0f}s")


def closed_once(published: list[Any], expected: dict[str, int]) -> None:
    """Every expected session published exactly once, with all its events; nothing else published."""
    records = [json.loads(m.value) for m in published]
    seen = Counter(r["session_id"] for r in records)
    missing = sorted(set(expected) - set(seen))
    twice = sorted(sid for sid, n in seen.items() if n > 1)
    unexpected = sorted(set(seen) - set(expected))
    assert not (missing or twice or unexpected), f"missing {missing}, published twice {twice}, unexpected {unexpected}"
    wrong = {r["session_id"]: (r["event_count"], expected[r["session_id"]]) for r in records
             if r["event_count"] != expected[r["session_id"]]}
    assert not wrong, f"sessions with events lost (published, expected): {wrong}"


def dead_letter_reasons(messages: list[Any]) -> Counter[str]:
    return Counter(dict(m.headers)["undercurrent-reason"].decode() for m in messages)


def log_lines(worker: Worker, contains: str) -> list[dict[str, Any]]:
    """JSON log lines of a worker whose text contains ``contains``."""
    lines = []
    for line in worker.log_path.read_text(errors="replace").splitlines():
        if contains in line and line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return lines
