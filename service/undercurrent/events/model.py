"""Event contract v1: the structs every producer's JSON is validated against.

Validation is done by msgspec (typed decoding), never by hand. ``ts`` may be an
RFC 3339 string with an offset or integer epoch milliseconds; both are kept as
given on the wire and normalised with :func:`ts_millis`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Ratio = Annotated[float, msgspec.Meta(ge=0.0, le=1.0)]
NonNegInt = Annotated[int, msgspec.Meta(ge=0)]
NonNegFloat = Annotated[float, msgspec.Meta(ge=0.0)]
Timestamp = Annotated[int, msgspec.Meta(ge=0)] | Annotated[datetime, msgspec.Meta(tz=True)]

Role = Literal["user", "assistant", "system", "tool"]
FinishReason = Literal["stop", "length", "content_filter", "tool_use", "error"]
StepKind = Literal["thought", "action", "observation", "tool_call", "tool_result"]
FeedbackValue = Literal["thumbs_up", "thumbs_down", "rating"]

CLIENT_TYPES: tuple[str, ...] = (
    "copy",
    "accept",
    "undo",
    "edit",
    "regenerate",
    "stop_generation",
    "feedback",
    "abandon",
    "session_end",
)


class _Event(msgspec.Struct, kw_only=True, tag_field="type", omit_defaults=True):
    """Fields shared by every event."""

    event_id: Id
    session_id: Id
    ts: Timestamp
    feature: Label = "default"
    domain: Label | None = None
    user_id: Id | None = None
    turn: NonNegInt | None = None
    attrs: dict[str, Any] | None = None


class Step(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One step of an agent trace carried by a turn."""

    kind: StepKind
    tool: Label | None = None
    status: Literal["ok", "error"] | None = None
    error: str | None = None


class Turn(_Event, tag="turn"):
    """A message in the conversation (topic ``undercurrent.chat``)."""

    role: Role
    text: str
    model: Label | None = None
    prompt_version: Label | None = None
    finish_reason: FinishReason | None = None
    latency_ms: NonNegFloat | None = None
    input_tokens: NonNegInt | None = None
    output_tokens: NonNegInt | None = None
    step: Step | None = None


class Copy(_Event, tag="copy"):
    """The user copied (part of) an assistant answer."""


class Accept(_Event, tag="accept"):
    """The user accepted a suggestion (applied it, inserted it)."""


class Undo(_Event, tag="undo"):
    """The user reverted something previously accepted."""


class Edit(_Event, tag="edit"):
    """The user edited an assistant answer before using it."""

    final_text: str | None = None
    edit_ratio: Ratio | None = None


class Regenerate(_Event, tag="regenerate"):
    """The user asked for another answer to the same request."""


class StopGeneration(_Event, tag="stop_generation"):
    """The user stopped an answer while it streamed."""


class Feedback(_Event, tag="feedback"):
    """Explicit feedback: thumbs or a rating with an optional comment."""

    value: FeedbackValue
    score: float | None = None
    comment: str | None = None


class Abandon(_Event, tag="abandon"):
    """The client saw the user leave (tab closed, navigated away)."""


class SessionEnd(_Event, tag="session_end"):
    """The product ended the session explicitly."""


ChatEvent = Turn
ClientEvent = Copy | Accept | Undo | Edit | Regenerate | StopGeneration | Feedback | Abandon | SessionEnd
Event = Turn | ClientEvent


class Envelope(msgspec.Struct):
    """A batch of events in one Kafka message: ``{"events": [...]}``."""

    events: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET


def ts_millis(ts: int | datetime) -> int:
    """Epoch milliseconds of an event timestamp (already validated)."""
    if isinstance(ts, int):
        return ts
    return int(ts.timestamp() * 1000)
