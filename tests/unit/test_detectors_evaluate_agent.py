"""Risk AUROC against task reward with a task-level bootstrap, and signal firing rates in failed and successful runs."""

from __future__ import annotations

import pytest

from undercurrent.detectors.evaluate_agent import AgentRun, auroc, evaluate_agent_runs, task_bootstrap


def _run(task: int, failed: bool, risk: float, *signals: str, n: int = 0) -> AgentRun:
    return AgentRun(
        id=f"task{task}-trial{n}", task=task, failed=failed, risk=risk, risk_model="m1", signals=frozenset(signals)
    )


@pytest.mark.parametrize(
    ("failed", "risk", "expected"),
    [
        ([True, False], [0.9, 0.1], 1.0),
        ([True, False], [0.1, 0.9], 0.0),
        ([True, False], [0.5, 0.5], 0.5),  # a tie counts half
        ([True, True, False, False], [0.9, 0.2, 0.5, 0.1], 0.75),
        ([True, True], [0.9, 0.1], None),  # no successful run: undefined, not 0.5
        ([], [], None),
    ],
)
def test_auroc(failed: list[bool], risk: list[float], expected: float | None) -> None:
    assert auroc(failed, risk) == expected


def test_bootstrap_resamples_whole_tasks() -> None:
    """Two tasks whose runs all agree: every replicate holds whole tasks, so the share of failed runs
    can only be 0, 1/2 or 1, never a mix that splits a task."""
    runs = [_run(1, True, 0.9, n=i) for i in range(4)] + [_run(2, False, 0.1, n=i) for i in range(4)]
    seen: set[float] = set()

    def failed_share(sample):
        share = sum(r.failed for r in sample) / len(sample)
        seen.add(share)
        return share

    estimate = task_bootstrap(runs, failed_share, replicates=200, seed=1)
    assert seen == {0.0, 0.5, 1.0}
    assert (estimate.value, estimate.low, estimate.high) == (0.5, 0.0, 1.0)


def test_bootstrap_gives_no_interval_when_most_replicates_are_undefined() -> None:
    runs = [_run(1, True, 0.9), _run(2, False, 0.1)]  # half the draws hold one task only
    estimate = task_bootstrap(runs, lambda s: auroc([r.failed for r in s], [r.risk for r in s]), seed=3)
    assert estimate.value == 1.0 and estimate.low is None and estimate.high is None


def test_evaluation_counts_runs_and_firing_per_outcome() -> None:
    runs = [
        _run(1, True, 0.8, "state_change", "tool_error", n=0),
        _run(1, True, 0.7, "state_change", n=1),
        _run(2, False, 0.2, "agent_handoff", n=0),
        _run(3, False, 0.3, "state_change", n=0),
        _run(4, True, 0.6, n=0),
    ]
    result = evaluate_agent_runs(runs, ["state_change", "tool_error", "agent_handoff", "premature_end"], replicates=300)
    assert (result.tasks, result.runs, result.failed, result.risk_models) == (4, 5, 3, ["m1"])
    assert result.auroc.value == 1.0
    by_name = {s.name: s for s in result.signals}
    assert list(by_name) == ["state_change", "tool_error", "agent_handoff"]  # signals that never fired are left out
    assert (by_name["state_change"].failed_fired, by_name["state_change"].ok_fired) == (2, 1)
    assert by_name["state_change"].in_failed.value == pytest.approx(2 / 3)
    assert by_name["state_change"].in_ok.value == pytest.approx(1 / 2)
    low, high = by_name["state_change"].in_failed.low, by_name["state_change"].in_failed.high
    assert low is not None and high is not None and 0.0 <= low <= 2 / 3 <= high <= 1.0
