"""One benchmark worker: a real ``undercurrent worker`` process watched from outside.

The process is configured only through ``UNDERCURRENT_*`` variables, as in
production, with its own consumer group, Redis key prefix and output topics.
Its CPU time and memory come from the kernel (psutil, ``/proc``); its progress
from its own ``/metrics`` page.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from measure import peak_rss_bytes
from undercurrent.devstack import free_port
from undercurrent.devstack.stack import stop_process

ROOT = Path(__file__).resolve().parents[1]
READY_LINE = b"[^Worker]: Ready"
POOL_READY_LINE = "close processes ready"


class WorkerFailed(RuntimeError):
    """The worker exited or never became ready; the message ends with its log tail."""


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def children_cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of the process's running children (a worker's close processes)."""
    total = 0.0
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):  # exited meanwhile
            total += cpu_seconds(child)
    return total


@dataclass
class WorkerProcess:
    name: str
    proc: subprocess.Popen[bytes]
    metrics_port: int
    log_path: Path

    @classmethod
    def start(cls, name: str, env: dict[str, str], log_dir: Path) -> WorkerProcess:
        port = free_port()
        log_path = log_dir / f"{name}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "undercurrent.cli", "worker"],
                env={**os.environ, "UNDERCURRENT_DATA_DIR": str(log_dir), **env,
                     "UNDERCURRENT_METRICS_PORT": str(port)},
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            )
        return cls(name, proc, port, log_path)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise WorkerFailed(f"worker {self.name} exited with {self.proc.returncode}\n{self.log_tail()}")
            if READY_LINE in self.log_path.read_bytes():
                return
            time.sleep(0.05)
        raise WorkerFailed(f"worker {self.name} not ready after {timeout_s:.0f}s\n{self.log_tail()}")

    def metrics_page(self, *names: str) -> str:
        """The worker's ``/metrics``, only the samples ``names`` if given: rendering the whole page costs the
        worker CPU, so progress is polled with only the counters it needs."""
        query = "".join(f"{'&' if i else '?'}name[]={name}" for i, name in enumerate(names))
        url = f"http://127.0.0.1:{self.metrics_port}/metrics{query}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()

    def peak_rss_bytes(self) -> int:
        return peak_rss_bytes(Path(f"/proc/{self.pid}/status").read_text())

    def children_peak_rss_bytes(self) -> int:
        """Summed peak resident sets of the worker's running children (its close processes)."""
        total = 0
        for child in psutil.Process(self.pid).children(recursive=True):
            with contextlib.suppress(OSError):  # exited meanwhile
                total += peak_rss_bytes(Path(f"/proc/{child.pid}/status").read_text())
        return total

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        stop_process(self.proc, 30)


@dataclass
class Profiler:
    """``py-spy record`` attached to a running process; collapsed stacks are written on stop."""

    proc: subprocess.Popen[bytes]
    output: Path

    @classmethod
    def attach(cls, pid: int, output: Path) -> Profiler:
        py_spy = Path(sys.executable).with_name("py-spy")
        proc = subprocess.Popen(
            [str(py_spy), "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--output", str(output)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return cls(proc, output)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
