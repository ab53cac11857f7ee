import math

import pytest
from bench.measure import Growth, Sample, growth, interval_buckets, interval_latency


def at(minute: float, worker: float, close: float = 0.0, delay: tuple[tuple[float, float], ...] = ()) -> Sample:
    return Sample(minute * 60, worker, close, lag=0, open_sessions=0, closed=0, close_delay=delay)


@pytest.mark.parametrize(
    ("samples", "rss", "expected"),
    [
        # the warm-up is left out: the baseline is the first sample at or after it
        ([at(0, 100), at(3, 200), at(10, 210), at(20, 220)], "rss_mib", Growth(200, 1.10, 1.10)),
        # a peak in the middle counts as the highest, the end as the end
        ([at(3, 200), at(10, 260), at(20, 210)], "rss_mib", Growth(200, 1.05, 1.30)),
        # the worker and its close process add up, or are taken one by one
        ([at(3, 200, 100), at(20, 200, 150)], "rss_mib", Growth(300, 350 / 300, 350 / 300)),
        ([at(3, 200, 100), at(20, 200, 150)], "worker_rss_mib", Growth(200, 1.0, 1.0)),
        ([at(3, 200, 100), at(20, 200, 150)], "close_rss_mib", Growth(100, 1.5, 1.5)),
        # shrinking after warm-up is growth below one
        ([at(3, 200), at(20, 150)], "rss_mib", Growth(200, 0.75, 1.0)),
        # nothing after the warm-up, or an empty baseline: no figure rather than a wrong one
        ([at(0, 100), at(2.9, 120)], "rss_mib", None),
        ([at(3, 0), at(20, 100)], "rss_mib", None),
        ([], "rss_mib", None),
    ],
)
def test_growth_after_warm_up(samples: list[Sample], rss: str, expected: Growth | None) -> None:
    found = growth(samples, 180, rss)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.baseline_mib, found.final, found.peak) == pytest.approx(
            (expected.baseline_mib, expected.final, expected.peak)
        )


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ((), ((1.0, 2.0), (math.inf, 3.0)), [(1.0, 2.0), (math.inf, 3.0)]),
        (((1.0, 2.0), (math.inf, 3.0)), ((1.0, 5.0), (math.inf, 9.0)), [(1.0, 3.0), (math.inf, 6.0)]),
        (((1.0, 2.0), (math.inf, 3.0)), ((1.0, 2.0), (math.inf, 3.0)), [(1.0, 0.0), (math.inf, 0.0)]),
    ],
)
def test_interval_buckets_are_the_counts_between_two_scrapes(
    before: tuple[tuple[float, float], ...], after: tuple[tuple[float, float], ...], expected: list
) -> None:
    assert interval_buckets(before, after) == expected


def test_interval_latency_reads_only_the_sessions_closed_in_the_interval() -> None:
    first = at(1, 100, delay=((5.0, 10.0), (10.0, 10.0), (math.inf, 10.0)))  # ten closes within 5 s
    second = at(2, 100, delay=((5.0, 10.0), (10.0, 20.0), (math.inf, 20.0)))  # then ten within 5–10 s
    assert interval_latency(None, first, 0.99) == pytest.approx(4.95)
    assert interval_latency(first, second, 0.5) == pytest.approx(7.5)
    assert math.isnan(interval_latency(second, second, 0.5))  # none closed in between
