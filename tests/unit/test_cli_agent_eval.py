"""eval-detectors --agent-traces: the agent-run table of the chosen split, and loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.tau_runs import write_tau_files
from undercurrent.cli.main import app
from undercurrent.detectors.risk import shipped_model

runner = CliRunner()


def test_agent_runs_are_reported_for_the_split_with_intervals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results, split = write_tau_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["eval-detectors", "--agent-traces", str(results), "--task-split", str(split), "--markdown"]
    result = runner.invoke(app, [*args, "--replicates", "200"])
    assert result.exit_code == 0, result.output
    assert "Agent runs of results.json, test split: 2 tasks, 4 runs, 2 failed (reward < 1)" in result.output
    assert f"risk model {shipped_model().version};" in result.output
    assert "| state_change | 2 | 1.00" in result.output
    assert "bootstrap 95% intervals over tasks (200 replicates, seed 20261130)" in result.output


def test_a_missing_task_split_fails_loudly(tmp_path: Path) -> None:
    results, _ = write_tau_files(tmp_path)
    missing = tmp_path / "nowhere.json"
    result = runner.invoke(app, ["eval-detectors", "--agent-traces", str(results), "--task-split", str(missing)])
    assert result.exit_code == 1
    assert f"error: [Errno 2] No such file or directory: '{missing}'" in result.output
