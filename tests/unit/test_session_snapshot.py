"""Assembling a session snapshot from stored events (pure)."""

from __future__ import annotations

import msgspec
import pytest

from undercurrent.events import Abandon, Copy, Edit, Feedback, SessionEnd, Turn
from undercurrent.records.session import ending, session_record
from undercurrent.sessions.model import build_snapshot


def turn(n: int, ts: int, role: str = "user", index: int | None = None, **kw) -> Turn:
    return Turn(event_id=f"t{n}", session_id="s", ts=ts, role=role, text=f"text {n}", turn=index, **kw)


@pytest.mark.parametrize(
    ("arrivals", "expected"),
    [
        ([turn(1, 10), turn(2, 20, "assistant"), turn(3, 30)], [(0, "t1"), (1, "t2"), (2, "t3")]),
        ([turn(2, 20, "assistant", 1), turn(1, 10, "user", 0)], [(0, "t1"), (1, "t2")]),
        ([turn(1, 10, index=4), turn(2, 20, "assistant")], [(4, "t1"), (5, "t2")]),
        ([turn(1, 10), turn(2, 20, "assistant", 0)], [(0, "t1"), (0, "t2")]),
    ],
    ids=["arrival-order", "explicit-out-of-order", "mixed-explicit-then-implicit", "same-index-ordered-by-time"],
)
def test_turn_order(arrivals: list[Turn], expected: list[tuple[int, str]]) -> None:
    snapshot = build_snapshot("s", [(e, False) for e in arrivals])
    assert [(t.index, t.event_id) for t in snapshot.turns] == expected


def test_behaviour_fields_and_late_flags_are_kept() -> None:
    events = [
        (turn(1, 10), False),
        (Edit(event_id="e", session_id="s", ts=40, turn=1, edit_ratio=0.7), False),
        (Feedback(event_id="f", session_id="s", ts=30, value="thumbs_down", comment="no"), True),
        (Copy(event_id="c", session_id="s", ts=20, turn=1), False),
    ]
    snapshot = build_snapshot("s", events)
    assert [(b.type, b.late) for b in snapshot.behaviours] == [("copy", False), ("feedback", True), ("edit", False)]
    assert snapshot.behaviours[2].edit_ratio == 0.7 and snapshot.behaviours[1].comment == "no"
    assert snapshot.late_events == 1 and (snapshot.opened_ms, snapshot.last_event_ms) == (10, 40)


def test_first_non_default_feature_and_domain_win() -> None:
    events = [
        Turn(event_id="a", session_id="s", ts=1, role="user", text="x"),
        Turn(event_id="b", session_id="s", ts=2, role="user", text="x", feature="search", domain="legal"),
        Turn(event_id="c", session_id="s", ts=3, role="user", text="x", feature="code", domain="finance_accounting"),
    ]
    snapshot = build_snapshot("s", [(e, False) for e in events])
    assert (snapshot.feature, snapshot.domain) == ("search", "legal")


@pytest.mark.parametrize(
    ("behaviours", "last_role", "how"),
    [
        ([], "assistant", "silence"),
        ([Copy(event_id="c", session_id="s", ts=50, turn=1)], "assistant", "silence"),
        ([Abandon(event_id="a", session_id="s", ts=60)], "assistant", "abandon"),
        ([Abandon(event_id="a", session_id="s", ts=60), SessionEnd(event_id="e", session_id="s", ts=70)],
         "assistant", "session_end"),
    ],
)
def test_ending_tells_how_the_session_really_ended(behaviours: list, last_role: str, how: str) -> None:
    events = [(turn(1, 10), False), (turn(2, 20, "assistant"), False), *((b, False) for b in behaviours)]
    snapshot = build_snapshot("s", events, close_reason="idle")
    assert ending(snapshot).how == how and ending(snapshot).last_role == last_role


def test_record_carries_transcript_behaviours_and_timings() -> None:
    snapshot = build_snapshot("s", [(turn(1, 10), False), (turn(2, 1010, "assistant", latency_ms=900.0), False)],
                              close_reason="end")
    record = session_record(snapshot, closed_at_ms=5000)
    assert record.event_count == 2 and record.close_reason == "end"
    timings = msgspec.structs.asdict(record.timings)
    assert timings == {"duration_ms": 1000, "mean_assistant_latency_ms": 900.0, "max_gap_ms": 1000}
