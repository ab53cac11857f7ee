"""The messages of one GenAI span, whichever attribute spelling its instrumentation used.

Read in this order, the first that yields messages wins (separately for input and output):

1. the current conventions: ``gen_ai.system_instructions``, ``gen_ai.input.messages`` and
   ``gen_ai.output.messages``, JSON arrays of ``{role, parts: [{type, ...}], finish_reason}``;
2. the flattened spelling OpenLLMetry and others emitted before: ``gen_ai.prompt.N.role`` /
   ``.content`` / ``.tool_call_id`` and ``gen_ai.completion.N.role`` / ``.content`` /
   ``.finish_reason`` / ``.tool_calls.M.{id,name,arguments}``;
3. OpenInference's flattened spelling: ``llm.input_messages.N.message.{role,content}`` and
   ``llm.output_messages.N.message.{role,content,tool_calls.M.tool_call.function.{name,arguments}}``;
4. span events: ``gen_ai.system.message``, ``gen_ai.user.message``, ``gen_ai.assistant.message``,
   ``gen_ai.tool.message`` (input) and ``gen_ai.choice`` (output), their body in the
   ``gen_ai.event.content`` JSON attribute or in plain ``content`` / ``role`` / ``message`` attributes.

Content may be text, a list of parts, or provider content blocks (Anthropic ``text`` /
``tool_use`` / ``tool_result``, OpenAI ``tool_calls``): a tool result is always its own ``tool``
message, even where the provider carries it inside a user message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

Attributes = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str | None
    name: str
    arguments: str
    """The arguments as JSON text."""


@dataclass(frozen=True, slots=True)
class Message:
    role: str
    """``user``, ``assistant``, ``system`` or ``tool``."""
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    """For a tool result: the call it answers."""
    error: bool = False
    """For a tool result: the tool reported a failure."""
    finish_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SpanEvent:
    name: str
    attributes: Attributes


@dataclass(frozen=True, slots=True)
class SpanMessages:
    inputs: tuple[Message, ...]
    outputs: tuple[Message, ...]


_ROLES = {"user": "user", "human": "user", "assistant": "assistant", "ai": "assistant", "model": "assistant",
          "system": "system", "developer": "system", "tool": "tool", "function": "tool", "ipython": "tool"}
_INPUT_EVENTS = {"gen_ai.system.message": "system", "gen_ai.user.message": "user",
                 "gen_ai.assistant.message": "assistant", "gen_ai.tool.message": "tool"}
_INDEXED = re.compile(r"^(\d+)\.(.+)$")


def span_messages(attributes: Attributes, events: Sequence[SpanEvent]) -> SpanMessages:
    inputs = (
        _system_instructions(attributes.get("gen_ai.system_instructions"))
        + _json_messages(attributes.get("gen_ai.input.messages"))
    ) or _flattened(attributes, "gen_ai.prompt.", "") or _flattened(
        attributes, "llm.input_messages.", "message."
    ) or _event_messages(events, output=False)
    outputs = (
        _json_messages(attributes.get("gen_ai.output.messages"))
        or _flattened(attributes, "gen_ai.completion.", "")
        or _flattened(attributes, "llm.output_messages.", "message.")
        or _event_messages(events, output=True)
    )
    return SpanMessages(tuple(inputs), tuple(outputs))


def _system_instructions(value: Any) -> list[Message]:
    parts = _loads(value)
    if isinstance(parts, list):
        return _from_content("system", parts)
    return [Message("system", parts)] if isinstance(parts, str) and parts else []


def _json_messages(value: Any) -> list[Message]:
    items = _loads(value)
    if not isinstance(items, list):
        return []
    out: list[Message] = []
    for item in items:
        if isinstance(item, dict):
            out += _from_dict(item)
    return out


def _from_dict(item: Mapping[str, Any], default_role: str = "user") -> list[Message]:
    """One message object in any of the shapes above (parts, content, OpenAI tool calls)."""
    role = _role(item.get("role"), default_role)
    content = item.get("parts", item.get("content"))
    pieces = _from_content(role, _loads(content) if isinstance(content, str) else content)
    if role == "tool" and not any(m.tool_call_id for m in pieces):  # a plain-text tool result
        call_id = _str(item.get("tool_call_id") or item.get("id"))
        return [Message("tool", "\n".join(m.text for m in pieces), tool_call_id=call_id)]
    calls = tuple(_openai_call(c) for c in item.get("tool_calls") or () if isinstance(c, dict))
    if calls:
        pieces.append(Message(role, tool_calls=calls))
    finish = _str(item.get("finish_reason"))
    return [replace(m, finish_reason=finish) if m.role == "assistant" else m for m in _merge(pieces)]


def _from_content(role: str, content: Any) -> list[Message]:
    """Messages from text, a parts list or content blocks; tool results split off as tool messages."""
    if content is None:
        return []
    if not isinstance(content, list):
        return [Message(role, _text(content))]
    out: list[Message] = []
    for part in content:
        if not isinstance(part, dict):
            out.append(Message(role, _text(part)))
            continue
        kind = part.get("type")
        if kind in ("text", "input_text", "output_text", None):
            out.append(Message(role, _text(part.get("content", part.get("text", "")))))
        elif kind in ("tool_call", "tool_use", "function_call"):
            arguments = part.get("arguments", part.get("input", {}))
            out.append(Message(role, tool_calls=(ToolCall(_str(part.get("id")), _str(part.get("name")) or "",
                                                          _json_text(arguments)),)))
        elif kind in ("tool_call_response", "tool_result", "function_call_output"):
            response = part.get("response", part.get("content", part.get("output")))
            out.append(Message("tool", _text(response), tool_call_id=_str(part.get("id") or part.get("tool_use_id")),
                               error=part.get("is_error") is True))
    return out


def _merge(messages: list[Message]) -> list[Message]:
    """Adjacent pieces of one message by the same role: texts joined, tool calls gathered."""
    out: list[Message] = []
    for message in messages:
        last = out[-1] if out else None
        if last is not None and last.role == message.role and message.role != "tool":
            text = "\n".join(t for t in (last.text, message.text) if t)
            out[-1] = Message(last.role, text, last.tool_calls + message.tool_calls)
        elif message.role == "tool" or message.text or message.tool_calls:
            out.append(message)
    return out


def _flattened(attributes: Attributes, prefix: str, inner: str) -> list[Message]:
    """``<prefix>N.<inner>role`` style attributes, gathered per index N into message dicts."""
    by_index: dict[int, dict[str, Any]] = {}
    for key, value in attributes.items():
        if not key.startswith(prefix):
            continue
        match = _INDEXED.match(key[len(prefix) :])
        if match is None or not match.group(2).startswith(inner):
            continue
        by_index.setdefault(int(match.group(1)), {})[match.group(2)[len(inner) :]] = value
    out: list[Message] = []
    for _, fields in sorted(by_index.items()):
        item: dict[str, Any] = {k: v for k, v in fields.items() if "." not in k}
        item["tool_calls"] = _flattened_calls(fields)
        out += _from_dict(item, default_role="assistant" if "completion" in prefix or "output" in prefix else "user")
    return out


def _flattened_calls(fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    calls: dict[int, dict[str, Any]] = {}
    for key, value in fields.items():
        match = _INDEXED.match(key[len("tool_calls.") :]) if key.startswith("tool_calls.") else None
        if match is not None:
            name = match.group(2).removeprefix("tool_call.").removeprefix("function.")
            calls.setdefault(int(match.group(1)), {})[name] = value
    return [{"id": c.get("id"), "function": {"name": c.get("name"), "arguments": c.get("arguments", "")}}
            for _, c in sorted(calls.items())]


def _event_messages(events: Sequence[SpanEvent], *, output: bool) -> list[Message]:
    out: list[Message] = []
    for event in events:
        if output and event.name == "gen_ai.choice":
            body = _event_body(event.attributes)
            inner = body.get("message")
            message = inner if isinstance(inner, dict) else body
            out += _from_dict({**message, "finish_reason": body.get("finish_reason")}, default_role="assistant")
        elif not output and event.name in _INPUT_EVENTS:
            out += _from_dict(_event_body(event.attributes), default_role=_INPUT_EVENTS[event.name])
    return out


def _event_body(attributes: Attributes) -> dict[str, Any]:
    body = _loads(attributes.get("gen_ai.event.content"))
    if isinstance(body, dict):
        return body
    message = _loads(attributes.get("message"))
    return {**attributes, **({"message": message} if isinstance(message, dict) else {})}


def _openai_call(call: Mapping[str, Any]) -> ToolCall:
    inner = call.get("function")
    function = inner if isinstance(inner, dict) else call
    return ToolCall(_str(call.get("id")), _str(function.get("name")) or "", _json_text(function.get("arguments", "")))


def _role(value: Any, default: str) -> str:
    return _ROLES.get(str(value).lower(), default) if value else default


def _loads(value: Any) -> Any:
    """JSON text decoded; anything else (or text that is not a JSON array/object) as given."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, dict) and "text" in v for v in value):
        return "\n".join(str(v["text"]) for v in value)
    return _json_text(value)


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
