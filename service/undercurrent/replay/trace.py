"""The input of the agent replayer: one agent run, its messages, tool calls and tool results.

Like :class:`~undercurrent.replay.conversation.Conversation`, a trace has no timings and no
outcome: readers never copy a benchmark's reward or a run's grade into it, so nothing that
judges the run can reach the pipeline.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ..errors import UndercurrentError
from .conversation import Role

Ending = Literal["session_end", "abandon", "idle"]
"""How the product ends the replayed session: an explicit event, the client seeing the user
leave, or nothing (the service closes it when idle)."""


class TraceFileError(UndercurrentError, ValueError):
    """A trace file (τ-bench results or JSONL traces) does not hold valid agent runs."""


class ToolCall(msgspec.Struct, frozen=True):
    name: str
    arguments: str
    """The arguments as the model wrote them (JSON text)."""


class TraceMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A message of the run. Assistant messages may carry tool calls; tool messages are results."""

    role: Role
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool: str | None = None
    """For a tool result: the tool that answered."""
    error: str | None = None
    """For a tool result: why the call failed; ``None`` when it succeeded."""


class AgentTrace(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    messages: tuple[TraceMessage, ...]
    feature: str | None = None
    domain: str | None = None
    user_id: str | None = None
    model: str | None = None
    ending: Ending = "session_end"

    def has_user_turn(self) -> bool:
        return any(m.role == "user" for m in self.messages)


def arguments_text(arguments: str | dict[str, Any]) -> str:
    """Tool-call arguments as JSON text, whether the source kept them as text or as an object."""
    return arguments if isinstance(arguments, str) else msgspec.json.encode(arguments).decode()
