"""Small τ-bench results files for tests: two runs that cancel a booking (failed), three that only answer."""

from __future__ import annotations

import json
from pathlib import Path

POLICY = {"role": "system", "content": "# Airline Agent Policy\nAct only on an explicit yes."}


def cancel_run(task: int, trial: int, reward: float) -> dict:
    call = {"function": {"name": "cancel_reservation", "arguments": '{"reservation_id": "ZFA04Y"}'}}
    return {
        "task_id": task,
        "trial": trial,
        "reward": reward,
        "info": {"actions": []},
        "traj": [
            POLICY,
            {"role": "user", "content": "Cancel reservation ZFA04Y please."},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "name": "cancel_reservation", "content": '{"status": "cancelled"}'},
            {"role": "assistant", "content": "Your reservation ZFA04Y has been cancelled."},
            {"role": "user", "content": "Thanks. ###STOP###"},
        ],
    }


def question_run(task: int, trial: int, reward: float) -> dict:
    return {
        "task_id": task,
        "trial": trial,
        "reward": reward,
        "info": {},
        "traj": [
            POLICY,
            {"role": "user", "content": "How many bags can I check on economy?"},
            {"role": "assistant", "content": "Economy includes one free checked bag for regular members."},
            {"role": "user", "content": "Thanks, that is all. ###STOP###"},
        ],
    }


def write_tau_files(directory: Path) -> tuple[Path, Path]:
    """Task 1 (two failed runs that cancel) and task 2 (two successful answers) are test; task 3 is dev."""
    runs = [cancel_run(1, t, 0.0) for t in range(2)] + [question_run(2, t, 1.0) for t in range(2)]
    runs.append(question_run(3, 0, 1.0))
    results, split = directory / "results.json", directory / "split.json"
    results.write_text(json.dumps(runs))
    split.write_text(json.dumps({"dev": [3], "test": [1, 2]}))
    return results, split
