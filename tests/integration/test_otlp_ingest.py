"""OTLP trace batches end to end: real broker, real Redis, the real worker's OTLP agent."""

from __future__ import annotations

import json
import time

import pytest

from tests.support.otlp import messages, otlp_json, request, span

from .harness import Deployment, collect, produce


def conversation(conversation_id: str, trace: int, start_ms: int) -> list:
    """Two LLM calls of one conversation (the second repeats the first's history) and an HTTP span."""
    first = [("user", "Book me a table for two in Oslo tonight.")]
    answer = "I booked a table for two in Bergen at 19:00."
    second = [*first, ("assistant", answer), ("user", "No, that's wrong. I said Oslo, not Bergen.")]
    common = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "claude-x", "gen_ai.conversation.id":
              conversation_id}

    def call(history: list, reply: str, span_id: int, at_ms: int) -> object:
        return span({**common, "gen_ai.response.id": f"{conversation_id}-{span_id}",
                     "gen_ai.input.messages": messages(*history),
                     "gen_ai.output.messages": messages(("assistant", reply))},
                    trace=trace, span_id=span_id, start_ms=at_ms)

    return [
        call(first, answer, 1, start_ms),
        call(second, "Sorry, booked in Oslo at 19:00.", 2, start_ms + 30_000),
        span({"http.request.method": "POST"}, trace=trace, span_id=3, start_ms=start_ms),
    ]


@pytest.mark.parametrize("encoding", ["otlp_proto", "otlp_json"])
async def test_otlp_batches_become_closed_sessions_and_bad_batches_dead_letters(
    deployment: Deployment, encoding: str
) -> None:
    deployment.extra_env.update({"UNDERCURRENT_TOPICS__OTLP": deployment.topic("otlp"),
                                 "UNDERCURRENT_OTLP__ENCODING": encoding})
    base = int((time.time() - 2 * 3600) * 1000)
    batches = [request(conversation(f"conv-{i}", trace=i + 1, start_ms=base + i * 1000)) for i in range(3)]
    encoded = [b.SerializeToString() if encoding == "otlp_proto" else otlp_json(b) for b in batches]
    malformed = b'{"resourceSpans": [' if encoding == "otlp_json" else b"\xff\xff\xff"
    worker = deployment.start_worker()
    topic = deployment.topic("otlp")
    await produce(deployment.bootstrap, [(topic, "k", data) for data in [*encoded, malformed, encoded[0]]])
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=3)
    records = {json.loads(m.value)["session_id"]: json.loads(m.value) for m in published}
    assert sorted(records) == ["conv-0", "conv-1", "conv-2"]
    for record in records.values():
        assert [(t["role"], t["index"]) for t in record["transcript"]] == [
            ("user", 0), ("assistant", 1), ("user", 2), ("assistant", 3)]
        assert record["feature"] == "support-bot"
        assert all(t["model"] == "claude-x" for t in record["transcript"] if t["role"] == "assistant")
        assert "user_corrects_ai" in {s["name"] for s in record["detectors"]["signals"]}
    dead = await collect(deployment.bootstrap, deployment.topic("dlq"), until=1)
    assert [(dict(m.headers)["undercurrent-reason"], m.value) for m in dead] == [(b"malformed_otlp", malformed)]
    assert worker.sample("undercurrent_otlp_spans_total", outcome="skipped") == 4
    assert worker.sample("undercurrent_otlp_spans_total", outcome="mapped") == 8
    assert worker.sample("undercurrent_events_total", outcome="accepted") == 12
    assert worker.sample("undercurrent_dlq_messages_total", reason="malformed_otlp") == 1
