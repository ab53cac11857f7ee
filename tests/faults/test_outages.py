"""Outages of Redis and the broker: frozen, killed and restarted from the AOF, with the worker stopped or
killed in the middle. Nothing may be lost, nothing closed twice, and the worker must stay up and stop
when asked.

The scenarios are independent (each has its own Redis, the broker freeze its own broker), so they run
concurrently; each test waits for its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from undercurrent.devstack import start_broker
from undercurrent.devstack.stack import Managed

from ..integration.harness import Deployment, Worker, collect, produce
from ..integration.test_worker import sessions_traffic
from .harness import (
    FAST_CLOSE,
    DurableRedis,
    closed_once,
    freeze_for,
    responsive,
    run_concurrently,
    terminate,
    wait_until,
)

FREEZE_S = 20
SESSIONS = 10  # per phase: before the fault and during it


def retrying(worker: Worker) -> Callable[[], bool]:
    """The worker holds a batch it cannot apply: it is retrying, and still answers."""
    return lambda: worker.sample("undercurrent_retries_total") > 0


class Scenario:
    """Two phases of traffic on one deployment: ``before`` closes normally, ``during`` meets the fault."""

    def __init__(self, bootstrap: str, redis_url: str, directory: Path) -> None:
        self.deployment = Deployment(bootstrap, redis_url, directory, dict(FAST_CLOSE))
        self.before, expected_before = sessions_traffic(self.deployment, SESSIONS, prefix="a", end_every=1)
        # Later event times than the first phase, as real traffic has after an outage.
        self.during, expected_during = sessions_traffic(
            self.deployment, SESSIONS, prefix="b", seed=8, end_every=1, hours_ago=1.5
        )
        self.expected = {**expected_before, **expected_during}

    async def warm_up(self) -> Worker:
        worker = self.deployment.start_worker()
        await produce(self.deployment.bootstrap, self.before)
        await collect(self.deployment.bootstrap, self.deployment.topic("sessions"), until=SESSIONS, settle_s=0)
        # A record reaches the topic before its close is final in Redis; a fault in between republishes
        # it (at-least-once, counted), which is not what these scenarios test: they fault the second phase.
        await wait_until(lambda: worker.sample("undercurrent_sessions_closed_total") >= SESSIONS,
                         what="the first phase final in Redis")
        return worker

    async def published(self) -> list[Any]:
        return await collect(self.deployment.bootstrap, self.deployment.topic("sessions"),
                             until=len(self.expected), settle_s=5)


async def redis_frozen(broker: Managed, directory: Path) -> None:
    redis = DurableRedis(directory / "redis").start()
    scenario = Scenario(broker.url, redis.url, directory)
    try:
        worker = await scenario.warm_up()
        await produce(scenario.deployment.bootstrap, scenario.during)
        await freeze_for(redis.proc, FREEZE_S / 2)
        assert responsive(worker), "worker down or deaf while Redis was frozen"
        await freeze_for(redis.proc, FREEZE_S / 2)
        closed_once(await scenario.published(), scenario.expected)
        assert responsive(worker)
        terminate(worker)
    finally:
        scenario.deployment.stop_all()
        redis.stop()


async def redis_restarted(broker: Managed, directory: Path) -> None:
    redis = DurableRedis(directory / "redis").start()
    scenario = Scenario(broker.url, redis.url, directory)
    try:
        worker = await scenario.warm_up()
        redis.kill()
        await produce(scenario.deployment.bootstrap, scenario.during)
        await wait_until(retrying(worker), what="retries while Redis is down")
        assert responsive(worker), "worker down or deaf while Redis was down"
        redis.start()
        closed_once(await scenario.published(), scenario.expected)
        assert responsive(worker)
        terminate(worker)
    finally:
        scenario.deployment.stop_all()
        redis.stop()


async def worker_stopped_during_outage(broker: Managed, directory: Path, stop: Callable[[Worker], Any]) -> None:
    """Redis goes down while the worker holds a batch; the worker is stopped; a new one takes over."""
    redis = DurableRedis(directory / "redis").start()
    scenario = Scenario(broker.url, redis.url, directory)
    try:
        worker = await scenario.warm_up()
        redis.kill()
        await produce(scenario.deployment.bootstrap, scenario.during)
        await wait_until(retrying(worker), what="retries while Redis is down")
        stop(worker)
        redis.start()
        successor = scenario.deployment.start_worker()
        closed_once(await scenario.published(), scenario.expected)
        terminate(successor)
    finally:
        scenario.deployment.stop_all()
        redis.stop()


async def broker_frozen(directory: Path) -> None:
    broker = start_broker(directory)
    redis = DurableRedis(directory / "redis").start()
    scenario = Scenario(broker.url, redis.url, directory)
    try:
        worker = await scenario.warm_up()
        await produce(scenario.deployment.bootstrap, scenario.during)
        await freeze_for(broker.proc, FREEZE_S / 2)
        assert responsive(worker), "worker down or deaf while the broker was frozen"
        await freeze_for(broker.proc, FREEZE_S / 2)
        closed_once(await scenario.published(), scenario.expected)
        assert responsive(worker)
        terminate(worker)
    finally:
        scenario.deployment.stop_all()
        redis.stop()
        broker.stop()


def kill(worker: Worker) -> None:
    worker.kill()


@pytest.fixture(scope="module")
def outcomes(broker: Managed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[None]]]:
    def directory(name: str) -> Path:
        return tmp_path_factory.mktemp(name)

    futures = run_concurrently({
        "redis_frozen": lambda: redis_frozen(broker, directory("redis-frozen")),
        "redis_restarted": lambda: redis_restarted(broker, directory("redis-restarted")),
        "sigterm": lambda: worker_stopped_during_outage(broker, directory("sigterm"), terminate),
        "sigkill": lambda: worker_stopped_during_outage(broker, directory("sigkill"), kill),
        "broker_frozen": lambda: broker_frozen(directory("broker-frozen")),
    })
    yield futures
    for future in futures.values():
        future.exception()  # let every scenario finish (and clean up) before the module ends


def test_a_frozen_redis_stalls_ingestion_and_loses_nothing(outcomes: dict[str, Future[None]]) -> None:
    outcomes["redis_frozen"].result()


def test_redis_killed_and_restarted_from_its_aof_loses_nothing(outcomes: dict[str, Future[None]]) -> None:
    outcomes["redis_restarted"].result()


def test_sigterm_during_a_redis_outage_is_honoured_and_loses_nothing(outcomes: dict[str, Future[None]]) -> None:
    outcomes["sigterm"].result()


def test_sigkill_during_a_redis_outage_loses_nothing(outcomes: dict[str, Future[None]]) -> None:
    outcomes["sigkill"].result()


def test_a_frozen_broker_stalls_everything_and_loses_nothing(outcomes: dict[str, Future[None]]) -> None:
    outcomes["broker_frozen"].result()
