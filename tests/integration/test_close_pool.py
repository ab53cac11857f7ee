"""Closing runs beside ingest: a close batch in flight, however long it takes, never stops events being
ingested, the sweep never runs twice at once, and shutdown finishes the batch in flight.

The worker's close process is frozen (SIGSTOP) while sessions are due: that is a close batch that takes as
long as the test needs, without any timing assumption.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import psutil
import pytest

from undercurrent.devstack.stack import Managed

from ..faults.harness import FAST_CLOSE
from .harness import Deployment, Worker, collect, encode, event, produce
from .test_worker import by_session, sessions_traffic, wait_for

DUE_SESSIONS = 60
OPEN_SESSIONS = 40


def close_processes(worker: Worker) -> list[psutil.Process]:
    """The worker's pool processes (children started by multiprocessing's spawn)."""
    return [p for p in psutil.Process(worker.proc.pid).children() if any("spawn_main" in a for a in p.cmdline())]


def open_traffic(d: Deployment) -> list[tuple[str, str, bytes]]:
    """Sessions with recent turns and no end: ingested, not due for half an hour."""
    now_ms = int(time.time() * 1000)
    return [(d.topic("chat"), f"open{i}", encode(event(f"open{i}", n, now_ms + n))) for i in range(OPEN_SESSIONS)
            for n in range(3)]


@dataclass
class Outcome:
    due: dict[str, int]
    in_flight: float
    accepted_while_frozen: float
    closed_while_frozen: float
    published_by_first: list[Any]
    first_exit: int | None
    published: list[Any]
    republished: float
    first_log: str


@pytest.fixture(scope="module")
def outcome(broker: Managed, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    env = {**FAST_CLOSE, "UNDERCURRENT_SESSIONS__CLOSE_WORKERS": "1"}
    deployment = Deployment(broker.url, redis_url, tmp_path_factory.mktemp("close-pool"), env)
    due_records, due = sessions_traffic(deployment, DUE_SESSIONS, prefix="due", end_every=1)
    opened = open_traffic(deployment)

    async def scenario() -> Outcome:
        first = deployment.start_worker()
        await wait_for(lambda: "close processes ready" in first.log_path.read_text(), timeout_s=120)
        pool = close_processes(first)
        assert len(pool) == 1
        for p in pool:
            p.suspend()
        try:
            await produce(deployment.bootstrap, due_records)
            await wait_for(lambda: first.sample("undercurrent_sessions_closing") > 0)
            await produce(deployment.bootstrap, opened)
            expected = sum(due.values()) + len(opened)
            await wait_for(lambda: first.sample("undercurrent_events_total", outcome="accepted") == expected)
            in_flight = first.sample("undercurrent_sessions_closing")
            accepted = first.sample("undercurrent_events_total", outcome="accepted")
            closed = first.sample("undercurrent_sessions_closed_total")
            first.proc.send_signal(signal.SIGTERM)
            await wait_for(lambda: "waiting for the close batch in flight" in first.log_path.read_text())
        finally:
            for p in pool:
                p.resume()
        first_exit = await asyncio.to_thread(first.proc.wait, 60)
        published_by_first = await collect(deployment.bootstrap, deployment.topic("sessions"),
                                           until=int(in_flight), settle_s=1)
        second = deployment.start_worker()
        published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=DUE_SESSIONS)
        return Outcome(due, in_flight, accepted, closed, published_by_first, first_exit, published,
                       second.sample("undercurrent_sessions_republished_total"), first.log_path.read_text())

    try:
        return asyncio.run(scenario())
    finally:
        deployment.stop_all()


def test_events_are_ingested_while_a_close_batch_is_in_flight(outcome: Outcome) -> None:
    assert outcome.in_flight > 0
    assert outcome.accepted_while_frozen == sum(outcome.due.values()) + OPEN_SESSIONS * 3
    assert outcome.closed_while_frozen == 0


def test_the_sweep_never_overlaps(outcome: Outcome) -> None:
    assert "overlapping" not in outcome.first_log


def test_shutdown_finishes_the_batch_in_flight(outcome: Outcome) -> None:
    assert outcome.first_exit is not None
    assert len(outcome.published_by_first) == outcome.in_flight
    assert outcome.republished == 0


def test_every_due_session_closes_exactly_once(outcome: Outcome) -> None:
    assert by_session(outcome.published) == Counter({sid: 1 for sid in outcome.due})
