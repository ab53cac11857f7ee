"""The session as later stages see it: an ordered transcript plus behaviour events.

A :class:`SessionSnapshot` is rebuilt from the events stored for a session, in
arrival order. Turns without an explicit ``turn`` index get the next index after
the highest one seen so far, so producers may mix both styles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import msgspec

from ..events.model import Edit, Event, Feedback, Step, Turn, ts_millis
from ..metrics.labels import release_name

CloseReason = Literal["end", "idle", "max_duration"]
_TRACE_ID = re.compile(r"(?!0+$)[0-9a-f]{32}")
_SPAN_ID = re.compile(r"(?!0+$)[0-9a-f]{16}")
_MAX_RESPONSE_ID = 256


class TraceLink(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Where a turn was traced: the OpenTelemetry span of the LLM call and the provider's response id.

    Kept so that verdicts can be sent back beside the trace (``gen_ai.evaluation.result``)."""

    trace_id: str | None = None
    span_id: str | None = None
    response_id: str | None = None


def trace_link(attrs: Mapping[str, Any] | None) -> TraceLink | None:
    """The link in a turn's ``attrs`` (``trace_id``/``span_id`` in hex, ``gen_ai.response.id``), if any.

    Trace and span id count only together and well-formed (W3C: lowercase hex, not all zero);
    anything else a producer put there is ignored."""
    if not attrs:
        return None
    trace_id, span_id, response_id = attrs.get("trace_id"), attrs.get("span_id"), attrs.get("gen_ai.response.id")
    spanned = _well_formed(_TRACE_ID, trace_id) and _well_formed(_SPAN_ID, span_id)
    response = response_id[:_MAX_RESPONSE_ID] if isinstance(response_id, str) and response_id else None
    if not spanned and response is None:
        return None
    return TraceLink(trace_id=trace_id if spanned else None, span_id=span_id if spanned else None,
                     response_id=response)


def _well_formed(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


class TranscriptTurn(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    index: int
    role: str
    text: str
    ts_ms: int
    event_id: str
    model: str | None = None
    prompt_version: str | None = None
    finish_reason: str | None = None
    latency_ms: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    step: Step | None = None
    trace: TraceLink | None = None
    late: bool = False


class Behaviour(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    type: str
    ts_ms: int
    event_id: str
    turn: int | None = None
    edit_ratio: float | None = None
    final_text: str | None = None
    value: str | None = None
    score: float | None = None
    comment: str | None = None
    late: bool = False


class SessionSnapshot(msgspec.Struct, frozen=True, kw_only=True):
    """Everything known about one session; the input of every detector."""

    session_id: str
    feature: str
    domain: str | None
    user_id: str | None
    turns: tuple[TranscriptTurn, ...]
    behaviours: tuple[Behaviour, ...]
    opened_ms: int
    last_event_ms: int
    close_reason: CloseReason | None = None
    late_events: int = 0

    @property
    def duration_ms(self) -> int:
        return self.last_event_ms - self.opened_ms

    def turns_by(self, role: str) -> list[TranscriptTurn]:
        return [t for t in self.turns if t.role == role]

    @property
    def release(self) -> str | None:
        """The release (``model@prompt_version``) of most assistant turns, the latest one on a tie.

        None when no assistant turn names a model or prompt version.
        """
        names = [release_name(t.model, t.prompt_version) for t in self.turns_by("assistant")]
        counts = Counter(n for n in names if n is not None)
        if not counts:
            return None
        latest = {name: i for i, name in enumerate(names)}
        return max(counts, key=lambda name: (counts[name], latest[name]))


def build_snapshot(
    session_id: str,
    events: Iterable[tuple[Event, bool]],
    *,
    close_reason: CloseReason | None = None,
) -> SessionSnapshot:
    """Assemble a snapshot from ``(event, is_late)`` pairs in arrival order."""
    turns: list[TranscriptTurn] = []
    behaviours: list[Behaviour] = []
    next_index = 0
    feature, domain, user_id = "default", None, None
    first_ms: int | None = None
    last_ms = 0
    late_count = 0
    for event, late in events:
        ts = ts_millis(event.ts)
        first_ms = ts if first_ms is None else min(first_ms, ts)
        last_ms = max(last_ms, ts)
        late_count += late
        if feature == "default":
            feature = event.feature
        domain = domain or event.domain
        user_id = user_id or event.user_id
        if isinstance(event, Turn):
            index = event.turn if event.turn is not None else next_index
            next_index = max(next_index, index + 1)
            turns.append(_transcript_turn(event, index, ts, late))
        else:
            behaviours.append(_behaviour(event, ts, late))
    turns.sort(key=lambda t: (t.index, t.ts_ms))
    behaviours.sort(key=lambda b: b.ts_ms)
    return SessionSnapshot(
        session_id=session_id,
        feature=feature,
        domain=domain,
        user_id=user_id,
        turns=tuple(turns),
        behaviours=tuple(behaviours),
        opened_ms=first_ms or 0,
        last_event_ms=last_ms,
        close_reason=close_reason,
        late_events=late_count,
    )


def _transcript_turn(event: Turn, index: int, ts: int, late: bool) -> TranscriptTurn:
    return TranscriptTurn(
        index=index,
        role=event.role,
        text=event.text,
        ts_ms=ts,
        event_id=event.event_id,
        model=event.model,
        prompt_version=event.prompt_version,
        finish_reason=event.finish_reason,
        latency_ms=event.latency_ms,
        input_tokens=event.input_tokens,
        output_tokens=event.output_tokens,
        step=event.step,
        trace=trace_link(event.attrs),
        late=late,
    )


def _behaviour(event: Event, ts: int, late: bool) -> Behaviour:
    extra: dict[str, object] = {}
    if isinstance(event, Edit):
        extra = {"edit_ratio": event.edit_ratio, "final_text": event.final_text}
    elif isinstance(event, Feedback):
        extra = {"value": event.value, "score": event.score, "comment": event.comment}
    return Behaviour(
        # msgspec types a struct tag as str | int | None; client events' tags are their Behaviour type names.
        type=type(event).__struct_config__.tag,  # type: ignore[arg-type]
        ts_ms=ts,
        event_id=event.event_id,
        turn=event.turn,
        late=late,
        # extra holds exactly the typed fields of an Edit or a Feedback, read from the event just above.
        **extra,  # type: ignore[arg-type]
    )
