"""The close pool builds, in its own process, exactly the records and metric updates the inline stages build;
while its process starts, and when it dies, the batch is built on the event loop instead, without waiting."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal

import msgspec
from prometheus_client import CollectorRegistry

from undercurrent.config import Settings
from undercurrent.ingest.stages import StageMetrics, close_stages
from undercurrent.metrics.definitions import SamplingMetrics, SessionMetrics
from undercurrent.metrics.labels import LabelBounds
from undercurrent.sampling.budget_view import BudgetView
from undercurrent.sessions.claimed import ClaimedSession
from undercurrent.workers.build import BuildFailure, ClosedRecord, InlineBuilder
from undercurrent.workers.close_pool import ClosePool
from undercurrent.workers.close_route import PoolState

KEY = b"pseudonym-key-for-tests-0123456789"
NOW_MS = 1_790_000_000_000
TEXTS = (
    ("user", "Bitte fasse den Bericht für kunde@example.org zusammen, es ist dringend."),
    ("assistant", "Here is the summary you asked for: revenue grew by 4 % in the third quarter."),
    ("user", "that is wrong, the report says revenue fell. Call me at +44 20 7946 0958."),
    ("assistant", "I apologise for the mistake; revenue fell by 4 % in the third quarter."),
)


def claimed(n: int) -> ClaimedSession:
    start = NOW_MS - 3_600_000 + n * 1000
    entries = [
        b"A" + msgspec.json.encode({"event_id": f"s{n}:{i}", "session_id": f"s{n}", "ts": start + i * 20_000,
                                    "type": "turn", "role": role, "text": text, "user_id": f"user{n}"})
        for i, (role, text) in enumerate(TEXTS[: 2 + n % 3])
    ]
    entries.append(b"L" + msgspec.json.encode({"event_id": f"s{n}:copy", "session_id": f"s{n}", "ts": start + 30_000,
                                               "type": "copy", "turn": 1}))
    return ClaimedSession(f"s{n}", "end" if n % 2 else "idle", entries, start)


def metric_values(registry: CollectorRegistry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample except creation times and the stages' own durations (timings differ between runs)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in registry.collect()
        for s in family.samples
        if not s.name.endswith("_created") and not (family.name.endswith("_duration_seconds") and
                                                   not s.name.endswith("_count"))
    }


def stage_metrics(settings: Settings) -> tuple[CollectorRegistry, StageMetrics, BudgetView]:
    registry = CollectorRegistry()
    budget = BudgetView(settings, log=None, metrics=SamplingMetrics(registry))  # type: ignore[arg-type]
    budget.scale = 0.5  # the budget's current scale must reach the pool's sampling stage
    return registry, StageMetrics.registered(settings, registry, budget.metrics), budget


async def ready(pool: ClosePool) -> None:
    """What the sweeper does before each claim, until the pool reports ready."""
    async def poll() -> None:
        while pool.state is not PoolState.READY:
            await pool.start()
            await asyncio.sleep(0.05)
    await asyncio.wait_for(poll(), timeout=300)


async def test_pool_records_and_metrics_equal_the_inline_ones() -> None:
    settings = Settings(_env_file=None, sessions={"close_workers": 1})  # type: ignore[call-arg]
    sessions = [claimed(n) for n in range(45)]
    sessions.insert(7, ClaimedSession("broken", "idle", [b"A{not json"], NOW_MS))

    inline_registry, metrics, budget = stage_metrics(settings)
    bounds = LabelBounds(settings.labels.features, settings.labels.domains)
    inline = await InlineBuilder(settings, close_stages(settings, bounds, metrics, budget, KEY)).build(sessions, NOW_MS)

    pool_registry, metrics, budget = stage_metrics(settings)
    stages = close_stages(settings, bounds, metrics, budget, KEY)  # the worker's own copy sets the series up
    inline_builder = InlineBuilder(settings, stages)
    pool = ClosePool(settings, metrics, budget, KEY, inline_builder, SessionMetrics(CollectorRegistry()))
    try:
        await ready(pool)
        pooled = await pool.build(sessions, NOW_MS)
    finally:
        await pool.close()

    assert [b.session_id for b in pooled] == [s.session_id for s in sessions]
    assert isinstance(pooled[7], BuildFailure) and "DecodeError" in pooled[7].error
    assert [b for b in pooled if isinstance(b, ClosedRecord)] == [b for b in inline if isinstance(b, ClosedRecord)]
    record = msgspec.json.decode(pooled[0].payload)
    assert record["redacted"] and "kunde@example.org" not in pooled[0].payload.decode()
    assert record["sampling"]["budget_scale"] == 0.5
    assert metric_values(pool_registry) == metric_values(inline_registry)
    assert metric_values(pool_registry)[("undercurrent_detector_duration_seconds_count", ())] == 45


async def test_closing_never_waits_for_the_pool_and_survives_a_killed_process() -> None:
    settings = Settings(_env_file=None, sessions={"close_workers": 1})  # type: ignore[call-arg]
    sessions = [claimed(n) for n in range(25)]
    _, metrics, budget = stage_metrics(settings)
    bounds = LabelBounds(settings.labels.features, settings.labels.domains)
    stages = close_stages(settings, bounds, metrics, budget, KEY)
    expected = await InlineBuilder(settings, stages).build(sessions, NOW_MS)
    session_registry = CollectorRegistry()
    pool = ClosePool(settings, metrics, budget, KEY, InlineBuilder(settings, stages), SessionMetrics(session_registry))

    def sample(name: str) -> float | None:
        return session_registry.get_sample_value(name)

    try:
        await pool.start()
        assert pool.state is PoolState.WARMING  # a spawned process cannot have loaded its stages yet
        assert await pool.build(sessions, NOW_MS) == expected  # built on the event loop meanwhile
        assert sample("undercurrent_close_pool_ready") == 0

        await ready(pool)
        assert sample("undercurrent_close_pool_ready") == 1
        assert await pool.build(sessions, NOW_MS) == expected
        [first] = multiprocessing.active_children()
        os.kill(first.pid, signal.SIGKILL)  # type: ignore[arg-type]
        first.join()

        assert await pool.build(sessions, NOW_MS) == expected  # the dead process's batch, on the loop at once
        assert pool.state is PoolState.BROKEN
        assert sample("undercurrent_close_pool_breaks_total") == 1
        assert sample("undercurrent_close_pool_ready") == 0

        await ready(pool)  # restarted by the sweeps' calls to start()
        [second] = multiprocessing.active_children()
        assert second.pid != first.pid
        assert await pool.build(sessions, NOW_MS) == expected
        assert pool.state is PoolState.READY
    finally:
        await pool.close()
