import math

import pytest
from bench.measure import Span, bucket_quantile, group_join_s, histogram_buckets, metric_total, peak_rss_bytes

PAGE = """\
# HELP undercurrent_events_total Events consumed.
# TYPE undercurrent_events_total counter
undercurrent_events_total{topic="a",type="turn",outcome="accepted"} 7.0
undercurrent_events_total{topic="b",type="copy",outcome="accepted"} 3.0
undercurrent_events_total{topic="b",type="copy",outcome="late"} 2.0
# HELP undercurrent_ingest_batch_duration_seconds Batch time.
# TYPE undercurrent_ingest_batch_duration_seconds histogram
undercurrent_ingest_batch_duration_seconds_bucket{topic="a",le="0.1"} 4.0
undercurrent_ingest_batch_duration_seconds_bucket{topic="a",le="1.0"} 8.0
undercurrent_ingest_batch_duration_seconds_bucket{topic="a",le="+Inf"} 10.0
undercurrent_ingest_batch_duration_seconds_bucket{topic="b",le="0.1"} 0.0
undercurrent_ingest_batch_duration_seconds_bucket{topic="b",le="1.0"} 0.0
undercurrent_ingest_batch_duration_seconds_bucket{topic="b",le="+Inf"} 0.0
undercurrent_ingest_batch_duration_seconds_count{topic="a"} 10.0
undercurrent_ingest_batch_duration_seconds_sum{topic="a"} 3.0
"""


@pytest.mark.parametrize(
    ("labels", "expected"),
    [(None, 12.0), ({"outcome": "accepted"}, 10.0), ({"topic": "b"}, 5.0), ({"topic": "c"}, 0.0)],
)
def test_metric_total_sums_matching_samples(labels, expected):
    assert metric_total(PAGE, "undercurrent_events_total", labels) == expected


def test_histogram_buckets_sum_over_label_sets():
    assert histogram_buckets(PAGE, "undercurrent_ingest_batch_duration_seconds") == [
        (0.1, 4.0), (1.0, 8.0), (math.inf, 10.0)
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0.2, 0.05), (0.4, 0.1), (0.6, 0.55), (0.99, 1.0)],
)
def test_bucket_quantile_interpolates_like_promql(q, expected):
    buckets = [(0.1, 4.0), (1.0, 8.0), (math.inf, 10.0)]
    assert bucket_quantile(buckets, q) == pytest.approx(expected)


def test_bucket_quantile_of_an_empty_histogram_is_nan():
    assert math.isnan(bucket_quantile([(0.1, 0.0), (math.inf, 0.0)], 0.5))


@pytest.mark.parametrize(
    ("span", "per_s", "per_cpu_s"),
    [(Span(1000, 2.0, 4.0), 500.0, 250.0), (Span(10, 0.0, 0.0), math.nan, math.nan)],
)
def test_span_rates(span, per_s, per_cpu_s):
    assert span.events_per_s == pytest.approx(per_s, nan_ok=True)
    assert span.events_per_cpu_s == pytest.approx(per_cpu_s, nan_ok=True)


def test_peak_rss_reads_vmhwm():
    status = "Name:\tpython\nVmPeak:\t  900 kB\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n"
    assert peak_rss_bytes(status) == 2048 * 1024


def test_peak_rss_without_vmhwm_is_an_error():
    with pytest.raises(ValueError):
        peak_rss_bytes("Name:\tpython\n")


JOIN_LOG = """\
[2026-11-30 06:42:37,001] [1] [INFO] [^Worker]: Starting...
[2026-11-30 06:42:38,049] [1] [INFO] (Re-)joining group undercurrent
[2026-11-30 06:42:40,062] [1] [INFO] Joined group 'undercurrent' (generation 0) with member_id m
+------------------+
| a table line     |
[2026-11-30 06:42:45,000] [1] [INFO] Joined group 'undercurrent' (generation 1) with member_id m
"""


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        (JOIN_LOG, 2.013),
        (JOIN_LOG.replace("Joined group", "Left"), None),
        ("", None),
    ],
)
def test_group_join_is_the_first_join_after_the_first_request(log, expected):
    assert group_join_s(log) == (expected if expected is None else pytest.approx(expected))
