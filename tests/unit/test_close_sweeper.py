"""The sweeper: one sweep at a time, batch after batch while full, and the batch in flight finished on shutdown."""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry, Counter

from undercurrent.sessions.sweeper import Sweeper

BATCH = 10


class Sweeps:
    """A stand-in for ``SessionCloser.sweep_once``: each call returns the next size, after ``gate`` opens."""

    def __init__(self, sizes: list[int | Exception]) -> None:
        self.sizes = sizes
        self.calls = 0
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def __call__(self) -> int:
        self.calls += 1
        self.entered.set()
        await self.gate.wait()
        size = self.sizes.pop(0) if self.sizes else 0
        if isinstance(size, Exception):
            raise size
        return size


def sweeper(sweeps: Sweeps, paused: bool = False) -> tuple[Sweeper, Counter]:
    retries = Counter("retries", "", ["stage"], registry=CollectorRegistry())
    return Sweeper(sweeps, batch=BATCH, paused=lambda: paused, retries=retries), retries


async def test_a_running_sweep_is_not_started_again() -> None:
    sweeps = Sweeps([BATCH, BATCH, 3])
    s, _ = sweeper(sweeps)
    assert s.tick()
    await sweeps.entered.wait()
    assert not s.tick() and not s.tick()
    sweeps.gate.set()
    await s.running
    assert sweeps.calls == 3  # full batches are followed at once by the next; a partial one ends the sweep
    assert s.started == 1
    assert s.tick()  # finished: the next tick starts a new sweep
    await s.running


async def test_a_paused_worker_sweeps_no_further_batch() -> None:
    sweeps = Sweeps([BATCH, BATCH])
    sweeps.gate.set()
    s, _ = sweeper(sweeps, paused=True)
    s.tick()
    await s.running
    assert sweeps.calls == 0


async def test_a_failed_sweep_is_counted_and_the_next_tick_sweeps_again() -> None:
    sweeps = Sweeps([ConnectionError("redis"), 2])
    sweeps.gate.set()
    s, retries = sweeper(sweeps)
    s.tick()
    await s.running
    assert retries.labels("close")._value.get() == 1
    s.tick()
    await s.running
    assert sweeps.calls == 2


async def test_stop_waits_for_the_batch_in_flight_and_starts_no_other() -> None:
    sweeps = Sweeps([BATCH, BATCH])
    s, _ = sweeper(sweeps)
    s.tick()
    await sweeps.entered.wait()
    stopping = asyncio.ensure_future(s.stop(timeout_s=30))
    await asyncio.sleep(0)
    assert not stopping.done()
    sweeps.gate.set()
    assert await stopping is True
    assert sweeps.calls == 1  # the batch was full, but no further batch starts once stopping
    assert not s.tick()


async def test_stop_gives_up_on_a_batch_that_does_not_finish() -> None:
    sweeps = Sweeps([BATCH])
    s, _ = sweeper(sweeps)
    s.tick()
    await sweeps.entered.wait()
    assert await s.stop(timeout_s=0.05) is False
    assert s.running is not None and s.running.cancelled()
