"""OTLP trace batches built from plain span descriptions, for tests of the OTLP input."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span


def any_value(value: Any) -> AnyValue:
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, list):
        out = AnyValue()
        out.array_value.values.extend(any_value(v) for v in value)
        return out
    return AnyValue(string_value=str(value))


def key_values(attributes: Mapping[str, Any]) -> list[KeyValue]:
    return [KeyValue(key=k, value=any_value(v)) for k, v in attributes.items()]


def span(
    attributes: Mapping[str, Any],
    *,
    trace: int = 1,
    span_id: int = 1,
    start_ms: int = 1_700_000_000_000,
    duration_ms: int = 800,
    events: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> Span:
    out = Span(
        trace_id=trace.to_bytes(16, "big"),
        span_id=span_id.to_bytes(8, "big"),
        name="chat",
        start_time_unix_nano=start_ms * 1_000_000,
        end_time_unix_nano=(start_ms + duration_ms) * 1_000_000,
        attributes=key_values(attributes),
    )
    for name, event_attributes in events:
        out.events.add(name=name, attributes=key_values(event_attributes))
    return out


def request(spans: Sequence[Span], resource: Mapping[str, Any] | None = None) -> ExportTraceServiceRequest:
    out = ExportTraceServiceRequest()
    resource_spans = out.resource_spans.add()
    resource_spans.resource.attributes.extend(key_values(resource or {"service.name": "support-bot"}))
    resource_spans.scope_spans.add().spans.extend(spans)
    return out


def otlp_json(message: ExportTraceServiceRequest) -> bytes:
    """The OTLP/JSON encoding: protobuf's JSON mapping with trace and span ids in hex."""
    body = json_format.MessageToDict(message)
    for resource_spans in body.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for item in scope_spans.get("spans", []):
                for name in ("traceId", "spanId", "parentSpanId"):
                    if name in item:
                        item[name] = base64.b64decode(item[name]).hex()
    return json.dumps(body).encode()


def messages(*items: tuple[str, Any]) -> str:
    """``gen_ai.*.messages`` JSON: ``(role, text or parts)`` pairs."""
    return json.dumps([
        {"role": role, "parts": parts if isinstance(parts, list) else [{"type": "text", "content": parts}]}
        for role, parts in items
    ])
