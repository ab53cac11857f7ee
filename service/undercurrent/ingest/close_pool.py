"""Closed-session records built in worker processes, off the ingest event loop.

The close stages (language, detectors, sampling, redaction) are pure functions
of a session's stored events apart from their metrics, and they are the CPU-heavy
part of closing: run on the event loop, a batch of closes holds every ingest
consumer back for as long as it takes. Here they run in a small process pool of
the worker. What crosses the process boundary is msgspec data: claimed sessions
(their undecoded events) go in; built records and the metric updates the stages
made come back, and the updates are applied to the worker's own metrics, so the
metrics page looks the same whichever process closed a session.

Claiming, publishing and finalising stay on the event loop: they are I/O, and
keeping them there keeps the close-once protocol exactly as it was.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess

import msgspec
import structlog

from ..config import Settings
from ..metrics.labels import LabelBounds
from ..sampling.stage import BudgetScale
from ..sessions.closer import Built, build_all
from ..sessions.store import ClaimedSession
from .stages import StageMetrics, close_stages

log = structlog.get_logger(__name__)

CHUNK = 20
"""Sessions per task: large enough to amortise a round trip, small enough to spread over the processes."""
STOP_WAIT_S = 5.0


class MetricUpdate(msgspec.Struct, frozen=True, array_like=True):
    group: str
    metric: str
    labels: tuple[str, ...]
    method: str
    value: float


class CloseJob(msgspec.Struct, frozen=True, array_like=True):
    now_ms: int
    budget_scale: float
    sessions: list[ClaimedSession]


class CloseResult(msgspec.Struct, frozen=True, array_like=True):
    built: list[Built]
    updates: list[MetricUpdate]


@dataclass(slots=True)
class _Series:
    """Stands in for a prometheus metric (or one of its labelled children) and records what is done to it."""

    updates: list[MetricUpdate]
    group: str
    metric: str
    label_values: tuple[str, ...] = ()

    def labels(self, *values: str) -> _Series:
        return _Series(self.updates, self.group, self.metric, values)

    def inc(self, amount: float = 1.0) -> None:
        self.updates.append(MetricUpdate(self.group, self.metric, self.label_values, "inc", amount))

    def observe(self, value: float) -> None:
        self.updates.append(MetricUpdate(self.group, self.metric, self.label_values, "observe", value))

    def info(self, value: dict[str, str]) -> None:
        """Constant for the process: the worker's own copy of the stage sets it."""


@dataclass(slots=True)
class _Group:
    updates: list[MetricUpdate]
    group: str

    def __getattr__(self, metric: str) -> _Series:
        return _Series(self.updates, self.group, metric)


@dataclass(slots=True)
class _Scale:
    scale: float = 1.0


@dataclass
class _CloseProcess:
    """The state of one pool process: its own copy of the close stages, recording their metric updates."""

    settings: Settings
    user_id_key: bytes
    updates: list[MetricUpdate] = field(default_factory=list)
    budget: _Scale = field(default_factory=_Scale)

    def __post_init__(self) -> None:
        groups = (_Group(self.updates, name) for name in ("language", "detectors", "sampling"))
        bounds = LabelBounds(self.settings.labels.features, self.settings.labels.domains)
        self.stages = close_stages(self.settings, bounds, StageMetrics(*groups), self.budget, self.user_id_key)
        self.updates.clear()  # series set up at zero: the worker's own stages did that

    def run(self, job: CloseJob) -> CloseResult:
        self.budget.scale = job.budget_scale
        built = build_all(job.sessions, job.now_ms, self.stages, self.settings)
        updates = list(self.updates)
        self.updates.clear()
        return CloseResult(built, updates)


_process: _CloseProcess | None = None
_job_decoder = msgspec.msgpack.Decoder(CloseJob)
_result_decoder = msgspec.msgpack.Decoder(CloseResult)
_encoder = msgspec.msgpack.Encoder()


def _start(settings: Settings, user_id_key: bytes) -> None:
    global _process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the worker stops the pool
    threading.Thread(target=_exit_with_worker, name="exit-with-worker", daemon=True).start()
    # Nothing to flush or close at exit; tearing down the loaded stages' objects one by one takes seconds.
    atexit.register(os._exit, 0)
    _process = _CloseProcess(settings, user_id_key)


def _exit_with_worker() -> None:
    """A worker killed outright (SIGKILL, OOM) cannot stop its pool: each process leaves when it sees that."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _run(job: bytes) -> bytes:
    assert _process is not None, "pool process not initialised"
    return _encoder.encode(_process.run(_job_decoder.decode(job)))


def _ready() -> float:
    """The CPU seconds the process took to start and load its stages (submitting this starts it)."""
    return time.process_time()


class ClosePool:
    """Builds closed-session records in ``sessions.close_workers`` processes.

    In flight at a time: one sweep batch (``sessions.sweep_batch`` sessions), in
    tasks of :data:`CHUNK`; the sweeper starts the next batch when this one is
    published, so closes waiting their turn stay in the Redis close index rather
    than in a queue here.
    """

    def __init__(self, settings: Settings, metrics: StageMetrics, budget: BudgetScale, user_id_key: bytes) -> None:
        self.settings = settings
        self.metrics = metrics
        self.budget = budget
        self.user_id_key = user_id_key
        self.ready = False
        self._start_processes()

    def _start_processes(self) -> None:
        """Spawn the processes now (they load their stages while faust joins its group); :meth:`start` awaits them."""
        self.executor = self._executor()
        self.warming = [self.executor.submit(_ready) for _ in range(self.settings.sessions.close_workers)]

    def _executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.settings.sessions.close_workers,
            # spawn: a fresh interpreter, never a fork of a process with an event loop and threads running
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.settings, self.user_id_key),
        )

    async def start(self) -> None:
        """Start the processes and load their stages, if not done yet.

        The closer calls this before it claims anything: starting takes seconds (much longer on a
        busy machine), and a claim's lease must not run out while its batch waits for a process.
        """
        if self.ready:
            return
        startup_cpu_s = await asyncio.gather(*(asyncio.wrap_future(f) for f in self.warming))
        self.ready = True
        log.info("close processes ready", processes=len(self.warming), startup_cpu_s=round(sum(startup_cpu_s), 3))

    async def build(self, sessions: list[ClaimedSession], now_ms: int) -> list[Built]:
        loop = asyncio.get_running_loop()
        scale = self.budget.scale
        jobs = [_encoder.encode(CloseJob(now_ms, scale, sessions[i : i + CHUNK]))
                for i in range(0, len(sessions), CHUNK)]
        try:
            replies = await asyncio.gather(*(loop.run_in_executor(self.executor, _run, job) for job in jobs))
        except BrokenProcessPool:
            # A process died (killed, out of memory): these claims are retried after their lease.
            log.error("a close process died; starting new ones")
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.ready = False
            self._start_processes()
            raise
        built: list[Built] = []
        for reply in replies:
            result = _result_decoder.decode(reply)
            self._apply(result.updates)
            built += result.built
        return built

    def _apply(self, updates: list[MetricUpdate]) -> None:
        for update in updates:
            metric = getattr(getattr(self.metrics, update.group), update.metric)
            if update.labels:
                metric = metric.labels(*update.labels)
            getattr(metric, update.method)(update.value)

    async def close(self, timeout_s: float = STOP_WAIT_S) -> None:
        """Stop the processes; one still busy after ``timeout_s`` (a batch given up on at shutdown) is killed."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        # The pool's processes are this worker's only multiprocessing children.
        stuck = await asyncio.to_thread(_join, multiprocessing.active_children(), timeout_s)
        for process in stuck:
            log.warning("close process did not stop; killing it", pid=process.pid)
            process.kill()


def _join(processes: list[BaseProcess], timeout_s: float) -> list[BaseProcess]:
    """Wait for the processes to exit, ``timeout_s`` for all together; the ones still alive."""
    deadline = time.monotonic() + timeout_s
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    return [p for p in processes if p.is_alive()]
