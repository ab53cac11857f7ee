"""Test doubles and factories shared by unit and integration tests."""

from __future__ import annotations

from undercurrent.sessions.model import Behaviour, CloseReason, SessionSnapshot, TranscriptTurn


def make_snapshot(
    *texts: tuple[str, str],
    behaviours: tuple[tuple[str, int, int | None], ...] = (),
    close_reason: CloseReason | None = "idle",
    session_id: str = "s-1",
    feature: str = "chat",
) -> SessionSnapshot:
    """A session from ``(role, text)`` pairs one second apart and ``(type, at_s, turn)`` behaviours."""
    turns = tuple(
        TranscriptTurn(index=i, role=role, text=text, ts_ms=1_000 * i, event_id=f"t{i}")
        for i, (role, text) in enumerate(texts)
    )
    events = tuple(
        Behaviour(type=kind, ts_ms=1_000 * at_s, turn=turn, event_id=f"b{n}")
        for n, (kind, at_s, turn) in enumerate(behaviours)
    )
    last = max([t.ts_ms for t in turns] + [b.ts_ms for b in events] + [0])
    return SessionSnapshot(
        session_id=session_id,
        feature=feature,
        domain=None,
        user_id=None,
        turns=turns,
        behaviours=events,
        opened_ms=0,
        last_event_ms=last,
        close_reason=close_reason,
    )
