"""``undercurrent demo`` on the embedded stack, as the README tells a new user to run it."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


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


def test_demo_prints_the_summary_and_stops_everything_on_ctrl_c(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "undercurrent.cli", "demo", "--conversations", "60", "--log-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "120"},
    )
    try:
        output = read_until(proc, "press Ctrl-C", timeout_s=400)
        proc.send_signal(signal.SIGINT)
        output += proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert "judge tier off" in output and "stopping" in output
    closed = next(line for line in output.splitlines() if "sessions closed" in line)
    assert closed.split("│")[2].strip() == "60"
    broker = re.search(r"broker (127\.0\.0\.1):(\d+)", output)
    metrics = re.search(r"http://127\.0\.0\.1:(\d+)/metrics", output)
    assert broker and metrics
    for port in (int(broker.group(2)), int(metrics.group(1))):
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers after Ctrl-C"
