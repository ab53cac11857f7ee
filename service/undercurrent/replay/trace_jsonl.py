"""Agent runs from a JSONL file, one run per line (the generic trace format, ``docs/replay.md``).

A line looks like::

    {"id": "run-17", "feature": "booking-agent", "domain": "travel_hospitality", "model": "gpt-4o",
     "user_id": "u7", "ending": "session_end",
     "messages": [
       {"role": "system", "content": "policy ..."},
       {"role": "user", "content": "Please cancel order 12"},
       {"role": "assistant", "content": "", "tool_calls": [{"name": "cancel_order", "arguments": {"id": 12}}]},
       {"role": "tool", "name": "cancel_order", "status": "error", "error": "order already shipped",
        "content": "..."},
       {"role": "assistant", "content": "That order has already shipped ..."}]}

Messages follow the OpenAI chat shape, so exported chat-completions logs fit as they are:
``text`` may replace ``content``; a tool call is ``{"name", "arguments"}`` or
``{"function": {"name", "arguments"}}`` with arguments as JSON text or an object; a tool result
names its tool with ``name`` or ``tool``. A tool result failed when it says ``"status": "error"``
or carries an ``error``; nothing is guessed from its text. Unknown fields (a reward, a grade)
are ignored. A line that does not fit stops the read with :class:`TraceFileError` naming it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from .conversation import Role, window
from .jsonl import parse_lines
from .trace import AgentTrace, Ending, ToolCall, TraceFileError, TraceMessage, arguments_text


class _Function(msgspec.Struct):
    name: str
    arguments: str | dict[str, Any] = "{}"


class _Call(msgspec.Struct):
    name: str | None = None
    arguments: str | dict[str, Any] = "{}"
    function: _Function | None = None


class _Message(msgspec.Struct):
    role: Role
    content: str | None = None
    text: str | None = None
    tool_calls: list[_Call] | None = None
    name: str | None = None
    tool: str | None = None
    status: Literal["ok", "error"] | None = None
    error: str | None = None


class _Line(msgspec.Struct):
    id: Annotated[str, msgspec.Meta(min_length=1)] | int
    messages: list[_Message]
    feature: str | None = None
    domain: str | None = None
    user_id: str | None = None
    model: str | None = None
    ending: Ending = "session_end"


_decoder = msgspec.json.Decoder(_Line)


def read_trace_jsonl(path: Path, *, skip: int = 0, limit: int | None = None) -> Iterator[AgentTrace]:
    with path.open("rb") as lines:
        yield from window(parse_lines(path, lines, parse_trace_line, TraceFileError), skip=skip, limit=limit)


def parse_trace_line(line: bytes) -> AgentTrace:
    parsed = _decoder.decode(line)
    messages = tuple(_message(position, m) for position, m in enumerate(parsed.messages))
    trace = AgentTrace(
        id=str(parsed.id),
        messages=messages,
        feature=parsed.feature,
        domain=parsed.domain,
        user_id=parsed.user_id,
        model=parsed.model,
        ending=parsed.ending,
    )
    if not trace.has_user_turn():
        raise ValueError("trace has no user message")
    return trace


def _message(position: int, message: _Message) -> TraceMessage:
    text = message.content if message.content is not None else message.text or ""
    if message.role == "tool":
        tool = message.name or message.tool
        if tool is None:
            raise ValueError(f"message {position}: a tool result needs `name` or `tool`")
        failed = message.status == "error" or message.error is not None
        return TraceMessage(role="tool", text=text, tool=tool, error=(message.error or text) if failed else None)
    calls = tuple(_call(position, call) for call in message.tool_calls or ())
    if calls and message.role != "assistant":
        raise ValueError(f"message {position}: only assistant messages make tool calls")
    return TraceMessage(role=message.role, text=text, tool_calls=calls)


def _call(position: int, call: _Call) -> ToolCall:
    name, arguments = (call.function.name, call.function.arguments) if call.function else (call.name, call.arguments)
    if not name:
        raise ValueError(f"message {position}: a tool call needs `name` or `function.name`")
    return ToolCall(name, arguments_text(arguments))
