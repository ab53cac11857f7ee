import json
from pathlib import Path

import msgspec
import pytest
from evaluation.__main__ import app
from evaluation.tau_bench import TASK_FAILED, TrajectoryShape, trajectory_shape, trial_group_signatures
from typer.testing import CliRunner

from tests.support.tau_runs import cancel_run, question_run, write_tau_files
from tests.unit.test_judge_steps import AGENT, CHAT
from undercurrent.detectors.evaluate_agent import AgentRun
from undercurrent.releases.compare import Component, RateSums


@pytest.mark.parametrize(
    ("snapshot", "shape"),
    [
        (AGENT, TrajectoryShape(steps=5, tool_calls=2, failed_results=1, first_failed_position=0.4)),
        (CHAT, TrajectoryShape(steps=0, tool_calls=0, failed_results=0, first_failed_position=None)),
        (msgspec.structs.replace(AGENT, turns=AGENT.turns[:3]),
         TrajectoryShape(steps=1, tool_calls=1, failed_results=0, first_failed_position=None)),
    ],
)  # fmt: skip
def test_trajectory_shape_counts_the_steps_the_judge_rates(snapshot, shape) -> None:
    assert trajectory_shape(snapshot) == shape


def test_tau_shape_reports_trajectories_by_reward(tmp_path: Path) -> None:
    results, _ = write_tau_files(tmp_path)
    result = CliRunner().invoke(app, ["tau-shape", "--traces", str(results)])
    assert result.exit_code == 0, result.output
    out = result.output
    runs = json.loads(results.read_text())
    assert f"runs {len(runs)}, with at least one tool call (agent trajectories) 2" in out
    assert "reward 0: 2 trajectories" in out and "with a failed tool result 0/2 = 0.00" in out
    assert "reward 1: no trajectories" in out  # the answered questions called no tool


def _run(run: str, failed: bool, *signals: str) -> AgentRun:
    return AgentRun(id=run, task=1, failed=failed, risk=0.5, risk_model="m", signals=frozenset(signals))


@pytest.mark.parametrize(
    ("runs", "baseline", "candidate"),
    [
        ([], {}, {}),
        ([_run("a", True, "tool_error"), _run("b", False, "tool_error"), _run("c", True)],
         {TASK_FAILED: 1, Component("signal", "tool_error"): 1},
         {TASK_FAILED: 1, Component("signal", "tool_error"): 1}),
        ([_run("a", False), _run("b", False, "premature_end")], {}, {Component("signal", "premature_end"): 1}),
    ],
)  # fmt: skip
def test_trial_groups_count_failures_and_signals_as_fully_observed_rates(runs, baseline, candidate) -> None:
    trial_of = {"a": 0, "b": 2, "c": 3}
    base, cand = trial_group_signatures(runs, trial_of, frozenset({0, 1}))
    assert base.sessions == sum(trial_of[r.id] < 2 for r in runs)
    assert cand.sessions == sum(trial_of[r.id] >= 2 for r in runs)
    assert base.sums == {c: RateSums(float(n), 0.0) for c, n in baseline.items()}
    assert cand.sums == {c: RateSums(float(n), 0.0) for c, n in candidate.items()}


def test_tau_releases_compares_two_halves_of_the_trials(tmp_path: Path) -> None:
    results, split = write_tau_files(tmp_path)
    runs = [cancel_run(1, 0, 0.0), question_run(2, 1, 1.0), question_run(3, 0, 1.0),  # trials 0-1
            cancel_run(1, 2, 0.0), question_run(2, 3, 1.0)]  # trials 2-3
    results.write_text(json.dumps(runs))
    result = CliRunner().invoke(app, ["tau-releases", "--traces", str(results), "--split-file", str(split)])
    assert result.exit_code == 0, result.output
    assert "trials 0,1: 3 runs; other trials: 2 runs" in result.output
    assert "task failed (reward < 1): 0.33 vs 0.50, difference +0.17" in result.output
    assert "differs" not in result.output.replace("no difference", "")


def test_tau_releases_says_when_a_half_has_no_runs(tmp_path: Path) -> None:
    results, split = write_tau_files(tmp_path)  # trials 0 and 1 only
    result = CliRunner().invoke(app, ["tau-releases", "--traces", str(results), "--split-file", str(split)])
    assert result.exit_code == 2
    assert "no runs in trials 2 and above" in result.output
