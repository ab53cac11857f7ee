"""The shipped Alertmanager routes deliver to the compose stack's alert receiver, which logs each alert.

A real Alertmanager runs the shipped configuration with two changes only: the receiver's host
(the compose service name) becomes this machine's loopback address, and the route's waits are 1 s.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import yaml

from undercurrent.devstack import free_port
from undercurrent.devstack.stack import stop_process

ROOT = Path(__file__).resolve().parents[2]
ALERTMANAGER_YML = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
ALERT_LOG = ROOT / "deploy" / "alertmanager" / "alert_log.py"


def _wait(probe, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _local_copy(port: int) -> dict:
    config = copy.deepcopy(yaml.safe_load(ALERTMANAGER_YML.read_text()))
    config["route"].update(group_wait="1s", group_interval="1s")
    for receiver in config["receivers"]:
        for webhook in receiver.get("webhook_configs", []):
            assert webhook["url"].startswith("http://alert-log:9095/"), webhook["url"]
            webhook["url"] = webhook["url"].replace("http://alert-log:9095", f"http://127.0.0.1:{port}")
    return config


def test_critical_alerts_reach_the_pager_route_and_others_the_chat_route(tmp_path: Path) -> None:
    binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    assert binary, "Alertmanager not found: apt-get install -y prometheus-alertmanager"
    log_port, am_port = free_port(), free_port()
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(_local_copy(log_port)))
    receiver_out = tmp_path / "alert-log.out"
    with open(receiver_out, "wb") as out:
        receiver = subprocess.Popen([sys.executable, str(ALERT_LOG), str(log_port)], stdout=out,
                                    stderr=subprocess.STDOUT)
    with open(tmp_path / "alertmanager.log", "wb") as log:
        alertmanager = subprocess.Popen(
            [binary, f"--config.file={tmp_path / 'alertmanager.yml'}", f"--storage.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{am_port}"

        def ready() -> bool:
            try:
                return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _wait(ready, 30, "Alertmanager")
        alerts = [
            {"labels": {"alertname": "UndercurrentTargetDown", "severity": "critical", "job": "undercurrent"},
             "annotations": {"summary": "worker down"}},
            {"labels": {"alertname": "UndercurrentConsumerLagGrowing", "severity": "warning", "topic": "t"},
             "annotations": {"summary": "lag grows"}},
        ]
        assert httpx.post(f"{url}/api/v2/alerts", json=alerts, timeout=5).status_code == 200

        def logged() -> list[dict] | None:
            lines = [json.loads(line) for line in receiver_out.read_text().splitlines()]
            return lines if len(lines) >= 2 else None

        lines = _wait(logged, 30, "two alerts in the receiver's log")
        routed = {line["labels"]["alertname"]: line["receiver"] for line in lines}
        assert routed == {"UndercurrentTargetDown": "pager", "UndercurrentConsumerLagGrowing": "chat"}
        assert all(line["status"] == "firing" for line in lines)
    finally:
        stop_process(alertmanager, 10)
        stop_process(receiver, 10)


def test_the_receiver_refuses_what_is_not_a_notification(tmp_path: Path) -> None:
    port = free_port()
    receiver = subprocess.Popen([sys.executable, str(ALERT_LOG), str(port)], stdout=subprocess.DEVNULL)
    try:
        def answer() -> int | None:
            try:
                return httpx.post(f"http://127.0.0.1:{port}/chat", content=b"{not json", timeout=2).status_code
            except httpx.TransportError:
                return None

        assert _wait(answer, 10, "the receiver") == 400
    finally:
        stop_process(receiver, 10)


def test_concurrent_notifications_are_logged_one_whole_line_per_alert(tmp_path: Path) -> None:
    """Alertmanager posts each route's notification on its own connection, often at the same moment."""
    port, out_path = free_port(), tmp_path / "alert-log.out"
    with open(out_path, "wb") as out:
        receiver = subprocess.Popen([sys.executable, str(ALERT_LOG), str(port)], stdout=out,
                                    stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.post(f"{base}/chat", json={"alerts": []}, timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _wait(up, 10, "the receiver")
        notification = {"alerts": [{"status": "firing", "labels": {"alertname": f"A{n}"}} for n in range(20)]}
        with ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(lambda i: httpx.post(f"{base}/r{i}", json=notification, timeout=10).status_code,
                                  range(64)))
        assert codes == [200] * 64
        lines = out_path.read_text().splitlines()
        assert len(lines) == 64 * 20
        assert {(line["receiver"], line["labels"]["alertname"]) for line in map(json.loads, lines)} == {
            (f"r{i}", f"A{n}") for i in range(64) for n in range(20)}
    finally:
        stop_process(receiver, 10)
