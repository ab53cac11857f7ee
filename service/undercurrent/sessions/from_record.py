"""Rebuild a session snapshot from a published ``undercurrent.sessions`` record."""

from __future__ import annotations

from typing import Any

import msgspec

from .model import Behaviour, SessionSnapshot, TranscriptTurn


def snapshot_from_record(record: dict[str, Any]) -> SessionSnapshot:
    return SessionSnapshot(
        session_id=record["session_id"],
        feature=record["feature"],
        domain=record.get("domain"),
        user_id=record.get("user_id"),
        turns=msgspec.convert(record.get("transcript", []), tuple[TranscriptTurn, ...]),
        behaviours=msgspec.convert(record.get("behaviours", []), tuple[Behaviour, ...]),
        opened_ms=record["opened_ms"],
        last_event_ms=record["last_event_ms"],
        close_reason=record.get("close_reason"),
        late_events=record.get("late_events", 0),
    )
