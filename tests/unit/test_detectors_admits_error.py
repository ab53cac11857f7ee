"""The risk factor of an answer that admits an earlier error."""

from __future__ import annotations

import pytest

from undercurrent.detectors.factors import answer_admits_error
from undercurrent.detectors.model import Context, DetectorConfig
from undercurrent.replay.conversation import Conversation
from undercurrent.replay.offline import conversation_snapshot


def _context(*answers: str) -> Context:
    messages = [m for answer in answers for m in (("user", "Please help."), ("assistant", answer))]
    snapshot = conversation_snapshot(Conversation(id="c_0", messages=tuple(messages)))  # type: ignore[arg-type]
    return Context(snapshot=snapshot, config=DetectorConfig())


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("I apologize for the confusion. Here is the corrected list.", 1.0),
        ("You're right, the function should return a list.", 1.0),
        ("Good catch! The loop starts at 1.", 1.0),
        ("Tienes razón, el código tenía un error.", 1.0),
        ("Vous avez raison, voici la version corrigée.", 1.0),
        ("您说得对，这里应该是二。", 1.0),
        ("Here is the list you asked for.", 0.0),
        ("Sure! " + "x" * 400 + " I apologize for the length.", 0.0),  # only the opening is read
    ],
)
def test_answer_admits_error_reads_the_opening_of_each_answer(answer: str, value: float) -> None:
    assert answer_admits_error(_context("First answer.", answer)) == value
