"""Agent runs from a τ-bench results file (a JSON array of runs).

Each run has ``task_id``, ``trial`` and ``traj``, the messages in OpenAI chat shape: ``system``
(the domain policy), ``user``, ``assistant`` (text, or ``tool_calls`` with ``function.name`` and
JSON ``arguments``) and ``tool`` (the tool's answer, named by ``name``). The benchmark's own
conventions are translated here and nowhere else:

- a tool answer starting with ``Error`` is a failed call (the environment reports failures so);
- the simulated user ends a run by writing ``###STOP###``; the marker is removed and the run
  ends with ``session_end`` (a message that held only the marker disappears);
- the domain comes from the policy's title (airline → ``travel_hospitality``, retail →
  ``ecommerce_retail``).

The run's ``reward`` and ``info`` (the task, the expected actions) are not decoded at all: they
say how the run was graded, and a monitor must not see that. Evaluation reads them separately.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import msgspec

from .conversation import window
from .trace import AgentTrace, ToolCall, TraceFileError, TraceMessage, arguments_text

STOP_MARKER = "###STOP###"
_ERROR_PREFIX = "Error"
_POLICY_DOMAINS = (
    (re.compile(r"^\W*airline", re.IGNORECASE), "travel_hospitality"),
    (re.compile(r"^\W*retail", re.IGNORECASE), "ecommerce_retail"),
)


class _Function(msgspec.Struct):
    name: str
    arguments: str | dict[str, Any] = "{}"


class _Call(msgspec.Struct):
    function: _Function


class _Message(msgspec.Struct):
    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = None
    tool_calls: list[_Call] | None = None
    name: str | None = None


class _Run(msgspec.Struct):
    task_id: int
    trial: int
    traj: list[_Message]


_decoder = msgspec.json.Decoder(list[_Run])


def run_id(task_id: int, trial: int) -> str:
    """The trace id of a run; evaluation joins rewards on it."""
    return f"task{task_id}-trial{trial}"


def read_tau_bench(path: Path, *, skip: int = 0, limit: int | None = None) -> Iterator[AgentTrace]:
    try:
        runs = _decoder.decode(path.read_bytes())
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise TraceFileError(f"{path}: not a τ-bench results file: {exc}") from exc
    yield from window((to_trace(run) for run in runs), skip=skip, limit=limit)


def to_trace(run: _Run) -> AgentTrace:
    messages = tuple(m for m in map(_message, run.traj) if m is not None)
    policy = next((m.text for m in messages if m.role == "system"), "")
    domain = next((d for pattern, d in _POLICY_DOMAINS if pattern.search(policy)), None)
    return AgentTrace(id=run_id(run.task_id, run.trial), messages=messages, domain=domain)


def _message(message: _Message) -> TraceMessage | None:
    text = message.content or ""
    if message.role == "user":
        text = text.replace(STOP_MARKER, "").strip()
        return TraceMessage(role="user", text=text) if text else None
    if message.role == "tool":
        failed = text.startswith(_ERROR_PREFIX)
        return TraceMessage(role="tool", text=text, tool=message.name, error=text if failed else None)
    calls = tuple(ToolCall(c.function.name, arguments_text(c.function.arguments)) for c in message.tool_calls or ())
    return TraceMessage(role=message.role, text=text, tool_calls=calls)

