"""Every rule file passes `promtool check rules`, every promtool test passes, every alert is tested."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((ROOT / "deploy/prometheus/rules").glob("*.yml"))
PROMTOOL_TESTS = sorted((ROOT / "tests/promtool").glob("*_test.yml"))
RUNBOOKS = ROOT / "docs/runbooks.md"


def _promtool() -> str:
    found = os.environ.get("PROMTOOL") or shutil.which("promtool")
    if not found:
        pytest.fail(
            "promtool not found: install it with `apt-get install -y prometheus` "
            "or point PROMTOOL at the binary",
            pytrace=False,
        )
    return found


def _alerts() -> list[dict]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def _runbook_anchors() -> set[str]:
    headings = re.findall(r"^#+ (.+)$", RUNBOOKS.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9_ -]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_file_passes_promtool_check(path: Path) -> None:
    result = subprocess.run([_promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", PROMTOOL_TESTS, ids=lambda p: p.name)
def test_promtool_unit_tests_pass(path: Path) -> None:
    result = subprocess.run(
        [_promtool(), "test", "rules", path.name], cwd=path.parent, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_promtool_test() -> None:
    tested = {m for p in PROMTOOL_TESTS for m in re.findall(r"alertname: (\w+)", p.read_text())}
    assert {rule["alert"] for rule in _alerts()} <= tested


@pytest.mark.parametrize("rule", _alerts(), ids=lambda r: r["alert"])
def test_alert_carries_severity_and_links(rule: dict) -> None:
    annotations = rule["annotations"]
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert {"summary", "description", "runbook_url", "evidence_url"} <= annotations.keys()
    assert annotations["runbook_url"].startswith("{{ $externalLabels.runbook_base_url }}#")
    assert annotations["evidence_url"].startswith("{{ $externalLabels.evidence_base_url }}/sessions")


@pytest.mark.parametrize("rule", _alerts(), ids=lambda r: r["alert"])
def test_alert_runbook_anchor_exists(rule: dict) -> None:
    anchor = rule["annotations"]["runbook_url"].split("#", 1)[1]
    assert anchor in _runbook_anchors()
