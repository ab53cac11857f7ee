"""docker-compose.yml and docker-compose.judge.yml as the real `docker compose` (v2.40) reads them."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer.main
import yaml

from undercurrent.cli.main import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "docker-compose.yml"
JUDGE = ROOT / "docker-compose.judge.yml"
TOKEN = {"UNDERCURRENT_WEB_TOKEN": "t" * 24}
HOST_PORTS = {
    "UNDERCURRENT_KAFKA_HOST_PORT": ("kafka", 9094),
    "UNDERCURRENT_WEB_HOST_PORT": ("web", 8088),
    "UNDERCURRENT_PROMETHEUS_HOST_PORT": ("prometheus", 9090),
    "UNDERCURRENT_ALERTMANAGER_HOST_PORT": ("alertmanager", 9093),
    "UNDERCURRENT_GRAFANA_HOST_PORT": ("grafana", 3000),
}


def run(compose: Path, *args: str, files: tuple[Path, ...] = (BASE,), env: dict[str, str] | None = None):
    command = [str(compose)]
    for path in files:
        command += ["-f", str(path)]
    # Only what the test sets: no ANTHROPIC_API_KEY or token from the developer's shell leaks in.
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run([*command, *args], cwd=ROOT, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=60)


def config(compose: Path, files: tuple[Path, ...] = (BASE,), env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run(compose, "config", "--format", "json", files=files, env={**TOKEN, **(env or {})})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def published(service: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(p.get("host_ip", ""), int(p["published"]), int(p["target"])) for p in service.get("ports", [])]


def test_every_profile_and_the_judge_file_are_valid(compose: Path) -> None:
    profiles = run(compose, "config", "--profiles", env=TOKEN).stdout.split()
    for profile in [None, *profiles]:
        args = ["--profile", profile] if profile else []
        result = run(compose, *args, "config", "-q", env=TOKEN)
        assert result.returncode == 0, (profile, result.stderr)
    result = run(compose, "config", "-q", files=(BASE, JUDGE), env={**TOKEN, "ANTHROPIC_API_KEY": "sk-test"})
    assert result.returncode == 0, result.stderr


def test_the_stack_needs_a_web_token(compose: Path) -> None:
    result = run(compose, "config", "-q")
    assert result.returncode != 0
    assert "UNDERCURRENT_WEB_TOKEN" in result.stderr


def test_the_judge_is_refused_without_a_key_instead_of_restarting_forever(compose: Path) -> None:
    profiles = run(compose, "config", "--profiles", env=TOKEN).stdout.split()
    for profile in [None, *profiles]:
        args = ["--profile", profile] if profile else []
        result = run(compose, *args, "config", "--format", "json", env=TOKEN)
        services = json.loads(result.stdout)["services"]
        assert not [n for n, s in services.items() if "judge-worker" in (s.get("command") or [])], profile

    refused = run(compose, "config", "-q", files=(BASE, JUDGE), env=TOKEN)
    assert refused.returncode != 0
    assert "ANTHROPIC_API_KEY" in refused.stderr

    judge = config(compose, (BASE, JUDGE), {"ANTHROPIC_API_KEY": "sk-test"})["services"]["judge-worker"]
    assert judge["command"] == ["judge-worker"]
    assert judge["environment"]["ANTHROPIC_API_KEY"] == "sk-test"
    assert judge["environment"]["UNDERCURRENT_KAFKA__BOOTSTRAP"] == "kafka:9092"


def test_redis_is_not_published_and_every_host_port_can_move(compose: Path) -> None:
    services = config(compose)["services"]
    assert published(services["redis"]) == []
    defaults = {name: port for name, port in HOST_PORTS.values()}
    for name, service in services.items():
        for host_ip, host_port, _ in published(service):
            assert host_ip == "127.0.0.1", name
            assert defaults.get(name) == host_port, name

    moved = {variable: str(20000 + i) for i, variable in enumerate(HOST_PORTS)}
    services = config(compose, env=moved)["services"]
    for variable, (name, _) in HOST_PORTS.items():
        assert [p[1] for p in published(services[name])] == [int(moved[variable])], name
    listeners = services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert f"HOST://localhost:{moved['UNDERCURRENT_KAFKA_HOST_PORT']}" in listeners


def _mounted_file(service: dict[str, Any], target: str) -> Path:
    (source,) = [v["source"] for v in service["volumes"] if v["target"] == target]
    return Path(source)


def test_alertmanager_posts_to_the_stacks_alert_receiver(compose: Path) -> None:
    services = config(compose)["services"]
    alertmanager = services["alertmanager"]
    (flag,) = [a for a in alertmanager["command"] if a.startswith("--config.file=")]
    shipped = yaml.safe_load(_mounted_file(alertmanager, flag.split("=", 1)[1]).read_text())
    urls = [w["url"] for r in shipped["receivers"] for w in r.get("webhook_configs", [])]
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.hostname in services, f"{url} is not a service of the stack"
        receiver = services[parts.hostname]
        entrypoint = receiver["entrypoint"]
        assert entrypoint[:2] == ["python", "/etc/undercurrent/alert_log.py"] and entrypoint[2] == str(parts.port)
        script = _mounted_file(receiver, "/etc/undercurrent/alert_log.py")
        assert script == ROOT / "deploy" / "alertmanager" / "alert_log.py"
    assert "alert-log" in alertmanager["depends_on"]


def test_evidence_links_point_at_the_evidence_view(compose: Path) -> None:
    web_port = next(p.default for p in typer.main.get_command(cli_app).commands["web"].params if p.name == "port")
    services = config(compose)["services"]
    assert services["web"]["environment"]["UNDERCURRENT_WEB_PORT"] == str(web_port)
    assert [p[2] for p in published(services["web"])] == [web_port]
    urls = {
        "deploy/prometheus/prometheus.yml": yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())[
            "global"]["external_labels"]["evidence_base_url"],
        "compose prometheus": yaml.safe_load(config(compose)["configs"]["prometheus"]["content"])[
            "global"]["external_labels"]["evidence_base_url"],
    }
    for board in sorted((ROOT / "dashboards" / "json").glob("*.json")):
        text = board.read_text()
        urls[board.name] = re.search(r'"(http://127\.0\.0\.1:\d+)"', text).group(1)
    assert {name: urlsplit(url).port for name, url in urls.items()} == {name: web_port for name in urls}


def test_workers_report_readiness_to_compose(compose: Path) -> None:
    services = config(compose, (BASE, JUDGE), {"ANTHROPIC_API_KEY": "sk-test"})["services"]
    for name in ("worker", "judge-worker"):
        check = services[name]["healthcheck"]["test"]
        assert check[:3] == ["CMD", "python", "-c"], name
        assert "http://127.0.0.1:9464/readyz" in check[3], name
        compile(check[3], name, "exec")
