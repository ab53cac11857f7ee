"""Service processes of the local stack (workers, replay), started as children."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from .stack import stop_process


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    metrics_url: str | None = None

    def stop(self, timeout_s: float = 20.0) -> None:
        stop_process(self.proc, timeout_s)


def spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path, metrics_url: str | None = None) -> Child:
    log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - the child owns it
    proc = subprocess.Popen([sys.executable, "-m", "undercurrent.cli", *args], env=env, stdout=log, stderr=log)
    return Child(name, proc, metrics_url)


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Samples of a ``/metrics`` page keyed by (name, sorted labels)."""
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def wait_for_metrics(child: Child, timeout_s: float = 60.0) -> None:
    assert child.metrics_url
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            raise RuntimeError(f"{child.name} exited with code {child.proc.returncode}; see its log")
        try:
            scrape(child.metrics_url)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"{child.name} did not serve {child.metrics_url} within {timeout_s:.0f}s")
