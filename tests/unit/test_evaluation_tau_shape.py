import json
from pathlib import Path

import msgspec
import pytest
from evaluation.__main__ import app
from evaluation.tau_bench import TrajectoryShape, trajectory_shape
from typer.testing import CliRunner

from tests.support.tau_runs import write_tau_files
from tests.unit.test_judge_steps import AGENT, CHAT


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
