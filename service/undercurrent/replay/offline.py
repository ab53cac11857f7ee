"""Replayed sessions as the worker would assemble them, without Kafka or Redis.

Each trace is synthesised into contract events exactly as ``undercurrent replay`` would send
them, every event goes through the worker's decoder, and the decoded events are assembled
into the snapshot the close stages read. Evaluating detectors this way measures the same
path that live traffic takes, from the wire format on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec

from ..events.decode import EventDecoder
from ..events.model import Event
from ..sessions.model import CloseReason, SessionSnapshot, TranscriptTurn, build_snapshot
from .agent_synth import synthesize_trace
from .conversation import Conversation
from .synth import SynthOptions, conversation_rng
from .trace import AgentTrace

START_MS = 1_750_000_000_000


class ReplayContractError(ValueError):
    """A synthesised event failed the contract: a bug in the replayer, never bad input."""


def trace_snapshots(
    traces: Iterable[AgentTrace], *, seed: int = 1, options: SynthOptions | None = None
) -> Iterator[tuple[AgentTrace, SessionSnapshot]]:
    """Each trace with the snapshot of its replayed session, closed the way the session ended."""
    decoders = {"chat": EventDecoder("chat"), "client": EventDecoder("client")}
    encode = msgspec.json.Encoder().encode
    for trace in traces:
        events = synthesize_trace(trace, conversation_rng(seed, trace.id), START_MS, options)
        decoded: list[tuple[Event, bool]] = []
        for event in events:
            result = decoders["chat" if event["type"] == "turn" else "client"].decode(encode(event))
            if result.rejects:
                raise ReplayContractError(f"{trace.id}: {result.rejects[0].reason}: {result.rejects[0].detail}")
            decoded.extend((e, False) for e in result.events)
        close: CloseReason = "end" if trace.ending == "session_end" else "idle"
        yield trace, build_snapshot(events[0]["session_id"], decoded, close_reason=close)


TURN_GAP_MS = 30_000
"""Conversations carry no timings; their turns are put this far apart."""


def conversation_snapshot(conversation: Conversation) -> SessionSnapshot:
    """A text-only conversation as a closed session: turns 30 s apart, no behaviour events, ended."""
    turns = tuple(
        TranscriptTurn(index=i, role=role, text=text, ts_ms=i * TURN_GAP_MS, event_id=f"{conversation.id}-{i}")
        for i, (role, text) in enumerate(conversation.messages)
    )
    return SessionSnapshot(
        session_id=conversation.id,
        feature=conversation.feature or "default",
        domain=conversation.domain,
        user_id=conversation.user_id,
        turns=turns,
        behaviours=(),
        opened_ms=0,
        last_event_ms=turns[-1].ts_ms if turns else 0,
        close_reason="end",
    )
