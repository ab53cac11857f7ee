"""Pure arithmetic of the benchmark: rates, CPU efficiency, values read from a /metrics page, soak growth."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True, slots=True)
class Span:
    """What one pass consumed, in how much wall time and CPU time."""

    events: int
    wall_s: float
    cpu_s: float

    @property
    def events_per_s(self) -> float:
        return self.events / self.wall_s if self.wall_s > 0 else math.nan

    @property
    def events_per_cpu_s(self) -> float:
        return self.events / self.cpu_s if self.cpu_s > 0 else math.nan


def ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else math.nan


def metric_total(page: str, name: str, labels: Mapping[str, str] | None = None) -> float:
    """Sum of the samples called ``name`` whose labels include ``labels``."""
    wanted = labels or {}
    return sum(
        sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in wanted.items())
    )


def histogram_buckets(page: str, name: str) -> list[tuple[float, float]]:
    """Cumulative ``(upper bound, count)`` of histogram ``name``, summed over its label sets."""
    counts: dict[float, float] = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == f"{name}_bucket":
                bound = float(sample.labels["le"])
                counts[bound] = counts.get(bound, 0.0) + sample.value
    return sorted(counts.items())


def bucket_quantile(buckets: Iterable[tuple[float, float]], q: float) -> float:
    """Quantile by linear interpolation inside the bucket, as PromQL's ``histogram_quantile`` does."""
    cumulative = sorted(buckets)
    if not cumulative or cumulative[-1][1] <= 0:
        return math.nan
    rank = q * cumulative[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in cumulative:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 1.0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return lower_bound


def peak_rss_bytes(proc_status: str) -> int:
    """``VmHWM`` (the resident-set high-water mark) from the text of ``/proc/<pid>/status``."""
    for line in proc_status.splitlines():
        if line.startswith("VmHWM:"):
            value, unit = line.split()[1:3]
            return int(value) * {"kB": 1024, "mB": 1024**2}[unit]
    raise ValueError("no VmHWM line in the status text")


_LOG_TIME = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\]")


def group_join_s(log: str) -> float | None:
    """Seconds from faust's first "(Re-)joining group" line to its first "Joined group" line, if both are there."""
    started = joined = None
    for line in log.splitlines():
        stamp = _LOG_TIME.match(line)
        if stamp is None:
            continue
        if started is None and "(Re-)joining group" in line:
            started = datetime.strptime(stamp[1], "%Y-%m-%d %H:%M:%S,%f")
        elif started is not None and "Joined group" in line:
            joined = datetime.strptime(stamp[1], "%Y-%m-%d %H:%M:%S,%f")
            break
    return None if started is None or joined is None else (joined - started).total_seconds()


@dataclass(frozen=True, slots=True)
class Sample:
    """One look at the worker, ``at_s`` seconds into the soak."""

    at_s: float
    worker_rss_mib: float
    close_rss_mib: float
    lag: float
    open_sessions: float
    closed: float
    close_delay: tuple[tuple[float, float], ...]
    """Cumulative ``(upper bound, count)`` of the close-delay histogram since the worker started."""

    @property
    def rss_mib(self) -> float:
        return self.worker_rss_mib + self.close_rss_mib


@dataclass(frozen=True, slots=True)
class Growth:
    """Resident set after warm-up as ratios to the first sample after it."""

    baseline_mib: float
    final: float
    peak: float


def interval_buckets(
    before: tuple[tuple[float, float], ...], after: tuple[tuple[float, float], ...]
) -> list[tuple[float, float]]:
    """The histogram's counts between two scrapes: cumulative counts of ``after`` minus ``before``, per bound."""
    earlier = dict(before)
    return [(bound, count - earlier.get(bound, 0.0)) for bound, count in after]


def interval_latency(before: Sample | None, after: Sample, q: float) -> float:
    """Close latency quantile ``q`` of the sessions closed between two samples (NaN if none closed)."""
    return bucket_quantile(interval_buckets(before.close_delay if before else (), after.close_delay), q)


def growth(samples: list[Sample], warm_up_s: float, rss: str = "rss_mib") -> Growth | None:
    """RSS growth after warm-up (``rss``: which resident set); None if no sample follows the warm-up."""
    after = [getattr(s, rss) for s in samples if s.at_s >= warm_up_s]
    if not after or after[0] <= 0:
        return None
    return Growth(after[0], after[-1] / after[0], max(after) / after[0])
