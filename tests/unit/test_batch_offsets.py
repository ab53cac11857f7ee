"""Which fetched records a batch delivers and which offsets count as gaps, as faust's drain loop decides
record by record."""

from __future__ import annotations

import pytest

from undercurrent.kafka.batches import Unread, unread


@pytest.mark.parametrize(
    ("read", "offsets", "expected"),
    [
        (None, [0, 1, 2], Unread(0, [])),  # nothing read yet
        (None, [5, 6], Unread(0, [])),  # first fetch after start: no gap before the first record
        (4, [5, 6, 7], Unread(0, [])),  # the next records
        (5, [5, 6], Unread(0, [])),  # a seek to the committed offset: it is the next to read
        (6, [4, 5, 6, 7], Unread(2, [])),  # fetched again after a seek back: delivered once
        (9, [4, 5], Unread(2, [])),  # all read before
        (4, [7, 8], Unread(0, [(5, 6)])),  # records missing after the last read one
        (4, [5, 8, 9, 12], Unread(0, [(6, 7), (10, 11)])),  # and between two of the batch
        (0, [3, 4], Unread(0, [])),  # faust takes a read offset of 0 for none
        (None, [], Unread(0, [])),
    ],
)
def test_unread_records_and_gaps(read: int | None, offsets: list[int], expected: Unread) -> None:
    assert unread(read, offsets) == expected
