"""Agent traces in: the τ-bench and JSONL readers, the agent synthesiser and the offline path."""

import json
from collections import Counter
from itertools import pairwise
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from undercurrent.cli.main import app
from undercurrent.events import EventDecoder
from undercurrent.replay.agent_synth import synthesize_trace
from undercurrent.replay.offline import trace_snapshots
from undercurrent.replay.synth import SynthOptions, conversation_rng
from undercurrent.replay.tau_bench import read_tau_bench, run_id
from undercurrent.replay.trace import AgentTrace, ToolCall, TraceFileError, TraceMessage
from undercurrent.replay.trace_jsonl import read_trace_jsonl

START_MS = 1_750_000_000_000
TAU_BENCH = Path(__file__).parents[2].parent / "shared" / "data" / "agent-traces" / "tau-bench-airline-gpt-4o.dev.json"


def _call(name: str, arguments: str, call_id: str = "c1") -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _tau_run(task_id: int = 3, trial: int = 1, reward: float = 0.0) -> dict:
    return {
        "task_id": task_id,
        "trial": trial,
        "reward": reward,
        "info": {"task": {"actions": [{"name": "cancel_reservation"}]}, "reward_info": {"reward": reward}},
        "traj": [
            {"role": "system", "content": "# Airline Agent Policy\n\nBe careful."},
            {"role": "user", "content": "Cancel reservation ABC."},
            {"role": "assistant", "content": None, "tool_calls": [_call("get_reservation_details", '{"id":"ABC"}')]},
            {"role": "tool", "tool_call_id": "c1", "name": "get_reservation_details", "content": '{"id": "ABC"}'},
            {"role": "assistant", "content": "Checking.", "tool_calls": [_call("cancel_reservation", '{"id":"ABC"}')]},
            {"role": "tool", "tool_call_id": "c1", "name": "cancel_reservation", "content": "Error: not allowed"},
            {"role": "assistant", "content": "I could not cancel it."},
            {"role": "user", "content": "OK, thanks. ###STOP###"},
        ],
    }


def _write(tmp_path: Path, runs: list[dict]) -> Path:
    path = tmp_path / "runs.json"
    path.write_text(json.dumps(runs))
    return path


def test_tau_bench_run_becomes_a_trace_without_its_grade(tmp_path):
    (trace,) = read_tau_bench(_write(tmp_path, [_tau_run()]))
    assert trace.id == run_id(3, 1) == "task3-trial1"
    assert trace.domain == "travel_hospitality"
    roles = ["system", "user", "assistant", "tool", "assistant", "tool", "assistant", "user"]
    assert [m.role for m in trace.messages] == roles
    assert trace.messages[2].tool_calls == (ToolCall("get_reservation_details", '{"id":"ABC"}'),)
    assert trace.messages[4].text == "Checking."
    assert (trace.messages[3].tool, trace.messages[3].error) == ("get_reservation_details", None)
    assert trace.messages[5].error == "Error: not allowed"
    assert trace.messages[-1].text == "OK, thanks."
    assert "reward" not in msgspec.json.encode(trace).decode()
    assert "cancel_reservation\"}]" not in msgspec.json.encode(trace).decode()  # the expected actions stay out


def test_tau_bench_stop_only_message_disappears(tmp_path):
    run = _tau_run()
    run["traj"][-1]["content"] = "###STOP###"
    (trace,) = read_tau_bench(_write(tmp_path, [run]))
    assert trace.messages[-1].role == "assistant"


def test_tau_bench_skip_limit_and_bad_file(tmp_path):
    path = _write(tmp_path, [_tau_run(task_id=t) for t in range(4)])
    assert [t.id for t in read_tau_bench(path, skip=1, limit=2)] == ["task1-trial1", "task2-trial1"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"task_id": 1}]))
    with pytest.raises(TraceFileError, match="not a τ-bench results file"):
        list(read_tau_bench(bad))


def _jsonl(tmp_path: Path, *lines: dict | str) -> Path:
    path = tmp_path / "traces.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_jsonl_traces_accept_both_tool_call_shapes_and_explicit_failures(tmp_path):
    line = {
        "id": 7,
        "feature": "orders-agent",
        "model": "m-1",
        "ending": "abandon",
        "reward": 1.0,
        "messages": [
            {"role": "user", "text": "cancel order 12"},
            {"role": "assistant", "content": "", "tool_calls": [{"name": "cancel_order", "arguments": {"id": 12}}]},
            {"role": "tool", "name": "cancel_order", "status": "error", "content": "shipped"},
            {"role": "assistant", "tool_calls": [{"function": {"name": "get_order", "arguments": '{"id": 12}'}}]},
            {"role": "tool", "tool": "get_order", "error": "timeout", "content": ""},
            {"role": "tool", "tool": "get_order", "content": "Error: looks like an error but is not flagged"},
        ],
    }
    (trace,) = read_trace_jsonl(_jsonl(tmp_path, line, ""))
    assert (trace.id, trace.feature, trace.model, trace.ending) == ("7", "orders-agent", "m-1", "abandon")
    assert trace.messages[1].tool_calls == (ToolCall("cancel_order", '{"id":12}'),)
    assert trace.messages[3].tool_calls == (ToolCall("get_order", '{"id": 12}'),)
    assert [m.error for m in trace.messages[2:] if m.role == "tool"] == ["shipped", "timeout", None]


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ("{not json", "malformed"),
        ({"id": "x", "messages": [{"role": "assistant", "text": "hi"}]}, "no user message"),
        ({"id": "x", "messages": [{"role": "user", "text": "hi"}, {"role": "tool", "content": "ok"}]}, "name"),
        ({"id": "x", "messages": [{"role": "user", "tool_calls": [{"name": "f"}]}]}, "only assistant"),
        ({"id": "x", "messages": [{"role": "user", "text": "a"}, {"role": "assistant", "tool_calls": [{}]}]}, "name"),
        ({"id": "x", "ending": "explode", "messages": [{"role": "user", "text": "a"}]}, "ending"),
    ],
)
def test_bad_trace_line_names_file_and_line(tmp_path, line, detail):
    path = _jsonl(tmp_path, {"id": "ok", "messages": [{"role": "user", "text": "hi"}]}, line)
    with pytest.raises(TraceFileError, match=rf"traces.jsonl:2: .*{detail}"):
        list(read_trace_jsonl(path))


def _trace(ending: str = "session_end") -> AgentTrace:
    return AgentTrace(
        id="t1",
        domain="travel_hospitality",
        ending=ending,
        messages=(
            TraceMessage(role="system", text="policy"),
            TraceMessage(role="user", text="Please cancel booking K2, I can't travel."),
            TraceMessage(role="assistant", tool_calls=(ToolCall("get_booking", '{"id": "K2"}'),)),
            TraceMessage(role="tool", tool="get_booking", text='{"id": "K2", "paid": 80}'),
            TraceMessage(role="assistant", text="I will cancel K2 and refund $80. Please confirm."),
            TraceMessage(role="user", text="Yes."),
            TraceMessage(
                role="assistant",
                text="Cancelling now.",
                tool_calls=(ToolCall("cancel_booking", '{"id": "K2"}'), ToolCall("send_receipt", '{"id": "K2"}')),
            ),
            TraceMessage(role="tool", tool="cancel_booking", text="Error: locked", error="Error: locked"),
            TraceMessage(role="tool", tool="send_receipt", text="sent"),
            TraceMessage(role="assistant", text="The booking is locked; I could not cancel it."),
        ),
    )


def _events(trace: AgentTrace, seed: int = 1) -> list[dict]:
    return synthesize_trace(trace, conversation_rng(seed, trace.id), START_MS, SynthOptions(model="m-agent"))


def test_every_message_becomes_a_turn_and_steps_carry_tool_status_and_error():
    events = _events(_trace())
    turns = [e for e in events if e["type"] == "turn"]
    assert [t["turn"] for t in turns] == list(range(len(turns)))
    shape = [(t["role"], t.get("step", {}).get("kind"), t.get("finish_reason")) for t in turns]
    assert shape == [
        ("system", None, None),
        ("user", None, None),
        ("assistant", "tool_call", "tool_use"),
        ("tool", "tool_result", None),
        ("assistant", None, "stop"),
        ("user", None, None),
        ("assistant", None, None),  # the text written beside the calls
        ("assistant", "tool_call", None),
        ("assistant", "tool_call", "tool_use"),
        ("tool", "tool_result", None),
        ("tool", "tool_result", None),
        ("assistant", None, "stop"),
    ]
    assert turns[7]["text"] == '{"id": "K2"}' and turns[7]["step"]["tool"] == "cancel_booking"
    failed = {"kind": "tool_result", "tool": "cancel_booking", "status": "error", "error": "Error: locked"}
    assert turns[9]["step"] == failed
    assert turns[10]["step"] == {"kind": "tool_result", "tool": "send_receipt", "status": "ok"}
    assert all(t["model"] == "m-agent" and t["latency_ms"] > 0 for t in turns if t["role"] == "assistant")
    assert {e["domain"] for e in events} == {"travel_hospitality"}
    assert events[-1]["type"] == "session_end"


def test_events_validate_are_ordered_and_reproducible():
    decoders = {"chat": EventDecoder("chat"), "client": EventDecoder("client")}
    events = _events(_trace())
    for event in events:
        decoded = decoders["chat" if event["type"] == "turn" else "client"].decode(msgspec.json.encode(event))
        assert decoded.rejects == []
    assert [e["ts"] for e in events] == sorted(e["ts"] for e in events)
    assert [e["event_id"] for e in events] == [f"replay-t1:{n}" for n in range(len(events))]
    assert _events(_trace(), seed=3) == _events(_trace(), seed=3)
    assert [e["ts"] for e in _events(_trace(), seed=3)] != [e["ts"] for e in _events(_trace(), seed=4)]


def test_timing_follows_people_and_the_model():
    """The user types and reads; tool results come within the tool latency range; the model streams."""
    turns = [e for e in _events(_trace()) if e["type"] == "turn"]
    gaps = {(a["turn"], b["turn"]): (b["ts"] - a["ts"]) / 1000 for a, b in pairwise(turns)}
    assert 0.2 <= gaps[(2, 3)] <= 2.0  # tool result after the call
    assert gaps[(4, 5)] >= 1.0  # the user reads the listing, thinks, types "Yes."
    assert gaps[(1, 2)] > 0  # first token before the call


@pytest.mark.parametrize(("ending", "last"), [("session_end", "session_end"), ("abandon", "abandon"), ("idle", "turn")])
def test_the_session_ends_as_the_trace_says(ending, last):
    assert _events(_trace(ending))[-1]["type"] == last


def test_offline_snapshot_matches_the_wire_path():
    ((trace, snapshot),) = list(trace_snapshots([_trace()]))
    assert snapshot.session_id == "replay-t1"
    assert snapshot.close_reason == "end"
    steps = [t.step for t in snapshot.turns if t.step is not None]
    assert [(s.kind, s.tool, s.status) for s in steps] == [
        ("tool_call", "get_booking", None),
        ("tool_result", "get_booking", "ok"),
        ("tool_call", "cancel_booking", None),
        ("tool_call", "send_receipt", None),
        ("tool_result", "cancel_booking", "error"),
        ("tool_result", "send_receipt", "ok"),
    ]


def test_the_real_tau_bench_file_replays_through_the_contract():
    traces = list(read_tau_bench(TAU_BENCH))
    assert len(traces) == 100
    kinds: Counter[str] = Counter()
    for _, snapshot in trace_snapshots(traces):
        kinds.update(t.step.kind for t in snapshot.turns if t.step is not None)
        assert not any("###STOP###" in t.text for t in snapshot.turns)
    assert kinds["tool_call"] == kinds["tool_result"] == 621


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "tau-bench"], "--format tau-bench needs a file"),
        (["--format", "traces", "missing.jsonl"], "missing.jsonl is not one"),
    ],
)
def test_replay_command_refuses_a_trace_format_without_a_file(args, message):
    result = CliRunner().invoke(app, ["replay", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in result.output


def test_replay_command_reports_a_bad_trace_file_before_producing(tmp_path):
    path = _jsonl(tmp_path, {"id": "x", "messages": [{"role": "assistant", "text": "no user"}]})
    result = CliRunner().invoke(
        app, ["replay", "--format", "traces", str(path), "--bootstrap", "127.0.0.1:1"], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 1
    assert "traces.jsonl:1: trace has no user message" in result.output
