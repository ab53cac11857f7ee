"""Session stores for tests: the Redis store under a private key prefix, removed afterwards, and a clock
the in-memory store's expiry can be moved on by."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from undercurrent.sessions.store import RedisSessionStore

CLUSTER_SHARDS = 4  # the default partition count: the shards' hash tags land on all three primaries


@asynccontextmanager
async def redis_store(url: str, *, cluster: bool, prefix: str) -> AsyncIterator[RedisSessionStore]:
    store = RedisSessionStore.from_url(url, prefix=prefix, cluster_shards=CLUSTER_SHARDS if cluster else None)
    try:
        yield store
    finally:
        async for key in store.redis.scan_iter(match=f"{prefix}:*", count=1000):
            await store.redis.delete(key)
        await store.close()


class Clock:
    """Wall-clock seconds from now on, moved forward only by :meth:`advance`."""

    def __init__(self) -> None:
        self.s = time.time()

    def __call__(self) -> float:
        return self.s

    def advance(self, seconds: float) -> None:
        self.s += seconds
