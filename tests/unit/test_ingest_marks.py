"""Which watermarks each chunk of a batch writes: a sweep between two chunks must not close a session
whose turns are still in the batch."""

from __future__ import annotations

import pytest

from undercurrent.events.model import Turn
from undercurrent.ingest.pipeline import BatchMarks, batch_marks
from undercurrent.kafka.message import Message


def _message(topic: str, partition: int, *times: int) -> tuple[Message, list[Turn]]:
    events = [Turn(event_id=f"{topic}{partition}-{t}", session_id="s", ts=t, role="user", text="hi") for t in times]
    return Message(topic, partition, 0, None, b""), events


@pytest.mark.parametrize(
    ("work", "floor", "high"),
    [
        ([_message("chat", 0, 1000)], {"chat/0": 999}, {"chat/0": 1000}),
        ([_message("chat", 0, 5000, 2000, 9000)], {"chat/0": 1999}, {"chat/0": 9000}),
        (
            [_message("chat", 0, 5000), _message("chat", 0, 3000, 4000), _message("client", 2, 7000)],
            {"chat/0": 2999, "client/2": 6999},
            {"chat/0": 5000, "client/2": 7000},
        ),
    ],
)
def test_a_batch_holds_each_partition_before_its_oldest_event_until_its_newest_is_in(
    work: list[tuple[Message, list[Turn]]], floor: dict[str, int], high: dict[str, int]
) -> None:
    assert batch_marks(work) == BatchMarks(floor, high)


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        (1, ["high"]),
        (2, ["floor", "high"]),
        (4, ["floor", "floor", "floor", "high"]),
    ],
)
def test_only_the_last_chunk_moves_the_watermarks_forward(chunks: int, expected: list[str]) -> None:
    marks = BatchMarks(floor={"chat/0": 1}, high={"chat/0": 2})
    assert marks.per_chunk(chunks) == [getattr(marks, name) for name in expected]
