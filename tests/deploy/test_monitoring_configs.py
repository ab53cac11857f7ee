"""The shipped Prometheus and Alertmanager configurations, checked by promtool and amtool."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .test_compose import config

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "rules"


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: apt-get install -y {package}", pytrace=False)
    return found


def _check(*args: str) -> str:
    result = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_promtool_accepts_the_example_prometheus_config() -> None:
    output = _check(_tool("promtool", "prometheus"), "check", "config", str(ROOT / "deploy/prometheus/prometheus.yml"))
    assert "SUCCESS" in output
    # every committed rule file is loaded and checked along with the config
    assert all(path.name in output for path in RULES.glob("*.yml"))


def test_promtool_accepts_the_compose_prometheus_config(compose: Path, tmp_path: Path) -> None:
    prometheus = config(compose)["configs"]["prometheus"]["content"]
    (tmp_path / "prometheus.yml").write_text(prometheus)
    (tmp_path / "rules").symlink_to(RULES)
    output = _check(_tool("promtool", "prometheus"), "check", "config", str(tmp_path / "prometheus.yml"))
    assert all(path.name in output for path in RULES.glob("*.yml"))


def test_amtool_accepts_the_alertmanager_config() -> None:
    output = _check(_tool("amtool", "prometheus-alertmanager"), "check-config",
                    str(ROOT / "deploy/alertmanager/alertmanager.yml"))
    assert "SUCCESS" in output
