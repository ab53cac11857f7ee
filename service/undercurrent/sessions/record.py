"""The closed-session record published to ``undercurrent.sessions`` (schema v1).

Close stages (detectors, sampling, ...) add their results under their own key;
downstream consumers read one self-contained JSON document per session.
"""

from __future__ import annotations

from typing import Any

from .model import SessionSnapshot

SCHEMA = "undercurrent.session/v1"


def ending(snapshot: SessionSnapshot) -> dict[str, Any]:
    """How the session really ended: explicit end, abandon, or silence, and after whom."""
    kinds = [b.type for b in snapshot.behaviours if not b.late]
    last_turn = snapshot.turns[-1] if snapshot.turns else None
    if "session_end" in kinds:
        how = "session_end"
    elif "abandon" in kinds:
        how = "abandon"
    else:
        how = "silence"
    return {
        "how": how,
        "close_reason": snapshot.close_reason,
        "last_role": last_turn.role if last_turn else None,
        "quiet_ms_after_last_turn": snapshot.last_event_ms - last_turn.ts_ms if last_turn else None,
    }


def timings(snapshot: SessionSnapshot) -> dict[str, Any]:
    latencies = [t.latency_ms for t in snapshot.turns if t.role == "assistant" and t.latency_ms is not None]
    gaps = [b.ts_ms - a.ts_ms for a, b in zip(snapshot.turns, snapshot.turns[1:], strict=False)]
    return {
        "duration_ms": snapshot.duration_ms,
        "mean_assistant_latency_ms": sum(latencies) / len(latencies) if latencies else None,
        "max_gap_ms": max(gaps) if gaps else None,
    }


def base_record(snapshot: SessionSnapshot, *, closed_at_ms: int) -> dict[str, Any]:
    """The record before close stages add their results."""
    return {
        "schema": SCHEMA,
        "session_id": snapshot.session_id,
        "feature": snapshot.feature,
        "domain": snapshot.domain,
        "domain_source": "producer" if snapshot.domain else None,
        "user_id": snapshot.user_id,
        "opened_ms": snapshot.opened_ms,
        "last_event_ms": snapshot.last_event_ms,
        "closed_at_ms": closed_at_ms,
        "close_reason": snapshot.close_reason,
        "event_count": len(snapshot.turns) + len(snapshot.behaviours),
        "late_events": snapshot.late_events,
        "ending": ending(snapshot),
        "timings": timings(snapshot),
        "transcript": snapshot.turns,
        "behaviours": snapshot.behaviours,
    }
