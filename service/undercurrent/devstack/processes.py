"""Service processes of the local stack (workers, replay), started as children."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from prometheus_client.parser import text_string_to_metric_families

from .. import conventions as names
from ..errors import UndercurrentError
from .stack import stop_process

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
"""Samples of a ``/metrics`` page keyed by (name, sorted labels)."""


class ChildFailed(UndercurrentError, RuntimeError):
    """A service process of the local stack exited or did not come up."""


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    metrics_url: str | None = None
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        if self.proc.poll() is not None:
            raise ChildFailed(f"{self.name} exited with code {self.proc.returncode}; see {self.log_path}")

    def stop(self, timeout_s: float = 20.0) -> None:
        stop_process(self.proc, timeout_s)


def spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path, metrics_url: str | None = None) -> Child:
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "undercurrent.cli", *args], env=env, stdout=log, stderr=log)
    return Child(name, proc, log_path, metrics_url)


def scrape(url: str, names: Iterable[str] = ()) -> Samples:
    """Samples of a ``/metrics`` page keyed by (name, sorted labels); only the samples ``names`` when given.

    The worker's full page is large (every label combination is pre-created), so pollers ask for the
    few samples they read: prometheus-client's exporter filters with ``name[]`` parameters.
    """
    if names:
        url = f"{url}?{urlencode([('name[]', name) for name in names])}"
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def wait_for_metrics(child: Child, timeout_s: float = 60.0) -> None:
    assert child.metrics_url
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        child.check()
        try:
            scrape(child.metrics_url, [names.SESSIONS_OPEN])
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise ChildFailed(f"{child.name} did not serve {child.metrics_url} within {timeout_s:.0f}s; see {child.log_path}")
