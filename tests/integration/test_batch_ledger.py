"""The judge's ledger of submitted Message Batches, against one Redis primary and a Redis Cluster."""

from __future__ import annotations

import pytest

from undercurrent.judge.batch import BatchEntry
from undercurrent.judge.batch_ledger import BatchLedger
from undercurrent.sessions.store import RedisSessionStore

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("redis_mode", ["primary", "cluster"], indirect=True)]


def entry(session_id: str) -> BatchEntry:
    return BatchEntry(session_id=session_id, key=None, value=b"{}", attempt=1, custom_ids=(f"{session_id}-0",),
                      known_turns=(0,))


async def test_a_batch_is_kept_until_every_session_is_settled(store: RedisSessionStore, redis_mode: str) -> None:
    ledger = BatchLedger(store.redis, prefix=store.layout.prefix, cluster=redis_mode == "cluster")
    await ledger.record("b1", 1_000, [entry("s1"), entry("s2")])
    assert await ledger.pending() == {"b1": 1_000}
    assert sorted(e.session_id for e in await ledger.entries("b1")) == ["s1", "s2"]
    assert await ledger.batch_of("s2") == "b1"
    await ledger.settled("b1", "s1")
    await ledger.finish("b1")
    assert await ledger.pending() == {"b1": 1_000} and await ledger.batch_of("s1") is None
    await ledger.settled("b1", "s2")
    await ledger.finish("b1")
    assert await ledger.pending() == {} and await ledger.entries("b1") == []
    assert await ledger.claim("b1", "me", 5) and not await ledger.claim("b1", "other", 5)
    await ledger.release("b1", "me")
    assert await ledger.claim("b1", "other", 5)
