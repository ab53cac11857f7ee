"""The watermark that decides when sessions are due: the lowest event time of the active input partitions."""

from __future__ import annotations

import pytest

from undercurrent.sessions.protocol import Mark, watermark


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([], 10_000),  # no partition seen: the wall clock
        ([Mark(5000, 9000)], 5_000),
        ([Mark(5000, 9000), Mark(4000, 9500)], 4_000),  # the lagging partition holds back
        ([Mark(5000, 9000), Mark(100, 1000)], 5_000),  # quiet for 9 s of a 5 s quiet time: ignored
        ([Mark(100, 1000)], 10_000),
        ([Mark(100, 5000)], 10_000),  # active until exactly quiet_ms after its last batch, not at it
    ],
)
def test_the_watermark_is_the_lowest_of_the_active_partitions(marks: list[Mark], expected: int) -> None:
    assert watermark(marks, now_ms=10_000, quiet_ms=5_000) == expected
