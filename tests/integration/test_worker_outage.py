"""A Redis that refuses writes stalls ingestion; nothing is lost and nothing doubles when it recovers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from undercurrent.devstack.stack import Managed, start_redis

from .harness import Deployment, collect, produce
from .test_worker import by_session, sessions_traffic, wait_for


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[Managed]:
    managed = start_redis(tmp_path)
    yield managed
    managed.stop()


async def test_batches_are_retried_until_redis_accepts_writes_again(
    broker: Managed, private_redis: Managed, tmp_path: Path
) -> None:
    deployment = Deployment(broker.url, private_redis.url, tmp_path)
    admin = redis.Redis.from_url(private_redis.url)
    try:
        first, expected_first = sessions_traffic(deployment, 20, prefix="a")
        second, expected_second = sessions_traffic(deployment, 20, prefix="b", seed=8)
        worker = deployment.start_worker()
        await produce(deployment.bootstrap, first)
        await collect(deployment.bootstrap, deployment.topic("sessions"), until=20, settle_s=0)

        admin.config_set("maxmemory", 1)  # with the default noeviction policy every write is refused
        await produce(deployment.bootstrap, second)
        await wait_for(lambda: worker.sample("undercurrent_retries_total") >= 2)
        admin.config_set("maxmemory", 0)

        published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=40, settle_s=5)
        assert by_session(published) == Counter({sid: 1 for sid in {**expected_first, **expected_second}})
        counts = {json.loads(m.value)["session_id"]: json.loads(m.value)["event_count"] for m in published}
        assert counts == {**expected_first, **expected_second}
    finally:
        admin.config_set("maxmemory", 0)
        deployment.stop_all()
