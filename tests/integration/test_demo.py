"""``make demo`` exactly as the README tells a new user to run it, with another Redis on the default address.

From the repository root, through ``make``, with default arguments, in its own process group (as a
terminal runs it); then Ctrl-C (SIGINT to that group) must leave no process, port or file behind.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
import redis

from undercurrent.devstack.processes import scrape, total
from undercurrent.devstack.stack import redis_answers, start_redis

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def default_redis(tmp_path: Path) -> Iterator[redis.Redis]:
    """A Redis answering on the default address, as on most developer machines: the machine's own if one
    answers (only read here), else one started for this test."""
    managed = None if redis_answers(DEFAULT_REDIS) else start_redis(tmp_path, port=6379)
    client = redis.Redis.from_url(DEFAULT_REDIS)
    yield client
    client.close()
    if managed is not None:
        managed.stop()


def user_environment() -> dict[str, str]:
    """The caller's environment without Undercurrent or Anthropic settings: a new user has none."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UNDERCURRENT_", "ANTHROPIC_"))}
    return {**env, "COLUMNS": "120"}


def read_until(proc: subprocess.Popen[str], marker: str, timeout_s: float) -> str:
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never printed:\n" + "".join(seen))


def port_answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def demo_keys(client: redis.Redis) -> set[bytes]:
    return set(client.scan_iter(match="demo*", count=1000))


@pytest.mark.timeout(900)
def test_make_demo_prints_the_summary_serves_metrics_and_leaves_nothing_after_ctrl_c(
    default_redis: redis.Redis,
) -> None:
    keys_before = demo_keys(default_redis)
    proc = subprocess.Popen(
        ["make", "demo"], cwd=ROOT, env=user_environment(), start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    children: list[psutil.Process] = []
    try:
        output = read_until(proc, "press Ctrl-C", timeout_s=800)
        children = psutil.Process(proc.pid).children(recursive=True)

        assert "judge tier off" in output
        assert "What the pipeline saw" in output and "would be sampled for the judge" in output
        assert "timing and every client behaviour event are synthesised" in re.sub(r"\s+", " ", output)
        replayed = int(re.search(r"conversations replayed\s*│\s*([\d,]+)", output)[1].replace(",", ""))
        metrics_url = re.search(r"metrics: (http://127\.0\.0\.1:\d+/metrics)", output)[1]
        closed = total(scrape(metrics_url), "undercurrent_sessions_closed_total")
        assert closed == replayed == 3000

        view_url = re.search(r"(http://127\.0\.0\.1:\d+/sessions\?token=\S+)", output)[1]
        with httpx.Client(timeout=10) as browser:
            assert "Signed in" in browser.get(view_url).text
            listing = browser.get(view_url.split("?")[0]).text
        assert "would be sampled" in listing and "verdict pending" not in listing

        redis_port = int(re.search(r"redis-server at redis://127\.0\.0\.1:(\d+)/", output)[1])
        assert redis_port != 6379
        ports = [int(re.search(r"broker 127\.0\.0\.1:(\d+)", output)[1]), redis_port,
                 int(re.search(r"127\.0\.0\.1:(\d+)/metrics", metrics_url)[1]),
                 int(re.search(r"127\.0\.0\.1:(\d+)/sessions", view_url)[1])]
        data_dir = Path(re.search(r"logs and worker files in\s+(\S+)", output)[1])
        assert data_dir.is_dir() and not data_dir.is_relative_to(ROOT)
        # Closing 3,000 sessions ran beside ingest: the sweep timer never waited on a sweep.
        assert "sweep is overlapping" not in (data_dir / "worker.log").read_text()

        os.killpg(proc.pid, signal.SIGINT)
        output += proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:  # the test failed before Ctrl-C: stop the demo as a user would, then harder
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        _, alive = psutil.wait_procs(children, timeout=30)
        left = [(p.pid, p.cmdline()) for p in alive]
        for p in alive:
            p.kill()

    assert "stopping everything the demo started" in output and "stopped" in output, output
    assert not left, f"still running after Ctrl-C: {left}"
    assert [port for port in ports if port_answers(port)] == []
    assert not data_dir.exists()
    assert demo_keys(default_redis) <= keys_before
