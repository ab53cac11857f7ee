"""OTLP trace batches → turn events: attribute spellings, sessions, steps, de-duplication, rejects."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.support.otlp import messages, otlp_json, request, span
from undercurrent.otlp.decoder import OtlpDecoder
from undercurrent.otlp.mapping import map_request
from undercurrent.otlp.messages import Message, SpanEvent, ToolCall, span_messages

CURRENT = {
    "gen_ai.system_instructions": json.dumps([{"type": "text", "content": "Be brief."}]),
    "gen_ai.input.messages": messages(("user", "Hi")),
    "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": "Hello"}],
                                           "finish_reason": "stop"}]),
}
FLATTENED = {
    "gen_ai.prompt.0.role": "system", "gen_ai.prompt.0.content": "Be brief.",
    "gen_ai.prompt.1.role": "user", "gen_ai.prompt.1.content": "Hi",
    "gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": "Hello",
    "gen_ai.completion.0.finish_reason": "stop",
}
OPENINFERENCE = {
    "llm.input_messages.0.message.role": "system", "llm.input_messages.0.message.content": "Be brief.",
    "llm.input_messages.1.message.role": "user", "llm.input_messages.1.message.content": "Hi",
    "llm.output_messages.0.message.role": "assistant", "llm.output_messages.0.message.content": "Hello",
}
EVENTS = [
    SpanEvent("gen_ai.system.message", {"content": "Be brief."}),
    SpanEvent("gen_ai.user.message", {"gen_ai.event.content": json.dumps({"content": "Hi"})}),
    SpanEvent("gen_ai.choice", {"gen_ai.event.content": json.dumps(
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hello"}})}),
]
SIMPLE = (Message("system", "Be brief."), Message("user", "Hi"))


@pytest.mark.parametrize(
    ("attributes", "events", "finish"),
    [(CURRENT, [], "stop"), (FLATTENED, [], "stop"), (OPENINFERENCE, [], None), ({}, EVENTS, "stop")],
    ids=["current", "flattened", "openinference", "span-events"],
)
def test_every_spelling_reads_the_same_conversation(attributes, events, finish) -> None:
    read = span_messages(attributes, events)
    assert read.inputs == SIMPLE
    assert read.outputs == (Message("assistant", "Hello", finish_reason=finish),)


TOOL_CASES = [
    (  # current parts: a call in the output, its result as a tool_call_response part in a user message
        {"gen_ai.input.messages": messages(
            ("user", "Weather in Oslo?"),
            ("assistant", [{"type": "tool_call", "id": "c1", "name": "weather", "arguments": {"city": "Oslo"}}]),
            ("user", [{"type": "tool_call_response", "id": "c1", "response": "rain"}]),
        )},
        (Message("user", "Weather in Oslo?"),
         Message("assistant", tool_calls=(ToolCall("c1", "weather", '{"city": "Oslo"}'),)),
         Message("tool", "rain", tool_call_id="c1")),
    ),
    (  # Anthropic content blocks inside flattened prompts, with a failed tool result
        {"gen_ai.prompt.0.role": "assistant", "gen_ai.prompt.0.content": json.dumps(
            [{"type": "text", "text": "Checking."}, {"type": "tool_use", "id": "c1", "name": "weather",
                                                     "input": {"city": "Oslo"}}]),
         "gen_ai.prompt.1.role": "user", "gen_ai.prompt.1.content": json.dumps(
            [{"type": "tool_result", "tool_use_id": "c1", "content": "timeout", "is_error": True}])},
        (Message("assistant", "Checking.", tool_calls=(ToolCall("c1", "weather", '{"city": "Oslo"}'),)),
         Message("tool", "timeout", tool_call_id="c1", error=True)),
    ),
    (  # OpenAI shape in flattened attributes: tool_calls.N.* and a tool message with tool_call_id
        {"gen_ai.prompt.0.role": "assistant", "gen_ai.prompt.0.tool_calls.0.id": "c1",
         "gen_ai.prompt.0.tool_calls.0.name": "weather", "gen_ai.prompt.0.tool_calls.0.arguments": '{"city":"Oslo"}',
         "gen_ai.prompt.1.role": "tool", "gen_ai.prompt.1.content": "rain", "gen_ai.prompt.1.tool_call_id": "c1"},
        (Message("assistant", tool_calls=(ToolCall("c1", "weather", '{"city":"Oslo"}'),)),
         Message("tool", "rain", tool_call_id="c1")),
    ),
]


@pytest.mark.parametrize(("attributes", "expected"), TOOL_CASES, ids=["parts", "anthropic-blocks", "openai-flat"])
def test_tool_calls_and_results_are_read_in_every_shape(attributes, expected) -> None:
    assert span_messages(attributes, []).inputs == expected


def llm_span(history: list[tuple[str, object]], answer: str, **kwargs) -> object:
    return span({
        "gen_ai.operation.name": "chat", "gen_ai.request.model": "claude-x", "gen_ai.response.model": "claude-x-1",
        "gen_ai.response.id": f"msg-{len(history)}", "gen_ai.usage.input_tokens": 10,
        "gen_ai.usage.output_tokens": 3, "gen_ai.conversation.id": "conv-1",
        "gen_ai.input.messages": messages(*history),
        "gen_ai.output.messages": messages(("assistant", answer)),
    }, **kwargs)


def test_history_repeated_by_later_calls_becomes_each_turn_once() -> None:
    first = llm_span([("user", "Hi")], "Hello", span_id=1, start_ms=1_000)
    second = llm_span([("user", "Hi"), ("assistant", "Hello"), ("user", "Bye")], "Goodbye", span_id=2, start_ms=5_000)
    mapped = map_request(request([second, first]))  # arrival order does not matter
    turns = [(t.turn, t.role, t.text) for t in mapped.events]
    assert turns == [(0, "user", "Hi"), (1, "assistant", "Hello"), (2, "user", "Bye"), (3, "assistant", "Goodbye")]
    again = map_request(request([second]))  # a later batch repeating the history yields the same ids
    assert {t.event_id for t in again.events} == {t.event_id for t in mapped.events}
    regenerated = map_request(request([llm_span([("user", "Hi")], "Hey there", span_id=3)]))
    assert regenerated.events[1].event_id not in {t.event_id for t in mapped.events}


def test_output_turns_keep_model_response_id_usage_and_latency() -> None:
    mapped = map_request(request([llm_span([("user", "Hi")], "Hello", start_ms=1_000, duration_ms=800)]))
    user, answer = mapped.events
    assert (user.session_id, user.ts, user.feature) == ("conv-1", 1_000, "support-bot")
    assert (answer.model, answer.ts, answer.latency_ms) == ("claude-x-1", 1_800, 800.0)
    assert (answer.input_tokens, answer.output_tokens) == (10, 3)
    assert answer.attrs["gen_ai.response.id"] == "msg-1"
    assert "gen_ai.response.id" not in user.attrs and user.attrs["span_id"] == answer.attrs["span_id"]


def test_tool_calls_become_agent_steps_with_status() -> None:
    attributes = {"gen_ai.conversation.id": "c", **TOOL_CASES[1][0]}
    events = map_request(request([span(attributes)])).events
    assert [(t.role, t.text, t.finish_reason) for t in events] == [
        ("assistant", "Checking.", None), ("assistant", '{"city": "Oslo"}', "tool_use"), ("tool", "timeout", None),
    ]
    assert (events[1].step.kind, events[1].step.tool) == ("tool_call", "weather")
    assert (events[2].step.kind, events[2].step.tool, events[2].step.status) == ("tool_result", "weather", "error")


def test_sessions_come_from_the_conversation_id_else_the_trace() -> None:
    parent = span({"gen_ai.conversation.id": "conv-9", "gen_ai.operation.name": "invoke_agent"}, trace=5)
    child = span({"gen_ai.input.messages": messages(("user", "a"))}, trace=5, span_id=2)
    orphan = span({"gen_ai.input.messages": messages(("user", "b"))}, trace=6, span_id=3)
    sessions = {t.text: t.session_id for t in map_request(request([parent, child, orphan])).events}
    assert sessions == {"a": "conv-9", "b": f"trace-{(6).to_bytes(16, 'big').hex()}"}


def test_spans_are_counted_by_outcome() -> None:
    http = span({"http.request.method": "POST"})
    no_content = span({"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"})
    mapped = map_request(request([http, no_content, llm_span([("user", "Hi")], "Hello")]))
    assert mapped.spans == Counter({"skipped": 1, "empty": 1, "mapped": 1})


def decoder(encoding: str, counts: Counter) -> OtlpDecoder:
    return OtlpDecoder(encoding, max_message_bytes=100_000, count_spans=lambda o, n: counts.update({o: n}))


@pytest.mark.parametrize("encoding", ["otlp_proto", "otlp_json"])
def test_both_encodings_decode_to_the_same_events(encoding: str) -> None:
    batch = request([llm_span([("user", "Hi")], "Hello"), span({"db.system": "redis"}, span_id=9)])
    data = batch.SerializeToString() if encoding == "otlp_proto" else otlp_json(batch)
    counts: Counter = Counter()
    decoded = decoder(encoding, counts).decode(data)
    assert [(t.role, t.text) for t in decoded.events] == [("user", "Hi"), ("assistant", "Hello")]
    assert decoded.events[0].attrs["trace_id"] == (1).to_bytes(16, "big").hex()
    assert counts == Counter({"mapped": 1, "skipped": 1})


@pytest.mark.parametrize(
    ("encoding", "data", "detail"),
    [
        ("otlp_proto", b"\xff\xff\xff", "not an OTLP protobuf"),
        ("otlp_json", b'{"resourceSpans": [', "not an OTLP/JSON"),
        ("otlp_json", b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}', "is not hex"),
        ("otlp_json", b'{"resourceSpans": "nope"}', "not an OTLP/JSON"),
        ("otlp_json", b"[]", "must be an object"),
    ],
)
def test_malformed_batches_are_rejected_whole_with_a_reason(encoding: str, data: bytes, detail: str) -> None:
    decoded = decoder(encoding, Counter()).decode(data)
    assert decoded.events == []
    assert [(r.reason, r.raw) for r in decoded.rejects] == [("malformed_otlp", data)]
    assert detail in decoded.rejects[0].detail


def test_future_turns_are_rejected_alone() -> None:
    batch = request([llm_span([("user", "Hi")], "Hello", start_ms=1_000, duration_ms=10_000)])
    decoded = decoder("otlp_proto", Counter()).decode(batch.SerializeToString(), not_after_ms=5_000)
    assert [t.text for t in decoded.events] == ["Hi"]
    assert [r.reason for r in decoded.rejects] == ["future_timestamp"]


def test_a_span_that_breaks_the_contract_is_rejected_alone() -> None:
    bad = span({"gen_ai.conversation.id": "x" * 300, "gen_ai.input.messages": messages(("user", "a"))}, trace=2)
    decoded = decoder("otlp_proto", Counter()).decode(request([bad, llm_span([("user", "Hi")], "Hello")])
                                                        .SerializeToString())
    assert [t.text for t in decoded.events] == ["Hi", "Hello"]
    assert [r.reason for r in decoded.rejects] == ["schema"]
    assert json.loads(decoded.rejects[0].raw)["traceId"]
