"""Real Prometheus and Alertmanager processes, a webhook receiver and a judge stand-in, for tests."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from tests.support.fake_anthropic import FakeAnthropic, rule_verdict, session_data
from undercurrent.devstack import free_port
from undercurrent.devstack.stack import stop_process

from .configs import alertmanager_config, prometheus_config, shorten_rule_file

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
ALERTMANAGER_YML = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
BINARIES = {"prometheus": "prometheus", "alertmanager": "prometheus-alertmanager"}

T = TypeVar("T")


def locate_binaries() -> dict[str, str]:
    """Paths of the Debian binaries; an error that says how to install them if one is missing."""
    found = {name: shutil.which(binary) for name, binary in BINARIES.items()}
    missing = [BINARIES[name] for name, path in found.items() if path is None]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} not on PATH: install the Debian packages "
            "(apt-get install -y prometheus prometheus-alertmanager)"
        )
    return {name: path for name, path in found.items() if path is not None}


def wait_until(probe: Callable[[], T | None], *, timeout_s: float, what: str, every_s: float = 0.5) -> T:
    """Poll ``probe`` until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout_s:.0f}s waiting for {what}")
        time.sleep(every_s)


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @classmethod
    def start(cls, args: list[str], port: int, log_path: Path) -> Process:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        process = cls(proc, f"http://127.0.0.1:{port}", log_path)
        try:
            wait_until(process.ready, timeout_s=60, what=f"{args[0]} on port {port} (log: {log_path})")
        except BaseException:
            process.stop()
            raise
        return process

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"exited with {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        stop_process(self.proc, 15)


def start_alertmanager(binary: str, work_dir: Path, webhook_url: str) -> Process:
    config = alertmanager_config(yaml.safe_load(ALERTMANAGER_YML.read_text()), webhook_url=webhook_url)
    (work_dir / "alertmanager.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    return Process.start(
        [binary, f"--config.file={work_dir / 'alertmanager.yml'}", f"--storage.path={work_dir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        port, work_dir / "alertmanager.log",
    )


def start_prometheus(binary: str, work_dir: Path, *, run: str, alertmanager: str, targets: list[str]) -> Process:
    """Prometheus with test copies of every shipped rule file (see configs.py for what changes)."""
    rule_files = []
    for path in sorted((PROMETHEUS_DIR / "rules").glob("*.yml")):
        copy_path = work_dir / "rules" / path.name
        copy_path.parent.mkdir(parents=True, exist_ok=True)
        copy_path.write_text(yaml.safe_dump(shorten_rule_file(yaml.safe_load(path.read_text())), sort_keys=False))
        rule_files.append(str(copy_path))
    shipped = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    config = prometheus_config(shipped, rule_files=rule_files, alertmanager=alertmanager, targets=targets, run=run)
    (work_dir / "prometheus.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    port = free_port()
    return Process.start(
        [binary, f"--config.file={work_dir / 'prometheus.yml'}", f"--storage.tsdb.path={work_dir / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        port, work_dir / "prometheus.log",
    )


def query(prometheus_url: str, expr: str) -> list[dict[str, Any]]:
    """Instant query; raises with Prometheus' error message when the expression does not parse or fails."""
    response = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": expr}, timeout=10)
    body = response.json()
    if body.get("status") != "success":
        raise ValueError(f"{body.get('errorType')}: {body.get('error')}")
    return body["data"]["result"]


def value(prometheus_url: str, expr: str) -> float | None:
    """The single sample of a scalar-like query, or None while there is none."""
    result = query(prometheus_url, expr)
    return float(result[0]["value"][1]) if len(result) == 1 else None


@dataclass
class Webhook:
    """Records the alerts of every Alertmanager notification POSTed to it."""

    alerts: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self, **labels: str) -> list[dict[str, Any]]:
        with self.lock:
            return [a for a in self.alerts if all(a["labels"].get(k) == v for k, v in labels.items())]

    @contextmanager
    def serve(self) -> Iterator[str]:
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with webhook.lock:
                    webhook.alerts.extend(body["alerts"])
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def drift_confirming_verdict(body: dict[str, Any]) -> dict[str, Any]:
    """The shared rule verdict, plus Drift wherever the detectors flagged an off-topic answer.

    The shared rule only confirms signals named like an archetype; Drift's signal is
    ``off_topic_drift``, so a judge that agrees with the detectors has to map it.
    """
    verdict = rule_verdict(body)
    drift = [s for s in session_data(body)["signals"] if s["name"] == "off_topic_drift"]
    if not drift:
        return verdict
    found = [a for a in verdict["archetypes"] if a["archetype"] != "none"]
    return {
        **verdict,
        "quality": "poor",
        "failure_visibility": "invisible" if verdict["failure_visibility"] == "none" else verdict["failure_visibility"],
        "failure_origin": "capability",
        "archetypes": [*found, {"archetype": "drift", "evidence_turns": drift[0]["turns"], "rationale": "off topic"}],
        "summary": "rule: the answer ignored the request",
    }


@contextmanager
def judge_stand_in() -> Iterator[FakeAnthropic]:
    """The local Messages API stand-in on its own event loop thread, for synchronous fixtures."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeAnthropic(rule=drift_confirming_verdict)  # what unscripted requests get
    asyncio.run_coroutine_threadsafe(fake.__aenter__(), loop).result(30)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.__aexit__(None, None, None), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
