"""Soak: a real worker for ``--minutes`` at half its sustainable rate; does its memory level off?

    .venv/bin/python bench/soak.py                       # calibrate, then 20 minutes at half the rate
    .venv/bin/python bench/soak.py --rate 3400 --minutes 20 --every 30 --warm-up 3

A private Tansu broker and a private redis-server are started (never the shared Redis), as in
``worker_throughput.py``. The sustainable rate is ``--rate`` or, without it, the single-event ingest
rate of a detectors-on worker with one close process on ``--calibrate-events`` events (that
benchmark's worker pass). Then a fresh worker, configured the same way, receives ShareGPT sessions
(the same synthesis) one event per message at ``--fraction`` of that rate, each session ended
explicitly, for ``--minutes``.

Every ``--every`` seconds it records the resident set of the worker and of its close processes,
consumer lag and open sessions (the worker's gauges), and close latency p50/p99 over the interval
(the worker's ``undercurrent_session_close_delay_seconds`` histogram: last accepted event to record
published, close grace included). Growth is the resident set at the end, and at its highest, over
the first sample after ``--warm-up`` minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

from close_latency import paced_produce
from measure import Sample, growth, histogram_buckets, interval_latency, metric_total
from traffic import create_topics, produce, session_stream, synthesise
from undercurrent.config import KafkaSettings
from undercurrent.devstack import start_broker, start_redis
from undercurrent.devstack.stack import Managed
from undercurrent.producer import Topics
from worker_proc import WorkerProcess
from worker_throughput import PACED_GRACE_S, PARTITIONS, Layout, start_worker, worker_env, worker_pass

CLOSE_DELAY = "undercurrent_session_close_delay_seconds"


def sample(worker: WorkerProcess, started: float) -> Sample:
    page = worker.metrics_page()
    process = psutil.Process(worker.pid)
    close_rss = 0
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            close_rss += child.memory_info().rss
    return Sample(
        at_s=time.perf_counter() - started,
        worker_rss_mib=process.memory_info().rss / 2**20,
        close_rss_mib=close_rss / 2**20,
        lag=metric_total(page, "undercurrent_consumer_lag"),
        open_sessions=metric_total(page, "undercurrent_sessions_open"),
        closed=metric_total(page, "undercurrent_sessions_closed_total"),
        close_delay=tuple(histogram_buckets(page, CLOSE_DELAY)),
    )


def sample_every(worker: WorkerProcess, every_s: float, stop: threading.Event, samples: list[Sample]) -> None:
    started = time.perf_counter()
    samples.append(sample(worker, started))
    while not stop.wait(every_s - (time.perf_counter() - started) % every_s):
        samples.append(sample(worker, started))


def calibrate(args: argparse.Namespace, run: str, stack: dict[str, Managed], log_dir: Path) -> float:
    """Events/s a detectors-on worker with one close process ingests, one event per message."""
    traffic = synthesise(args.calibrate_events, seed=args.seed)
    kafka = KafkaSettings(bootstrap=stack["broker"].url)
    topics = Topics(chat=f"{run}.calibrate.chat", client=f"{run}.calibrate.client")
    asyncio.run(create_topics(kafka, [topics.chat, topics.client], PARTITIONS))
    asyncio.run(produce(kafka, traffic, topics, 1))
    layout = Layout("single", 1, topics, traffic.events, len(traffic.sessions))
    return worker_pass(args, run, layout, True, 1, stack, log_dir).ingest.events_per_s


def soak(args: argparse.Namespace, run: str, rate: float, stack: dict[str, Managed], log_dir: Path) -> list[Sample]:
    kafka = KafkaSettings(bootstrap=stack["broker"].url)
    topics = Topics(chat=f"{run}.soak.chat", client=f"{run}.soak.client")
    asyncio.run(create_topics(kafka, [topics.chat, topics.client], PARTITIONS))
    layout = Layout("soak", 1, topics, 0, 0)
    env = {**worker_env(run, "soak", layout, kafka.bootstrap, stack["redis"].url, True, 1),
           "UNDERCURRENT_SESSIONS__CLOSE_GRACE_S": str(PACED_GRACE_S)}
    worker = start_worker(args, "soak", env, log_dir)
    samples: list[Sample] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_every, args=(worker, args.every, stop, samples), daemon=True)
    try:
        seconds = args.minutes * 60
        # Sessions average well over five events, so the schedule never runs out of its window.
        stream = session_stream(seed=args.seed, expected=int(rate * seconds / 5) + 1000)
        sampler.start()
        asyncio.run(paced_produce(kafka.bootstrap, stream, topics, rate, seconds=seconds))
        time.sleep(args.every)  # one more sample after the last event
        return samples
    finally:
        stop.set()
        sampler.join(args.every + 10)
        worker.stop()


def _f(value: float, digits: int = 0) -> str:
    return "–" if math.isnan(value) else f"{value:,.{digits}f}"


def samples_table(samples: list[Sample], rate: float, warm_up_s: float) -> Table:
    table = Table(title=f"soak at {rate:,.0f} events/s (warm-up: first {warm_up_s / 60:.0f} min)")
    for column in ("min", "worker RSS MiB", "close proc RSS MiB", "consumer lag", "open sessions",
                   "sessions closed", "close latency p50 / p99 s"):
        table.add_column(column, justify="right")
    for before, after in zip([None, *samples], samples, strict=False):
        table.add_row(
            f"{after.at_s / 60:.1f}", _f(after.worker_rss_mib, 1), _f(after.close_rss_mib, 1), _f(after.lag),
            _f(after.open_sessions), _f(after.closed),
            f"{_f(interval_latency(before, after, 0.5), 2)} / {_f(interval_latency(before, after, 0.99), 2)}",
        )
    return table


def growth_lines(samples: list[Sample], warm_up_s: float) -> list[str]:
    lines = []
    for label, rss in (("worker + close process", "rss_mib"), ("worker", "worker_rss_mib"),
                       ("close process", "close_rss_mib")):
        g = growth(samples, warm_up_s, rss)
        if g is None:
            lines.append(f"{label}: no sample after the warm-up")
            continue
        lines.append(f"{label}: RSS after warm-up {g.baseline_mib:,.1f} MiB; at the end ×{g.final:.3f}, "
                     f"highest ×{g.peak:.3f} (target: growth < 10 %)")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, help="sustainable events/s (default: calibrate)")
    parser.add_argument("--fraction", type=float, default=0.5, help="share of the sustainable rate to send")
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--warm-up", type=float, default=3.0, help="minutes before the growth baseline")
    parser.add_argument("--calibrate-events", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for the calibration pass")
    parser.add_argument("--ready-timeout", type=float, default=90.0, help="seconds for a worker to join its group")
    args = parser.parse_args(argv)
    args.profile = None  # the calibration pass is the throughput benchmark's worker pass, without py-spy
    return args


def main() -> None:
    args = parse_args()
    console = Console(width=max(Console().width, 140))
    log_dir = Path(tempfile.mkdtemp(prefix="undercurrent-soak-"))
    run = f"soak{uuid.uuid4().hex[:6]}"
    stack = {"broker": start_broker(log_dir), "redis": start_redis(log_dir)}
    try:
        sustainable = args.rate or calibrate(args, run, stack, log_dir)
        rate = args.fraction * sustainable
        console.print(f"sustainable {sustainable:,.0f} events/s; soaking at {rate:,.0f} events/s "
                      f"for {args.minutes:g} min; load average {' '.join(map(str, psutil.getloadavg()))}")
        samples = soak(args, run, rate, stack, log_dir)
    finally:
        for managed in reversed(stack.values()):
            managed.stop()
    warm_up_s = args.warm_up * 60
    console.print(samples_table(samples, rate, warm_up_s))
    for line in growth_lines(samples, warm_up_s):
        console.print(line)
    console.print(f"load average at the end {' '.join(map(str, psutil.getloadavg()))}; logs: {log_dir}")


if __name__ == "__main__":
    main()
