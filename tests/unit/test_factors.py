"""Risk factors: what each one reads from a session, as a number in [0, 1]."""

from __future__ import annotations

import pytest

from undercurrent.detectors.factors import FACTOR_NAMES, FACTORS, compute_factors
from undercurrent.detectors.model import Context, DetectorConfig
from undercurrent.detectors.registry import SIGNAL_NAMES
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn


def ctx(*turns: tuple[str, str]) -> Context:
    transcript = tuple(TranscriptTurn(index=i, role=role, text=text, ts_ms=i, event_id=str(i))
                       for i, (role, text) in enumerate(turns))
    snapshot = SessionSnapshot(session_id="s", feature="chat", domain=None, user_id=None, turns=transcript,
                               behaviours=(), opened_ms=0, last_event_ms=len(turns), close_reason="end")
    return Context(snapshot=snapshot, config=DetectorConfig())


U, A = "user", "assistant"


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ([(U, "hi"), (A, "Hello! How can I help?")], {"user_turns": 0.1}),
        ([(U, "Give me a source for that"), (A, "See https://example.org/paper and www.example.com")],
         {"user_turns": 0.1, "answer_links": 1.0, "request_current_or_source": 1.0}),
        ([(U, "How many people live in Lyon?"), (A, "About 522,000 (2020), 1.4 million in the metro area, 3%.")],
         {"user_turns": 0.1, "request_fact_or_calculation": 1.0, "answer_figures": 0.2}),
        ([(U, "What is 17 * 23?"), (A, "It is 391.")],
         {"user_turns": 0.1, "request_fact_or_calculation": 1.0, "answer_figures": 0.05}),
        ([(U, "Write a sort in Python"), (A, "```python\nsorted(xs)\n```"), (U, "thanks"), (A, "You're welcome.")],
         {"user_turns": 0.2, "answer_code": 0.5}),
        ([(A, "…and that is the end of chapter one."), (U, "continue"), (A, "Chapter two begins.")],
         {"user_turns": 0.1, "continuation": 1.0}),
        ([(U, "Write a story"), (A, "Once…"), (U, "계속"), (A, "…")],
         {"user_turns": 0.2, "continuation": 1.0, "last_answer_short": 1.0}),
        ([(U, "What's the latest news about the election?"), (A, "I cannot browse.")],
         {"user_turns": 0.1, "request_current_or_source": 1.0}),
        ([], {}),
    ],
)
def test_factors(turns, expected):
    assert compute_factors(ctx(*turns)) == expected


def test_every_factor_stays_in_zero_one_on_long_sessions():
    turns = [(U, "How much is 2+2? Give the latest source. " * 50), (A, "4, 5, 6 https://x.y ```x=1``` " * 200)] * 30
    values = {f.name: f.fn(ctx(*turns)) for f in FACTORS}
    assert all(0.0 <= v <= 1.0 for v in values.values()), values


def test_factor_names_are_unique_and_distinct_from_signal_names():
    assert len(set(FACTOR_NAMES)) == len(FACTOR_NAMES)
    assert not set(FACTOR_NAMES) & set(SIGNAL_NAMES)
