"""Agent traces end to end: `undercurrent replay --format tau-bench` into a real broker and worker."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .harness import ROOT, Deployment, collect

pytestmark = pytest.mark.integration

TAU_BENCH = ROOT.parent / "shared" / "data" / "agent-traces" / "tau-bench-airline-gpt-4o.dev.json"
SPLIT = ROOT / "evaluation" / "tau_bench" / "split.json"
RUNS = 6


async def test_tau_bench_runs_become_agent_sessions_with_steps_and_signals(
    deployment: Deployment, tmp_path: Path
) -> None:
    """Six runs of dev tasks (test tasks stay unseen outside the final evaluation)."""
    dev = set(json.loads(SPLIT.read_text())["dev"])
    runs = [r for r in json.loads(TAU_BENCH.read_text()) if r["task_id"] in dev][:RUNS]
    selected = tmp_path / "dev-runs.json"
    selected.write_text(json.dumps(runs))
    deployment.start_worker()
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
