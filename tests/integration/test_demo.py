"""``undercurrent demo`` on the embedded stack, as the README tells a new user to run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_demo_replays_real_conversations_and_prints_the_summary(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "undercurrent.cli", "demo", "--conversations", "60", "--exit-after-summary",
         "--log-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=400, env={"PATH": "/usr/bin:/bin", "COLUMNS": "120"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "judge tier off" in result.stdout
    assert "sessions closed" in result.stdout and "│              60 │" not in result.stdout
    closed = next(line for line in result.stdout.splitlines() if "sessions closed" in line)
    assert closed.split("│")[2].strip() == "60"
    assert "/metrics" in result.stdout
