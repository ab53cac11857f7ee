"""Runs close sweeps in the background, one at a time, and lets the last one finish on shutdown.

The sweep timer only starts a sweep when none is running: a long sweep (a backlog
of due sessions) neither holds the timer up nor runs twice at once. One sweep
closes batch after batch until fewer than a full batch were due, so at most one
batch is in flight; sessions waiting their turn stay in the Redis close index.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import Counter

from ..kafka.retry import tolerant

log = structlog.get_logger(__name__)

SHUTDOWN_WAIT_S = 10.0
"""How long shutdown waits for the batch in flight; what is still claimed then is closed after its lease."""


class Sweeper:
    def __init__(
        self, sweep_once: Callable[[], Awaitable[int]], *, batch: int, paused: Callable[[], bool], retries: Counter
    ) -> None:
        self.sweep_once = sweep_once
        self.batch = batch
        self.paused = paused
        # Claims are leased: what failed in a sweep is retried by a later one.
        self._guarded = tolerant("close", retries)(self._sweep)
        self.running: asyncio.Task[None] | None = None
        self.stopping = False
        self.started = 0

    def tick(self) -> bool:
        """Start a sweep unless one is running (or the worker is stopping); True if one was started."""
        if self.stopping or (self.running is not None and not self.running.done()):
            return False
        self.running = asyncio.ensure_future(self._guarded())
        self.started += 1
        return True

    async def _sweep(self) -> None:
        # While a batch waits for Redis, its partitions' watermarks are stale: a close now could miss its events.
        while not self.stopping and not self.paused() and await self.sweep_once() >= self.batch:
            pass

    async def stop(self, timeout_s: float = SHUTDOWN_WAIT_S) -> bool:
        """Start no more batches and wait for the one in flight; True if it finished in time."""
        self.stopping = True
        running = self.running
        if running is None or running.done():
            return True
        log.info("waiting for the close batch in flight", timeout_s=timeout_s)
        done, _ = await asyncio.wait([running], timeout=timeout_s)
        if done:
            return True
        log.warning("close batch still running at shutdown; its claims are closed again after their lease")
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await running
        return False
