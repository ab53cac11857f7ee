"""The benchmark's traffic as OTLP: each assistant turn one GenAI span, as an instrumented product emits.

A span's input is the conversation so far and its output the answer, so the history repeats in
every later span of the session (the worker stores each turn once). Spans are packed into
``ExportTraceServiceRequest`` batches, one Kafka message each, as the Collector's Kafka exporter
writes them (``otlp_proto``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from undercurrent.otlp.decoder import OtlpDecoder
from undercurrent.replay.schedule import Event

_BATCH_BYTES = 900_000


@dataclass(frozen=True, slots=True)
class OtlpTraffic:
    batches: list[bytes]
    spans: int
    turn_events: int
    """Turn events the batches decode to (what the worker counts): a history repeated by later spans
    of the same batch is dropped by the decoder, one repeated across batches is counted again."""
    sessions: int


def otlp_traffic(sessions: list[list[Event]], spans_per_batch: int) -> OtlpTraffic:
    # A span larger than one message would be dead-lettered (oversized): such conversations are left out.
    spans = [span for session in sessions for span in _session_spans(session) if span.ByteSize() <= _BATCH_BYTES]
    batches = list(_batches(spans, spans_per_batch))
    decoder = OtlpDecoder("otlp_proto", max_message_bytes=2**20, count_spans=lambda *_: None)
    turn_events = sum(len(decoder.decode(batch).events) for batch in batches)
    covered = {_attr(s, "gen_ai.conversation.id") for s in spans}
    return OtlpTraffic(batches, len(spans), turn_events, len(covered))


def _session_spans(session: list[Event]) -> Iterator[Span]:
    turns = [e for e in session if e["type"] == "turn"]
    trace_id = hashlib.blake2b(session[0]["session_id"].encode(), digest_size=16).digest()
    for k, turn in enumerate(turns):
        if turn["role"] != "assistant":
            continue
        history = [{"role": t["role"], "parts": [{"type": "text", "content": t["text"]}]} for t in turns[:k]]
        answer = [{"role": "assistant", "parts": [{"type": "text", "content": turn["text"]}], "finish_reason": "stop"}]
        attributes = {
            "gen_ai.operation.name": "chat",
            "gen_ai.conversation.id": turn["session_id"],
            "gen_ai.request.model": turn.get("model") or "unknown",
            "gen_ai.input.messages": json.dumps(history),
            "gen_ai.output.messages": json.dumps(answer),
        }
        end_ns = turn["ts"] * 1_000_000
        yield Span(
            trace_id=trace_id, span_id=k.to_bytes(8, "big"), name="chat",
            start_time_unix_nano=end_ns - int(turn.get("latency_ms", 0) * 1_000_000), end_time_unix_nano=end_ns,
            attributes=[KeyValue(key=key, value=AnyValue(string_value=v)) for key, v in attributes.items()],
        )


def _batches(spans: list[Span], spans_per_batch: int) -> Iterator[bytes]:
    batch, size = ExportTraceServiceRequest(), 0
    scope = batch.resource_spans.add().scope_spans.add()
    for span in spans:
        span_size = span.ByteSize()
        if len(scope.spans) >= spans_per_batch or (scope.spans and size + span_size > _BATCH_BYTES):
            yield batch.SerializeToString()
            batch, size = ExportTraceServiceRequest(), 0
            scope = batch.resource_spans.add().scope_spans.add()
        scope.spans.append(span)
        size += span_size
    if scope.spans:
        yield batch.SerializeToString()


def _attr(span: Span, key: str) -> str:
    return next(kv.value.string_value for kv in span.attributes if kv.key == key)
