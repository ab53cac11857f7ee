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
keeping them there keeps the close-once protocol exactly as it was. Until the
processes are ready, or after one died, the stages run on the event loop
(:mod:`.close_route`), so closing never waits for a process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess

import structlog

from ..config import Settings
from ..ingest.stages import StageMetrics
from ..metrics.definitions import SessionMetrics
from ..sampling.budget_view import BudgetScale
from ..sessions.claimed import ClaimedSession
from . import close_process
from .build import Built, InlineBuilder
from .close_process import CloseJob, MetricUpdate
from .close_route import PoolState, PoolView, decide, restart_delay_s

log = structlog.get_logger(__name__)

CHUNK = 20
"""Sessions per task: large enough to amortise a round trip, small enough to spread over the processes."""
STOP_WAIT_S = 5.0


class ClosePool:
    """Builds closed-session records in ``sessions.close_workers`` processes, on the event loop meanwhile.

    The processes are spawned when the pool is created and warmed in the background (spawn,
    imports, loading the stages, one empty job); until they report ready, and while new ones start
    after a process died, batches are built on the event loop by ``inline`` (:mod:`.close_route`).
    A batch whose process dies is built again on the loop at once, so its claims never wait for
    their lease.

    In flight at a time: one sweep batch (``sessions.sweep_batch`` sessions), in
    tasks of :data:`CHUNK`; the sweeper starts the next batch when this one is
    published, so closes waiting their turn stay in the Redis close index rather
    than in a queue here.
    """

    def __init__(
        self, settings: Settings, metrics: StageMetrics, budget: BudgetScale, user_id_key: bytes,
        inline: InlineBuilder, session_metrics: SessionMetrics,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.budget = budget
        self.user_id_key = user_id_key
        self.inline = inline
        self.session_metrics = session_metrics
        self.breaks = 0
        self.broken_at = 0.0
        self._start_processes()

    def _start_processes(self) -> None:
        """Spawn the processes and queue their warm-up; nothing here waits for them."""
        self.state = PoolState.WARMING
        self.session_metrics.close_pool_ready.set(0)
        self.executor = ProcessPoolExecutor(
            max_workers=self.settings.sessions.close_workers,
            # spawn: a fresh interpreter, never a fork of a process with an event loop and threads running
            mp_context=multiprocessing.get_context("spawn"),
            initializer=close_process.start,
            initargs=(self.settings, self.user_id_key),
        )
        self.warming = [self.executor.submit(close_process.warm) for _ in range(self.settings.sessions.close_workers)]

    def _view(self) -> PoolView:
        return PoolView(self.state, self.breaks, time.monotonic() - self.broken_at)

    async def start(self) -> None:
        """Called before every claim and never waits: notes processes that came up, restarts a broken pool."""
        if self.state is PoolState.WARMING and all(f.done() for f in self.warming):
            failed = next((exc for f in self.warming if (exc := f.exception()) is not None), None)
            if failed is None:
                self.state, self.breaks = PoolState.READY, 0
                self.session_metrics.close_pool_ready.set(1)
                log.info("close processes ready", processes=len(self.warming),
                         startup_cpu_s=round(sum(f.result() for f in self.warming), 3))
            else:
                self._broke("close processes failed to start", failed)
        if decide(self._view()).restart:
            log.info("starting close processes again", breaks=self.breaks)
            self._start_processes()

    def _broke(self, what: str, exc: BaseException) -> None:
        self.state = PoolState.BROKEN
        self.breaks += 1
        self.broken_at = time.monotonic()
        self.session_metrics.close_pool_ready.set(0)
        self.session_metrics.close_pool_breaks.inc()
        self.executor.shutdown(wait=False, cancel_futures=True)
        log.error(what, error=repr(exc), breaks=self.breaks,
                  restart_in_s=restart_delay_s(self.breaks), closing_on="event loop")

    async def build(self, sessions: list[ClaimedSession], now_ms: int) -> list[Built]:
        if decide(self._view()).route == "loop":
            return await self.inline.build(sessions, now_ms)
        try:
            return await self._build_in_processes(sessions, now_ms)
        except BrokenProcessPool as exc:
            # A process died (killed, out of memory). Building is pure, so the batch is built again here.
            self._broke("a close process died; building its batch on the event loop", exc)
            return await self.inline.build(sessions, now_ms)

    async def _build_in_processes(self, sessions: list[ClaimedSession], now_ms: int) -> list[Built]:
        loop = asyncio.get_running_loop()
        scale = self.budget.scale
        jobs = [close_process.encoder.encode(CloseJob(now_ms, scale, sessions[i : i + CHUNK]))
                for i in range(0, len(sessions), CHUNK)]
        replies = await asyncio.gather(
            *(loop.run_in_executor(self.executor, close_process.run, job) for job in jobs), return_exceptions=True
        )
        encoded: list[bytes] = []
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
            encoded.append(reply)
        results = [close_process.result_decoder.decode(reply) for reply in encoded]
        built: list[Built] = []
        for result in results:
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
