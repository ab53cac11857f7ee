"""A product traced by a real GenAI instrumentation, its spans through the broker, judged, and the
verdict back beside the trace.

OpenLLMetry's Anthropic instrumentation wraps real ``anthropic`` SDK calls against the local
Messages API stand-in; the SDK's batch processor hands the spans to an exporter that writes
OTLP protobuf to the OTLP topic as the Collector's Kafka exporter would. The worker must turn
them into one closed session with the agent's steps and signals, the judge worker (served by the
same stand-in, with a scripted verdict) must judge it, and the verdict must reach a real OTLP/HTTP
receiver as ``gen_ai.evaluation.result`` events parented to the evaluated LLM spans.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import pytest
from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from tests.faults.harness import wait_until
from tests.support.fake_anthropic import FakeAnthropic, Reply
from tests.support.kafka_span_exporter import RETRY_S, KafkaOtlpExporter
from tests.support.otlp_receiver import OtlpLogReceiver
from undercurrent.otlp.mapping import attribute_values
from undercurrent.otlp.wire import parse_request

from .harness import Deployment, collect, encode, produce
from .test_judge_pipeline import judging

MODEL = "claude-sonnet-4-6"
TOOLS = [{"name": "book_table", "description": "Book a restaurant table.",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]
EXPORT_TOKEN = "Bearer evaluation-export-secret-0042"
VERDICT = {  # turns: 0 system, 1 user, 2 tool call, 3 tool result, 4 "booked Bergen", 5 correction, 6 apology
    "quality": "poor",
    "failure_visibility": "visible",
    "archetypes": [
        {"archetype": "silent_mismatch", "evidence_turns": [2, 4],
         "rationale": "Booked Bergen although jane.doe@example.com asked for Oslo."},
        {"archetype": "partial_recovery", "evidence_turns": [5, 6], "rationale": "Rebooked Oslo once corrected."},
    ],
    "domain": "general_knowledge",
    "failure_origin": "capability",
    "summary": "The wrong city was booked, then fixed after the user's correction.",
    "trajectory": {  # an agent session: the tool schema asks for a verdict on each step (tool turns, answers)
        "steps": [
            {"turn": 2, "correct": False, "category": "wrong_arguments", "severity": "major",
             "rationale": "Booked Bergen although the user asked for Oslo."},
            {"turn": 3, "correct": True}, {"turn": 4, "correct": True}, {"turn": 6, "correct": True},
        ],
        "first_error_turn": 2,
    },
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as server:
        yield server


@pytest.fixture
async def receiver() -> AsyncIterator[OtlpLogReceiver]:
    async with OtlpLogReceiver() as server:
        yield server


def concierge(base_url: str, exporter: KafkaOtlpExporter, conversation_id: str) -> None:
    """The traced product: a tool call, an answer, a correction by the user, an apology."""
    provider = TracerProvider(resource=Resource.create({"service.name": "concierge"}))
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=60_000))
    instrumentor = AnthropicInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    client = anthropic.Anthropic(base_url=base_url, api_key="test-key", max_retries=0)

    def call(messages: list[dict[str, Any]]) -> anthropic.types.Message:
        return client.messages.create(model=MODEL, max_tokens=256, system="You are a restaurant concierge.",
                                      tools=TOOLS, messages=messages)

    try:
        agent = {"gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": conversation_id}
        with provider.get_tracer("concierge").start_as_current_span("invoke_agent concierge", attributes=agent):
            messages: list[dict[str, Any]] = [{"role": "user", "content": "Book me a table for two in Oslo tonight."}]
            booking = call(messages).content[0]
            messages += [
                {"role": "assistant", "content": [booking.model_dump(include={"type", "id", "name", "input"})]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": booking.id,
                                              "content": "Booked: Fjord, Bergen, 19:00, two people"}]},
            ]
            answer = call(messages).content[0].text
            messages += [{"role": "assistant", "content": answer},
                         {"role": "user", "content": "No, that's wrong. I said Oslo, not Bergen."}]
            call(messages)
        provider.force_flush(timeout_millis=int(RETRY_S * 1000) + 30_000)
    finally:
        instrumentor.uninstrument()
        provider.shutdown()


async def test_instrumented_anthropic_calls_become_a_judged_agent_session_whose_verdict_returns_beside_the_trace(
    deployment: Deployment, fake: FakeAnthropic, receiver: OtlpLogReceiver
) -> None:
    judging(deployment, fake)
    deployment.extra_env.update({
        "UNDERCURRENT_TOPICS__OTLP": deployment.topic("otlp"),
        "UNDERCURRENT_EVALUATION_EXPORT__ENDPOINT": receiver.endpoint,
        "UNDERCURRENT_EVALUATION_EXPORT__HEADERS": json.dumps({"authorization": EXPORT_TOKEN}),
        "UNDERCURRENT_EVALUATION_EXPORT__SCHEDULE_DELAY_S": "0.2",
    })
    fake.then(
        Reply.tool_call("book_table", {"city": "Bergen"}),
        Reply.answer("I booked a table for two in Bergen at 19:00."),
        Reply.answer("Sorry about that. I booked a table for two in Oslo at 19:00 instead."),
        Reply.ok(VERDICT),
    )
    deployment.start_worker()
    judge = deployment.start_worker("judge-worker")
    exporter = KafkaOtlpExporter(deployment.bootstrap, deployment.topic("otlp"))
    await asyncio.to_thread(concierge, fake.base_url, exporter, "conv-42")
    end = {"event_id": "conv-42:end", "session_id": "conv-42", "type": "session_end", "ts": int(time.time() * 1000)}
    await produce(deployment.bootstrap, [(deployment.topic("client"), "conv-42", encode(end))])

    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=1)
    assert [json.loads(m.value)["session_id"] for m in published] == ["conv-42"]
    record = json.loads(published[0].value)
    transcript = record["transcript"]
    assert [(t["role"], t.get("step", {}).get("kind")) for t in transcript] == [
        ("system", None), ("user", None), ("assistant", "tool_call"), ("tool", "tool_result"),
        ("assistant", None), ("user", None), ("assistant", None),
    ]
    assert transcript[2]["text"] == '{"city": "Bergen"}'
    assert transcript[3]["step"] == {"kind": "tool_result", "tool": "book_table", "status": "ok"}
    assert transcript[5]["text"] == "No, that's wrong. I said Oslo, not Bergen."
    assert {t["model"] for t in transcript if t["role"] == "assistant"} == {MODEL}
    assert (record["feature"], record["ending"]["how"]) == ("concierge", "session_end")
    assert "user_corrects_ai" in {s["name"] for s in record["detectors"]["signals"]}

    verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=1)
    assert [json.loads(m.value)["session_id"] for m in verdicts] == ["conv-42"]
    llm_spans = sorted((s for b in exporter.batches for r in parse_request(b, "otlp_proto").resource_spans
                        for ss in r.scope_spans for s in ss.spans if s.name != "invoke_agent concierge"),
                       key=lambda s: s.start_time_unix_nano)
    assert len(llm_spans) == 3

    # One event per archetype, on the span of the last answer among its evidence turns.
    events = {e.attributes["gen_ai.evaluation.name"]: e for e in await receiver.wait_for(2)}
    assert sorted(events) == ["partial_recovery", "silent_mismatch"]
    for name, call in (("silent_mismatch", llm_spans[1]), ("partial_recovery", llm_spans[2])):
        event = events[name]
        assert event.record.event_name == "gen_ai.evaluation.result"
        assert (event.record.trace_id, event.record.span_id) == (call.trace_id, call.span_id)
        assert event.attributes["gen_ai.response.id"] == attribute_values(call.attributes)["gen_ai.response.id"]
        assert (event.attributes["gen_ai.evaluation.score.value"], event.attributes["gen_ai.evaluation.score.label"],
                event.attributes["gen_ai.conversation.id"]) == (1.0, "visible", "conv-42")
        assert event.headers["authorization"] == EXPORT_TOKEN
    assert events["silent_mismatch"].attributes["gen_ai.evaluation.explanation"] == (
        "Booked Bergen although [EMAIL] asked for Oslo.")
    await wait_until(lambda: judge.sample("undercurrent_evaluation_events_total", outcome="exported") == 2,
                     timeout_s=30, what="both events counted as exported")
    assert judge.sample("undercurrent_evaluation_events_total") == 2
    assert EXPORT_TOKEN.split()[1] not in judge.log_path.read_text(errors="replace")
