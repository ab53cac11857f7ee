"""Agent runs for evaluation: the split's tasks only, failed = reward < 1, rewards joined by run id after scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.tau_runs import question_run, write_tau_files
from undercurrent.detectors.agent_runs import load_agent_runs
from undercurrent.replay.trace import TraceFileError


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write_tau_files(tmp_path)


def test_runs_of_the_split_tasks_with_failure_from_the_reward(files: tuple[Path, Path]) -> None:
    runs = {r.id: r for r in load_agent_runs(*files, "test")}
    assert sorted(runs) == ["task1-trial0", "task1-trial1", "task2-trial0", "task2-trial1"]
    assert [runs[i].failed for i in sorted(runs)] == [True, True, False, False]
    assert {r.task for r in runs.values()} == {1, 2}
    assert "state_change" in runs["task1-trial0"].signals and "state_change" not in runs["task2-trial0"].signals
    assert [r.id for r in load_agent_runs(*files, "dev")] == ["task3-trial0"]


def test_scores_do_not_depend_on_the_reward(tmp_path: Path, files: tuple[Path, Path]) -> None:
    results, split = files
    flipped = json.loads(results.read_text())
    for run in flipped:
        run["reward"] = 1.0 - run["reward"]
    other = tmp_path / "flipped.json"
    other.write_text(json.dumps(flipped))
    original, changed = load_agent_runs(results, split, "test"), load_agent_runs(other, split, "test")
    assert [(r.id, r.risk, r.signals) for r in original] == [(r.id, r.risk, r.signals) for r in changed]
    assert [r.failed for r in original] == [not r.failed for r in changed]


def test_a_results_file_without_rewards_is_refused(tmp_path: Path, files: tuple[Path, Path]) -> None:
    run = question_run(1, 0, 1.0)
    del run["reward"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([run]))
    with pytest.raises(TraceFileError, match="reward"):
        load_agent_runs(bad, files[1], "test")
