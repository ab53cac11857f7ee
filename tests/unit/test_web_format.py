import pytest

from undercurrent.web.format import gap, score, utc_time


@pytest.mark.parametrize(
    "ms, expected",
    [(None, ""), (250, "+250 ms"), (4_000, "+4s"), (252_000, "+4m 12s"), (3_600_000, "+1h"), (3_661_000, "+1h 1m 1s")],
)
def test_gap(ms: int | None, expected: str) -> None:
    assert gap(ms) == expected


def test_times_are_utc() -> None:
    assert utc_time(1_736_935_200_000) == "2025-01-15 10:00:00Z"
    assert utc_time(None) == "–"


def test_score() -> None:
    assert (score(None), score(0.8234)) == ("–", "0.82")
