"""Events per second of the full worker path against raw aiokafka, on identical messages, in one run.

    .venv/bin/python bench/worker_throughput.py [--events 20000] [--envelope 100] [--otlp-spans 100] [--detectors both]
        [--close-workers 0 1] [--paced 0.8] [--before OTHER_CHECKOUT/service --rounds 3]

A private Tansu broker and a private redis-server are started (never the shared
Redis). ShareGPT conversations become contract events, produced once one per
message and once in envelopes; their turns also go once as OTLP trace batches (one GenAI span per
answer, the history repeated in each, see ``otlp_traffic.py``). Then, per layout:

* raw: one aiokafka consumer, ``getmany`` and the service's decoder of that topic; the ceiling;
* worker: a real ``undercurrent worker`` process (faust, decode, validate, dedup,
  Lua session updates in Redis, metrics, session closing and publishing) with
  detectors on and/or off, once per ``--close-workers`` value (0: the close stages
  on the ingest event loop, the former design; n: in n close processes);
* paced (``--paced 0.8``): per ``--close-workers`` value, the single-event traffic again
  at that fraction of the rate the same configuration ingested with detectors on, each
  session ended explicitly, to measure close latency (see ``close_latency.py``);
* before (``--before OTHER_CHECKOUT/service``): every worker pass also with another checkout's
  ``service/`` (first on ``PYTHONPATH``), the two alternating over ``--rounds`` rounds, so a change
  is compared with the code before it in one run, against the same raw baseline.

Worker time starts when faust logs ``Ready`` and stops when ``/metrics`` shows
every event counted ("ingest") and every session closed ("closed"). CPU seconds
are the worker's own with its close processes (and, separately, redis-server's) over the same interval;
the CPU its close processes spent starting (spawn, imports, loading the stages; logged by the worker)
is left out, as the worker's own start is. "Overlap warnings" counts faust's
``Timer … is overlapping`` lines in the worker's log.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import statistics
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil
from aiokafka import AIOKafkaConsumer
from rich.console import Console
from rich.table import Table

from close_latency import Latencies, paced_produce, published_latencies
from measure import Span, bucket_quantile, histogram_buckets, metric_total, ratio
from otlp_traffic import otlp_traffic
from traffic import Traffic, create_topics, produce, produce_batches, synthesise
from undercurrent.config import KafkaSettings
from undercurrent.devstack import start_broker, start_redis
from undercurrent.devstack.stack import Managed
from undercurrent.events import EventDecoder
from undercurrent.otlp.decoder import OtlpDecoder
from undercurrent.producer import Topics
from worker_proc import (
    POOL_READY_LINE,
    Profiler,
    WorkerFailed,
    WorkerProcess,
    children_cpu_seconds,
    cpu_seconds,
)

PARTITIONS = 4
POLL_S = 0.25
PACED_GRACE_S = 5.0  # the default close grace: the latency target is this plus 2 s
OVERLAP_LINE = "is overlapping"
PROGRESS = ("undercurrent_events_total", "undercurrent_sessions_closed_total")


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    envelope: int
    topics: Topics
    events: int
    """Events the worker counts: for OTLP, the turns its spans decode to, history repeats included."""
    sessions: int
    messages: int = 0
    otlp: str | None = None


@dataclass
class WorkerRun:
    code: str
    """``now`` (this checkout) or ``before`` (``--before``)."""
    layout: str
    detectors: bool
    close_workers: int
    ingest: Span
    closed: Span
    redis_cpu_s: float
    broker_cpu_s: float
    peak_rss_mib: float
    close_peak_rss_mib: float
    """Its close processes' peak resident sets, summed (0 without them)."""
    accepted: float
    duplicate: float
    """Turns repeated by later OTLP spans of their conversation: counted, stored once."""
    batch_p50_ms: float
    batch_p99_ms: float
    detector_runs: float
    detector_p50_ms: float
    detector_p99_ms: float
    overlaps: int


@dataclass
class PacedRun:
    close_workers: int
    rate: float
    latency: Latencies
    batch_p99_ms: float
    overlaps: int


@dataclass
class Results:
    events: int
    sessions: int
    mean_event_bytes: float
    messages: dict[str, int] = field(default_factory=dict)
    events_by_layout: dict[str, int] = field(default_factory=dict)
    raw: dict[str, Span] = field(default_factory=dict)
    workers: list[WorkerRun] = field(default_factory=list)
    paced: list[PacedRun] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


async def raw_pass(kafka: KafkaSettings, layout: Layout, timeout_s: float) -> Span:
    """aiokafka ``getmany`` plus the service's decoder: no faust, no Redis."""
    topics, expected = layout.topics, layout.events
    decoders = {topics.chat: EventDecoder("chat").decode, topics.client: EventDecoder("client").decode}
    if layout.otlp:
        decoders[layout.otlp] = OtlpDecoder("otlp_proto", max_message_bytes=2**20, count_spans=lambda *_: None).decode
    consumer = AIOKafkaConsumer(
        *decoders, bootstrap_servers=kafka.bootstrap, group_id=None,
        auto_offset_reset="earliest", enable_auto_commit=False,
    )
    await consumer.start()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        deadline = started + timeout_s
        seen = 0
        while seen < expected and time.perf_counter() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                decode = decoders[tp.topic]
                for message in messages:
                    seen += len(decode(message.value).events)
        return Span(seen, time.perf_counter() - started, time.process_time() - cpu)
    finally:
        await consumer.stop()


def worker_env(
    run: str, name: str, layout: Layout, bootstrap: str, redis_url: str, detectors: bool, close_workers: int,
    service_dir: Path | None = None,
) -> dict[str, str]:
    app = f"{run}-{name}"
    return {
        **({"PYTHONPATH": str(service_dir)} if service_dir else {}),
        "UNDERCURRENT_APP_ID": app,
        "UNDERCURRENT_KAFKA__BOOTSTRAP": bootstrap,
        "UNDERCURRENT_KAFKA__PARTITIONS": str(PARTITIONS),
        "UNDERCURRENT_REDIS_URL": redis_url,
        "UNDERCURRENT_REDIS_KEY_PREFIX": app,
        "UNDERCURRENT_TOPICS__CHAT": layout.topics.chat,
        "UNDERCURRENT_TOPICS__CLIENT": layout.topics.client,
        "UNDERCURRENT_TOPICS__OTLP": layout.otlp or f"{app}.otlp",
        **{f"UNDERCURRENT_TOPICS__{stage.upper()}": f"{app}.{stage}" for stage in
           ("sessions", "dlq", "judge_requests", "judge_verdicts", "judge_dlq")},
        # Every replayed session is already past its idle timeout, so without a grace it would close while the
        # rest of the traffic is still being ingested. Eight quiet seconds per session keep closing out of the
        # ingest measurement (decode, validate, dedup, Redis update, metrics); closing is then measured on its
        # own up to the last close. The wait adds wall time, not CPU.
        "UNDERCURRENT_SESSIONS__CLOSE_GRACE_S": "8",
        "UNDERCURRENT_SESSIONS__SWEEP_INTERVAL_S": "0.5",
        "UNDERCURRENT_SESSIONS__WATERMARK_QUIET_S": "5",
        "UNDERCURRENT_DETECTORS__ENABLED": "true" if detectors else "false",
        "UNDERCURRENT_SESSIONS__CLOSE_WORKERS": str(close_workers),
        "UNDERCURRENT_LOG_FORMAT": "json",
    }


def start_worker(args: argparse.Namespace, name: str, env: dict[str, str], log_dir: Path) -> WorkerProcess:
    worker = WorkerProcess.start(name, env, log_dir)
    try:
        worker.wait_ready(args.ready_timeout)
    except WorkerFailed:
        worker.stop()
        raise
    return worker


def close_startup_cpu_s(worker: WorkerProcess) -> float | None:
    """CPU seconds the worker's close processes spent starting (from its log); None while they start."""
    for line in worker.log_path.read_text(errors="replace").splitlines():
        if POOL_READY_LINE in line:
            return float(json.loads(line)["startup_cpu_s"])
    return None


def worker_cpu_s(worker: WorkerProcess, process: psutil.Process, own0: float) -> float:
    """The worker's CPU seconds since ``own0``, with its close processes' once they are ready: their start is
    left out, as the worker's own is."""
    own = cpu_seconds(process) - own0
    startup = close_startup_cpu_s(worker)
    return own if startup is None else own + children_cpu_seconds(process) - startup


def overlaps(worker: WorkerProcess) -> int:
    return worker.log_path.read_text(errors="replace").count(OVERLAP_LINE)


def worker_pass(
    args: argparse.Namespace, run: str, layout: Layout, detectors: bool, close_workers: int,
    stack: dict[str, Managed], log_dir: Path, code: str = "now", round_: int = 0,
) -> WorkerRun:
    name = f"{layout.name}-detectors-{'on' if detectors else 'off'}-close{close_workers}-{code}{round_}"
    service_dir = args.before if code == "before" else None
    env = worker_env(run, name, layout, stack["broker"].url, stack["redis"].url, detectors, close_workers,
                     service_dir)
    events, sessions = layout.events, layout.sessions
    worker = start_worker(args, name, env, log_dir)
    profiler = None
    try:
        watched = {key: psutil.Process(pid) for key, pid in
                   (("worker", worker.pid), ("redis", stack["redis"].proc.pid), ("broker", stack["broker"].proc.pid))}
        if args.profile:
            profiler = Profiler.attach(worker.pid, args.profile / f"{name}.txt")
        started = time.perf_counter()
        cpu0 = {key: cpu_seconds(p) for key, p in watched.items()}
        ingest: Span | None = None
        deadline = started + args.timeout
        while True:
            time.sleep(POLL_S)
            try:
                page = worker.metrics_page(*PROGRESS)
            except OSError as exc:
                raise WorkerFailed(f"worker {name}: /metrics unreadable ({exc}); log: {worker.log_path}") from exc
            now = time.perf_counter()
            worker_cpu = worker_cpu_s(worker, watched["worker"], cpu0["worker"])
            if ingest is None and metric_total(page, "undercurrent_events_total") >= events:
                ingest = Span(events, now - started, worker_cpu)
            if ingest is not None and metric_total(page, "undercurrent_sessions_closed_total") >= sessions:
                closed = Span(events, now - started, worker_cpu)
                break
            if now > deadline or worker.proc.poll() is not None:
                counted = metric_total(page, "undercurrent_events_total")
                raise WorkerFailed(f"worker {name} did not finish within {args.timeout:.0f}s "
                                   f"({counted:,.0f} of {events:,} events counted); log: {worker.log_path}")
        used = {key: cpu_seconds(p) - cpu0[key] for key, p in watched.items()}
        used["worker"] = worker_cpu_s(worker, watched["worker"], cpu0["worker"])
        if profiler is not None:
            profiler.stop()
        page = worker.metrics_page()
        batches = histogram_buckets(page, "undercurrent_ingest_batch_duration_seconds")
        detector = histogram_buckets(page, "undercurrent_detector_duration_seconds")
        return WorkerRun(
            code=code,
            layout=layout.name,
            detectors=detectors,
            close_workers=close_workers,
            ingest=ingest,
            closed=closed,
            redis_cpu_s=used["redis"],
            broker_cpu_s=used["broker"],
            peak_rss_mib=worker.peak_rss_bytes() / 2**20,
            close_peak_rss_mib=worker.children_peak_rss_bytes() / 2**20,
            accepted=metric_total(page, "undercurrent_events_total", {"outcome": "accepted"}),
            duplicate=metric_total(page, "undercurrent_events_total", {"outcome": "duplicate"}),
            batch_p50_ms=bucket_quantile(batches, 0.5) * 1000,
            batch_p99_ms=bucket_quantile(batches, 0.99) * 1000,
            detector_runs=metric_total(page, "undercurrent_detector_duration_seconds_count"),
            detector_p50_ms=bucket_quantile(detector, 0.5) * 1000,
            detector_p99_ms=bucket_quantile(detector, 0.99) * 1000,
            overlaps=overlaps(worker),
        )
    finally:
        if profiler is not None and profiler.proc.poll() is None:
            profiler.stop()
        worker.stop()


def paced_pass(
    args: argparse.Namespace, run: str, traffic: Traffic, rate: float, close_workers: int,
    stack: dict[str, Managed], log_dir: Path,
) -> PacedRun:
    """The single-event traffic at ``rate`` events/s with detectors on; close latency per session."""
    name = f"paced-close{close_workers}"
    topics = Topics(chat=f"{run}.{name}.chat", client=f"{run}.{name}.client")
    kafka = KafkaSettings(bootstrap=stack["broker"].url)
    asyncio.run(create_topics(kafka, [topics.chat, topics.client], PARTITIONS))
    layout = Layout(name, 1, topics, traffic.events, len(traffic.sessions))
    env = {**worker_env(run, name, layout, kafka.bootstrap, stack["redis"].url, True, close_workers),
           "UNDERCURRENT_SESSIONS__CLOSE_GRACE_S": str(PACED_GRACE_S)}
    worker = start_worker(args, name, env, log_dir)
    try:
        ends = asyncio.run(paced_produce(kafka.bootstrap, traffic.sessions, topics, rate))
        latency = asyncio.run(published_latencies(kafka.bootstrap, f"{run}-{name}.sessions", ends, args.timeout))
        batches = histogram_buckets(worker.metrics_page(), "undercurrent_ingest_batch_duration_seconds")
        return PacedRun(close_workers, rate, latency, bucket_quantile(batches, 0.99) * 1000, overlaps(worker))
    finally:
        worker.stop()


def prepare(
    args: argparse.Namespace, run: str, kafka: KafkaSettings, console: Console
) -> tuple[Results, list[Layout], Traffic]:
    started = time.perf_counter()
    traffic = synthesise(args.events, seed=args.seed)
    results = Results(traffic.events, len(traffic.sessions), traffic.mean_event_bytes)
    console.print(f"synthesised {traffic.events:,} events in {len(traffic.sessions):,} sessions "
                  f"(mean {traffic.mean_event_bytes:,.0f} bytes) in {time.perf_counter() - started:.1f}s")
    layouts = []
    for name, envelope in (("single", 1), (f"envelope{args.envelope}", args.envelope)):
        topics = Topics(chat=f"{run}.{name}.chat", client=f"{run}.{name}.client")
        asyncio.run(create_topics(kafka, [topics.chat, topics.client], PARTITIONS))
        summary = asyncio.run(produce(kafka, traffic, topics, envelope))
        layouts.append(Layout(name, envelope, topics, traffic.events, len(traffic.sessions), summary.messages))
        results.messages[name] = summary.messages
        console.print(f"produced {summary.messages:,} messages ({name}) in {summary.seconds:.1f}s")
    otlp = otlp_traffic(traffic.sessions, args.otlp_spans)
    name = f"otlp{args.otlp_spans}"
    topics = Topics(chat=f"{run}.{name}.chat", client=f"{run}.{name}.client")
    asyncio.run(create_topics(kafka, [topics.chat, topics.client, f"{run}.{name}.otlp"], PARTITIONS))
    seconds = asyncio.run(produce_batches(kafka, f"{run}.{name}.otlp", otlp.batches))
    layouts.append(Layout(name, args.otlp_spans, topics, otlp.turn_events, otlp.sessions, len(otlp.batches),
                          otlp=f"{run}.{name}.otlp"))
    results.messages[name] = len(otlp.batches)
    results.events_by_layout = {layout.name: layout.events for layout in layouts}
    console.print(f"produced {len(otlp.batches):,} OTLP batches ({otlp.spans:,} spans, {otlp.turn_events:,} turn "
                  f"events, {otlp.sessions:,} sessions) in {seconds:.1f}s")
    return results, layouts, traffic


def run(args: argparse.Namespace, console: Console) -> Results:
    log_dir = Path(tempfile.mkdtemp(prefix="undercurrent-bench-"))
    run_id = f"bench{uuid.uuid4().hex[:6]}"
    stack = {"broker": start_broker(log_dir), "redis": start_redis(log_dir)}
    try:
        kafka = KafkaSettings(bootstrap=stack["broker"].url)
        results, layouts, traffic = prepare(args, run_id, kafka, console)
        layouts = [layout for layout in layouts if args.layouts is None or layout.name in args.layouts]
        gc.collect()  # the synthesised traffic is garbage now; keep it out of the timed passes
        for layout in layouts:
            results.raw[layout.name] = asyncio.run(raw_pass(kafka, layout, args.timeout))
            console.print(f"raw aiokafka, {layout.name}: {results.raw[layout.name].events_per_s:,.0f} events/s")
        codes = ["now", "before"] if args.before else ["now"]
        for layout in layouts:
            for close_workers in args.close_workers:
                for detectors in args.detectors:
                    for round_ in range(args.rounds):
                        for code in codes if round_ % 2 == 0 else codes[::-1]:
                            label = (f"worker ({code}, round {round_ + 1}), {layout.name}, "
                                     f"detectors {'on' if detectors else 'off'}, {close_workers} close processes")
                            try:
                                result = worker_pass(args, run_id, layout, detectors, close_workers, stack, log_dir,
                                                     code, round_)
                            except WorkerFailed as exc:
                                results.failures[label] = str(exc)
                                console.print(f"[red]{label}: failed[/red]")
                                continue
                            results.workers.append(result)
                            console.print(f"{label}: {result.ingest.events_per_s:,.0f} events/s, "
                                          f"{result.ingest.events_per_cpu_s:,.0f} events/CPU-s")
        for close_workers in args.close_workers if args.paced else ():
            sustained = [w for w in results.workers
                         if w.code == "now" and w.layout == "single" and w.detectors
                         and w.close_workers == close_workers]
            if not sustained:
                continue
            rate = args.paced * sustained[0].ingest.events_per_s
            label = f"paced, {close_workers} close processes, {rate:,.0f} events/s"
            try:
                paced = paced_pass(args, run_id, traffic, rate, close_workers, stack, log_dir)
            except WorkerFailed as exc:
                results.failures[label] = str(exc)
                continue
            results.paced.append(paced)
            console.print(f"{label}: close latency p99 {paced.latency.p99_s:.2f} s")
        console.print(f"logs: {log_dir}")
        return results
    finally:
        for managed in reversed(stack.values()):
            managed.stop()


def _f(value: float, digits: int = 0) -> str:
    return "–" if math.isnan(value) else f"{value:,.{digits}f}"


def throughput_table(results: Results) -> Table:
    table = Table(title=f"throughput: {results.events:,} events in {results.sessions:,} sessions, "
                        f"mean {results.mean_event_bytes:,.0f} B/event")
    for column in ("path", "layout", "detectors", "close procs", "events", "events/s", "÷ raw", "events/CPU-s", "÷ raw",
                   "events/CPU-s to last close", "not accepted"):
        table.add_column(column, justify="left" if column in ("path", "layout", "detectors") else "right")
    for name, span in results.raw.items():
        table.add_row("raw aiokafka", name, "–", "–", _f(results.events_by_layout[name]), _f(span.events_per_s),
                      "1.000", _f(span.events_per_cpu_s), "1.000", "", "")
    compared = args_before(results)
    for w in results.workers:
        raw = results.raw[w.layout]
        table.add_row(
            f"worker ({w.code})" if compared else "worker", w.layout, "on" if w.detectors else "off",
            str(w.close_workers), _f(w.ingest.events),
            _f(w.ingest.events_per_s), _f(ratio(w.ingest.events_per_s, raw.events_per_s), 3),
            _f(w.ingest.events_per_cpu_s), _f(ratio(w.ingest.events_per_cpu_s, raw.events_per_cpu_s), 3),
            _f(w.closed.events_per_cpu_s), _f(results.events_by_layout[w.layout] - w.accepted - w.duplicate),
        )
    return table


def args_before(results: Results) -> bool:
    return any(w.code == "before" for w in results.workers)


def before_table(results: Results) -> Table:
    """Per pass, medians over the rounds of events per CPU-second and of events/s, as ratios to raw, now against
    before."""
    table = Table(title="this checkout against --before (medians over rounds, ÷ raw)")
    for column in ("layout", "detectors", "close procs", "rounds", "events/CPU-s before", "now", "now ÷ before",
                   "events/s before", "now", "now ÷ before"):
        table.add_column(column, justify="left" if column in ("layout", "detectors") else "right")
    passes: dict[tuple[str, bool, int], dict[str, list[WorkerRun]]] = {}
    for w in results.workers:
        passes.setdefault((w.layout, w.detectors, w.close_workers), {"now": [], "before": []})[w.code].append(w)
    for (layout, detectors, close_workers), runs in passes.items():
        if not runs["now"] or not runs["before"]:
            continue
        raw = results.raw[layout]
        cells = []
        for rate, raw_rate in ((lambda w: w.ingest.events_per_cpu_s, raw.events_per_cpu_s),
                               (lambda w: w.ingest.events_per_s, raw.events_per_s)):
            now, before = (statistics.median(ratio(rate(w), raw_rate) for w in runs[code])
                           for code in ("now", "before"))
            cells += [_f(before, 3), _f(now, 3), _f(ratio(now, before), 2)]
        table.add_row(layout, "on" if detectors else "off", str(close_workers),
                      f"{len(runs['now'])} / {len(runs['before'])}", *cells)
    return table


def resources_table(results: Results) -> Table:
    table = Table(title="worker resources (to last close)")
    for column in ("code", "layout", "detectors", "close procs", "wall s", "worker CPU s", "redis CPU s",
                   "events/redis CPU-s", "broker CPU s", "peak RSS MiB", "close procs peak RSS MiB", "batch p50/p99 ms",
                   "detector runs",
                   "detector p50/p99 ms", "overlap warnings"):
        table.add_column(column, justify="left" if column in ("layout", "detectors") else "right")
    for w in results.workers:
        table.add_row(
            w.code, w.layout, "on" if w.detectors else "off", str(w.close_workers), _f(w.closed.wall_s, 1),
            _f(w.closed.cpu_s, 1),
            _f(w.redis_cpu_s, 1), _f(ratio(w.closed.events, w.redis_cpu_s)), _f(w.broker_cpu_s, 1),
            _f(w.peak_rss_mib), _f(w.close_peak_rss_mib), f"{_f(w.batch_p50_ms, 1)} / {_f(w.batch_p99_ms, 1)}",
            _f(w.detector_runs), f"{_f(w.detector_p50_ms, 2)} / {_f(w.detector_p99_ms, 2)}", str(w.overlaps),
        )
    return table


def detectors_cost_table(results: Results) -> Table:
    """Detectors on against off, per layout and close design: what closing costs ingest."""
    table = Table(title="detectors on ÷ off (targets: batch p99 ≤ 1.2, events/CPU-s to last close ≥ 0.5)")
    for column in ("layout", "close procs", "batch p99 on ÷ off", "events/CPU-s to last close on ÷ off"):
        table.add_column(column, justify="left" if column == "layout" else "right")
    runs = {(w.layout, w.close_workers, w.detectors): w for w in results.workers if w.code == "now"}
    for (layout, close_workers, detectors), on in runs.items():
        off = runs.get((layout, close_workers, False))
        if not detectors or off is None:
            continue
        table.add_row(layout, str(close_workers), _f(ratio(on.batch_p99_ms, off.batch_p99_ms), 2),
                      _f(ratio(on.closed.events_per_cpu_s, off.closed.events_per_cpu_s), 2))
    return table


def latency_table(results: Results) -> Table:
    table = Table(title=f"close latency, deadline → record published, detectors on "
                        f"(target: p99 ≤ grace {PACED_GRACE_S:.0f} s + 2 s)")
    for column in ("close procs", "events/s", "sessions published", "p50 s", "p99 s", "max s",
                   "batch p99 ms", "overlap warnings"):
        table.add_column(column, justify="right")
    for p in results.paced:
        table.add_row(str(p.close_workers), _f(p.rate), f"{p.latency.published:,} / {p.latency.sessions:,}",
                      _f(p.latency.p50_s, 2), _f(p.latency.p99_s, 2), _f(p.latency.max_s, 2),
                      _f(p.batch_p99_ms, 1), str(p.overlaps))
    return table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="events to synthesise and consume")
    parser.add_argument("--envelope", type=int, default=100, help="events per envelope message")
    parser.add_argument("--otlp-spans", type=int, default=100, help="GenAI spans per OTLP trace batch")
    parser.add_argument("--detectors", choices=("on", "off", "both"), default="both")
    parser.add_argument("--layouts", nargs="+", help="only these layouts (single, envelope100, otlp100; default all)")
    parser.add_argument("--close-workers", type=int, nargs="+", default=[1],
                        help="close processes per worker pass; 0 runs the close stages on the ingest loop")
    parser.add_argument("--paced", type=float, default=0.8,
                        help="fraction of the measured detectors-on rate for the close-latency pass (0: none)")
    parser.add_argument("--before", type=Path,
                        help="another checkout's service/ directory: every worker pass also with its code, alternating")
    parser.add_argument("--rounds", type=int, default=1, help="worker passes per configuration (and per code)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds allowed per pass")
    parser.add_argument("--ready-timeout", type=float, default=90.0, help="seconds for a worker to join its group")
    parser.add_argument("--profile", type=Path, help="write py-spy collapsed stacks of each worker here")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.detectors = {"on": (True,), "off": (False,), "both": (False, True)}[args.detectors]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    return args


def main() -> None:
    args = parse_args()
    console = Console(width=max(Console().width, 180))
    results = run(args, console)
    console.print(throughput_table(results))
    console.print(resources_table(results))
    console.print(detectors_cost_table(results))
    if args_before(results):
        console.print(before_table(results))
    if results.paced:
        console.print(latency_table(results))
    if any(w.accepted + w.duplicate != results.events_by_layout[w.layout] for w in results.workers):
        console.print("[yellow]some worker accepted a different number of events than were produced[/yellow]")
    for label, reason in results.failures.items():
        console.print(f"[red]{label} failed:[/red] {reason}")
    if args.json:
        args.json.write_text(json.dumps(asdict(results), indent=1, default=str))


if __name__ == "__main__":
    main()
