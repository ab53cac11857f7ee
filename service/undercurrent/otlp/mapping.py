"""GenAI spans of one OTLP trace batch → ``turn`` events of the contract. Pure: no I/O.

- **Session**: the span's ``gen_ai.conversation.id`` (OpenInference: ``session.id``); a span
  without one takes the id another span of its trace carries in the same batch, else
  ``trace-<trace id>``.
- **Turns**: each LLM span's input messages (system instructions first) then its output
  messages, numbered from 0: an LLM call's input is the whole history, so a message's number is
  its position in the conversation. Messages expand into turns as agent traces do: text turns;
  one assistant turn per tool call (text = arguments, ``step: tool_call``, ``finish_reason:
  tool_use`` on the last); one ``tool`` turn per tool result (``step: tool_result`` with the
  called tool's name and ``status``).
- **De-duplication**: a turn's ``event_id`` is a digest of its session, its number and its
  content. The history repeated in every later call of the conversation, and spans delivered
  twice, therefore yield the same ids, and the session store keeps each turn once. A message that
  differs at the same position (a regenerated answer) is a different turn.
- **Times**: input turns carry the span's start, output turns its end; output turns carry the
  response model (else the request model), the latency (span duration) and, on the first, the
  token usage. The trace and span ids stay in ``attrs`` of every turn, ``gen_ai.response.id`` in
  those of the output turns (the response it names).
- Spans with no ``gen_ai.*`` (or OpenInference ``llm.*``) attribute or ``gen_ai.*`` event are
  ``skipped``; GenAI spans without messages (content capture off, embeddings) are ``empty``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from ..events.model import ChatEvent, Turn
from .messages import Message, SpanEvent, span_messages

_MAX_LABEL = 128
_MAX_ERROR_CHARS = 500
_FINISH = {"stop": "stop", "end_turn": "stop", "stop_sequence": "stop", "length": "length", "max_tokens": "length",
           "tool_call": "tool_use", "tool_calls": "tool_use", "tool_use": "tool_use", "function_call": "tool_use",
           "content_filter": "content_filter", "error": "error"}
_CONVERSATION_KEYS = ("gen_ai.conversation.id", "session.id")
_USER_KEYS = ("user.id", "enduser.id")
_MODEL_KEYS = ("gen_ai.response.model", "gen_ai.request.model", "llm.model_name")
_INPUT_TOKENS = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt")
_OUTPUT_TOKENS = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion")


@dataclass(frozen=True, slots=True)
class SpanRef:
    """A span with what mapping needs of its resource."""

    span: Span
    attributes: Mapping[str, Any]
    resource: Mapping[str, Any]


@dataclass(slots=True)
class Mapped:
    events: list[Turn] = field(default_factory=list)
    bad_spans: list[tuple[Span, str]] = field(default_factory=list)
    """Spans that could not become valid events, with the validator's reason."""
    spans: Counter[str] = field(default_factory=Counter)
    """Spans by outcome: ``mapped``, ``skipped``, ``empty``, ``invalid``."""


def map_request(request: ExportTraceServiceRequest) -> Mapped:
    out = Mapped()
    refs = sorted(_spans(request), key=lambda r: (r.span.start_time_unix_nano, r.span.end_time_unix_nano))
    conversations = {r.span.trace_id: c for r in refs if (c := _first(r.attributes, _CONVERSATION_KEYS))}
    seen: set[str] = set()
    for ref in refs:
        if not _is_genai(ref):
            out.spans["skipped"] += 1
            continue
        session = _first(ref.attributes, _CONVERSATION_KEYS) or conversations.get(ref.span.trace_id)
        try:
            events = span_turns(ref, session or f"trace-{ref.span.trace_id.hex()}")
        except msgspec.ValidationError as exc:
            out.bad_spans.append((ref.span, str(exc)))
            out.spans["invalid"] += 1
            continue
        out.spans["mapped" if events else "empty"] += 1
        for event in events:
            if event.event_id not in seen:
                seen.add(event.event_id)
                out.events.append(event)
    return out


def span_turns(ref: SpanRef, session_id: str) -> list[Turn]:
    """The turns of one GenAI span, validated against the contract."""
    span, attrs = ref.span, ref.attributes
    messages = span_messages(attrs, [SpanEvent(e.name, attribute_values(e.attributes)) for e in span.events])
    start_ms, end_ms = span.start_time_unix_nano // 1_000_000, span.end_time_unix_nano // 1_000_000
    common: dict[str, Any] = {"session_id": session_id}
    if feature := ref.resource.get("service.name"):
        common["feature"] = str(feature)[:_MAX_LABEL]
    if user_id := _first(attrs, _USER_KEYS):
        common["user_id"] = user_id
    trace = {"trace_id": span.trace_id.hex(), "span_id": span.span_id.hex()}
    output = {
        "ts": end_ms,
        "latency_ms": float(max(0, end_ms - start_ms)),
        **({"model": str(m)[:_MAX_LABEL]} if (m := _first(attrs, _MODEL_KEYS)) else {}),
    }
    usage = {k: int(v) for k, keys in (("input_tokens", _INPUT_TOKENS), ("output_tokens", _OUTPUT_TOKENS))
             if isinstance(v := _first_value(attrs, keys), int | float) and v >= 0}
    finish = _finish(attrs)
    bodies: list[dict[str, Any]] = [{"ts": start_ms, **b} for b in _expand(messages.inputs)]
    outputs = [{**output, **b} for b in _expand(messages.outputs, default_finish=finish)]
    answered = trace | ({"gen_ai.response.id": str(r)} if (r := attrs.get("gen_ai.response.id")) else {})
    if outputs:
        outputs[0].update(usage)
    first_output = len(bodies)
    bodies += outputs
    turns = []
    for index, body in enumerate(bodies):
        body.update(common, type="turn", turn=index, attrs=answered if index >= first_output else trace)
        body["event_id"] = _turn_id(session_id, index, body)
        turns.append(msgspec.convert(body, ChatEvent))
    return turns


def _expand(messages: tuple[Message, ...], default_finish: str | None = None) -> Iterator[dict[str, Any]]:
    """Turn bodies of messages, as agent traces expand theirs (see the module docstring)."""
    tools: dict[str, str] = {}
    for message in messages:
        finish = _FINISH.get(message.finish_reason or default_finish or "")
        if message.role == "tool":
            step: dict[str, Any] = {"kind": "tool_result", "status": "error" if message.error else "ok"}
            if tool := tools.get(message.tool_call_id or ""):
                step["tool"] = tool[:_MAX_LABEL]
            if message.error:
                step["error"] = message.text[:_MAX_ERROR_CHARS]
            yield {"role": "tool", "text": message.text, "step": step}
            continue
        if message.text or not message.tool_calls:
            text = {"role": message.role, "text": message.text}
            yield text | ({"finish_reason": finish} if finish and not message.tool_calls else {})
        for position, call in enumerate(message.tool_calls):
            if call.id:
                tools[call.id] = call.name
            step = {"kind": "tool_call"}
            if call.name:
                step["tool"] = call.name[:_MAX_LABEL]
            body = {"role": "assistant", "text": call.arguments, "step": step}
            if position == len(message.tool_calls) - 1:
                body["finish_reason"] = "tool_use"
            yield body


def _turn_id(session_id: str, index: int, body: Mapping[str, Any]) -> str:
    content = msgspec.json.encode([session_id, index, body["role"], body["text"], body.get("step")])
    return f"otlp-{hashlib.blake2b(content, digest_size=16).hexdigest()}"


def _finish(attrs: Mapping[str, Any]) -> str | None:
    reasons = attrs.get("gen_ai.response.finish_reasons")
    if isinstance(reasons, list) and reasons:
        return str(reasons[-1])
    return None


def _is_genai(ref: SpanRef) -> bool:
    return any(k.startswith(("gen_ai.", "llm.")) for k in ref.attributes) or any(
        e.name.startswith("gen_ai.") for e in ref.span.events
    )


def _spans(request: ExportTraceServiceRequest) -> Iterator[SpanRef]:
    for resource_spans in request.resource_spans:
        resource = attribute_values(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield SpanRef(span, attribute_values(span.attributes), resource)


def attribute_values(values: Any) -> dict[str, Any]:
    """OTLP ``KeyValue`` attributes as plain Python values (bytes as hex)."""
    return {kv.key: _value(kv.value) for kv in values if isinstance(kv, KeyValue)}


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return attribute_values(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind) if kind else None


def _first(attrs: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    value = _first_value(attrs, keys)
    return str(value) if value not in (None, "") else None


def _first_value(attrs: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((attrs[k] for k in keys if attrs.get(k) not in (None, "")), None)

