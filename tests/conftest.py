"""Shared fixtures: a real Redis and a real Kafka-compatible broker, started when needed."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from undercurrent.devstack.stack import Managed, redis_answers, start_broker, start_redis
from undercurrent.sessions.store import RedisSessionStore


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def redis_url(stack_dir: Path) -> Iterator[str]:
    url = os.environ.get("UNDERCURRENT_REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_answers(url):
        yield url
        return
    managed = start_redis(stack_dir)
    yield managed.url
    managed.stop()


@pytest.fixture(scope="session")
def broker(stack_dir: Path) -> Iterator[Managed]:
    managed = start_broker(stack_dir)
    yield managed
    managed.stop()


@pytest.fixture
def key_prefix() -> str:
    return f"uct-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def store(redis_url: str, key_prefix: str) -> AsyncIterator[RedisSessionStore]:
    store = RedisSessionStore.from_url(redis_url, prefix=key_prefix)
    yield store
    async for key in store.redis.scan_iter(match=f"{key_prefix}:*", count=1000):
        await store.redis.delete(key)
    await store.close()
