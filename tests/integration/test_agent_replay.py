"""Agent traces end to end: `undercurrent replay --format tau-bench` into a real broker, worker and judge worker.

The judge is the Messages API stand-in: its step verdicts follow a fixed rule (see
``tests.support.fake_anthropic.rule_trajectory``) and say nothing about the runs' real quality.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from tests.support.fake_anthropic import FakeAnthropic
from undercurrent.judge.record import VerdictRecord
from undercurrent.judge.steps import Trajectory
from undercurrent.sessions.store import RedisSessionStore

from .harness import ROOT, Deployment, collect
from .test_judge_pipeline import judging

TAU_BENCH = ROOT.parent / "shared" / "data" / "agent-traces" / "tau-bench-airline-gpt-4o.dev.json"
SPLIT = ROOT / "evaluation" / "tau_bench" / "split.json"
RUNS = 6


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as server:
        yield server


async def test_tau_bench_runs_become_judged_trajectories_with_step_verdicts_and_metrics(
    deployment: Deployment, fake: FakeAnthropic, redis_url: str, tmp_path: Path
) -> None:
    """Six runs of dev tasks (test tasks stay unseen outside the final evaluation), every one judged."""
    dev = set(json.loads(SPLIT.read_text())["dev"])
    runs = [r for r in json.loads(TAU_BENCH.read_text()) if r["task_id"] in dev][:RUNS]
    selected = tmp_path / "dev-runs.json"
    selected.write_text(json.dumps(runs))
    judging(deployment, fake)
    deployment.extra_env["UNDERCURRENT_LABELS__FEATURES"] = '["airline-agent"]'
    deployment.start_worker()
    judge = deployment.start_worker("judge-worker")
    replay = subprocess.run(
        [sys.executable, "-m", "undercurrent.cli", "replay", "--format", "tau-bench", str(selected),
         "--features", "airline-agent", "--model", "gpt-4o", "--session-prefix", "tau"],
        env={**deployment.env(), "COLUMNS": "120"}, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert replay.returncode == 0, replay.stdout + replay.stderr
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=RUNS)
    records = {json.loads(m.value)["session_id"]: json.loads(m.value) for m in published}
    source = {f"tau-task{r['task_id']}-trial{r['trial']}": r for r in runs}
    assert sorted(records) == sorted(source)
    for session_id, record in records.items():
        run = source[session_id]
        assert "reward" not in json.dumps(record)
        assert (record["feature"], record["domain"], record["ending"]["how"]) == (
            "airline-agent", "travel_hospitality", "session_end",
        )  # fmt: skip
        steps = [t["step"] for t in record["transcript"] if "step" in t]
        calls = [c["function"]["name"] for m in run["traj"] for c in m.get("tool_calls") or ()]
        assert [s["tool"] for s in steps if s["kind"] == "tool_call"] == calls
        failed = [m for m in run["traj"] if m["role"] == "tool" and m["content"].startswith("Error")]
        assert sum(s.get("status") == "error" for s in steps) == len(failed)
        times = [t["ts_ms"] for t in record["transcript"]]
        assert times == sorted(times) and times[-1] > times[0]
        assert all(t["model"] == "gpt-4o" for t in record["transcript"] if t["role"] == "assistant")
    fired = {s["name"] for r in records.values() for s in r["detectors"]["signals"]}
    assert {"state_change", "action_without_confirmation"} <= fired

    verdicts = {m.key.decode(): json.loads(m.value) for m in
                await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=RUNS)}
    assert sorted(verdicts) == sorted(records)
    failed_results = with_errors = trajectories = 0
    for session_id, judged in verdicts.items():
        transcript = records[session_id]["transcript"]
        trajectory = judged["verdict"]["trajectory"]
        if not any("step" in t for t in transcript):  # a run that never called a tool is no trajectory
            assert trajectory is None
            continue
        agent_turns = [t["index"] for t in transcript if "step" in t or t["role"] == "assistant"]
        assert [s["turn"] for s in trajectory["steps"]] == agent_turns
        errors = {t["index"] for t in transcript if t.get("step", {}).get("status") == "error"}
        tool_failures = {s["turn"] for s in trajectory["steps"] if s.get("category") == "tool_failure"}
        assert tool_failures == errors
        failed_results += len(errors)
        with_errors += trajectory["first_error_turn"] is not None
        trajectories += 1
    assert failed_results >= 1 and trajectories >= RUNS - 1

    store = RedisSessionStore.from_url(redis_url, prefix=deployment.name)
    try:
        first = next(k for k, v in verdicts.items() if v["verdict"]["trajectory"] is not None)
        stored = await store.get(first)
        assert stored is not None and stored.results is not None
        kept = msgspec.json.decode(stored.results["judge"], type=VerdictRecord).verdict.trajectory
        assert kept == msgspec.convert(verdicts[first]["verdict"]["trajectory"], Trajectory)
    finally:
        await store.close()

    feature = {"feature": "airline-agent"}
    assert judge.sample("undercurrent_trajectories_judged_total", **feature) == trajectories
    assert judge.sample("undercurrent_trajectory_weight_total", **feature) == trajectories  # π = 1
    assert judge.sample("undercurrent_step_error_weight_total", category="tool_failure", severity="major",
                        branch="execution", **feature) == failed_results
    assert judge.sample("undercurrent_trajectory_first_error_position_count", **feature) == with_errors


def test_demo_replays_agent_runs_beside_conversations(tmp_path: Path) -> None:
    dev = set(json.loads(SPLIT.read_text())["dev"])
    runs = [r for r in json.loads(TAU_BENCH.read_text()) if r["task_id"] in dev][:RUNS]
    selected = tmp_path / "dev-runs.json"
    selected.write_text(json.dumps(runs))
    demo = subprocess.run(
        [sys.executable, "-m", "undercurrent.cli", "demo", "--conversations", "20", "--agent-traces", str(selected),
         "--agent-model", "gpt-4o", "--exit-after-summary", "--data-dir", str(tmp_path / "demo")],
        env={k: v for k, v in os.environ.items() if not k.startswith(("UNDERCURRENT_", "ANTHROPIC_"))}
        | {"COLUMNS": "120"},
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stdout + demo.stderr
    out = demo.stdout

    def row(label: str) -> int:
        """The count in the row named ``label`` (signal tables have a "from" column first)."""
        found = re.search(rf"{re.escape(label)}\s*│(?:\s*(?:text|synthesised)\s*│)?\s*([\d,]+)", out)
        assert found, f"no row {label!r} in:\n{out}"
        return int(found[1].replace(",", ""))

    assert row("conversations replayed") == 20 + RUNS
    assert row("of them agent runs (rewards not sent)") == RUNS
    assert row("sessions closed") == 20 + RUNS
    assert row("travel_hospitality") == RUNS
    assert row("state_change") >= 1
