"""Runs promtool over the committed estimate recording rules and their unit tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy/prometheus/rules/estimates.yml"
RULE_TESTS = ROOT / "tests/promtool/estimates_test.yml"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is not installed: `apt-get install prometheus` (or `make venv`) provides it")
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, check=False)


def test_recording_rules_are_valid() -> None:
    result = _promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr


def test_recording_rules_give_the_expected_samples() -> None:
    result = _promtool("test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
