"""What a Redis Cluster adds to the session store: sessions spread over every primary."""

from __future__ import annotations

import pytest

from undercurrent.sessions.store import RedisSessionStore

from .test_session_store import NOW, apply, claim, turn

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("redis_mode", ["cluster"], indirect=True)]


async def test_sessions_and_their_close_indexes_are_spread_over_every_primary(store: RedisSessionStore) -> None:
    await apply(store, [turn(f"s{i}", 1, NOW - 120_000) for i in range(60)])
    primaries = store.redis.get_primaries()
    holding = [node for node in primaries if await store.redis.keys(f"{store.layout.prefix}:*", target_nodes=node)]
    assert len(primaries) == 3 and holding == primaries
    assert len(await claim(store, NOW)) == 60
