"""Shape factors: what the lengths and order of the turns say, whatever the language."""

from __future__ import annotations

import pytest

from undercurrent.detectors.model import Context, DetectorConfig
from undercurrent.detectors.shape import last_answer_short
from undercurrent.events.model import Step
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn

U, A = "user", "assistant"
LONG, SHORT = "x" * 1000, "y" * 400


def ctx(*turns: tuple[str, str] | TranscriptTurn) -> Context:
    transcript = tuple(
        t if isinstance(t, TranscriptTurn) else TranscriptTurn(index=i, role=t[0], text=t[1], ts_ms=i, event_id=str(i))
        for i, t in enumerate(turns)
    )
    snapshot = SessionSnapshot(session_id="s", feature="chat", domain=None, user_id=None, turns=transcript,
                               behaviours=(), opened_ms=0, last_event_ms=len(turns), close_reason="end")
    return Context(snapshot=snapshot, config=DetectorConfig())


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ([], 0.0),
        ([(U, "q"), (A, SHORT)], 0.0),  # one answer: nothing to compare
        ([(U, "q"), (A, LONG), (U, "that is wrong"), (A, SHORT)], 1.0),
        ([(U, "q"), (A, LONG), (U, "more"), (A, "z" * 500)], 0.0),  # half as long is not under half
        ([(U, "q"), (A, LONG), (U, "more"), (A, "z" * 499)], 1.0),
        ([(U, "q"), (A, SHORT), (U, "and?"), (A, LONG)], 0.0),  # longer at the end
        ([(U, "q"), (A, LONG), (U, "ok"), (A, SHORT), (U, "again"), (A, LONG)], 0.0),  # only the last counts
        ([(U, "q"), (A, LONG), (U, "more"), (A, SHORT), (U, "thanks")], 1.0),  # a user turn may close it
        ([(U, "q"), (A, LONG), (U, "more"), (A, " \n ")], 0.0),  # a blank answer is not an answer here
        ([(U, "질문"), (A, "가" * 300), (U, "다시"), (A, "나" * 100)], 1.0),  # any script
        ([(A, LONG), (U, "continue"), (A, SHORT)], 1.0),  # the assistant may speak first
    ],
)
def test_last_answer_short(turns, expected):
    assert last_answer_short(ctx(*turns)) == expected


def test_agent_steps_are_not_answers():
    step = TranscriptTurn(index=3, role=A, text="calling search", ts_ms=3, event_id="3",
                          step=Step(kind="tool_call", tool="search"))
    assert last_answer_short(ctx((U, "q"), (A, LONG), (U, "go"), step)) == 0.0
