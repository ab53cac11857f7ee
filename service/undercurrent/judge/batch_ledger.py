"""Submitted Message Batches and their sessions, kept in Redis until every session is settled.

Redis is the store the judge already keeps verdicts and the shared usage log
in, so a restarted or another replica finds the pending batches where it finds
the verdicts it must not repeat. Keys (under the deployment's prefix):

- ``judge:batches``: hash batch id → submission time in ms; the batches to poll.
- ``judge:batch:<id>``: hash session id → :class:`BatchEntry` (msgpack); the
  sessions of the batch not settled yet.
- ``judge:batch-sessions``: hash session id → batch id; a session read again
  while its batch is pending is acknowledged without being submitted twice.
- ``judge:batch:<id>:lock``: the replica collecting the batch (expires).

A batch is recorded in one transaction after the API accepted it, and only then
are its requests acknowledged on the broker. A transaction's keys must share a slot in a
Redis Cluster, so there ``judge`` becomes the hash tag ``{judge}`` in every key.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .batch import BatchEntry

_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(BatchEntry).decode


class BatchLedger:
    def __init__(self, redis: Any, *, prefix: str, cluster: bool = False) -> None:
        self.redis = redis
        self._base = f"{prefix}:{{judge}}" if cluster else f"{prefix}:judge"
        self._batches = f"{self._base}:batches"
        self._index = f"{self._base}:batch-sessions"

    def _entries(self, batch_id: str) -> str:
        return f"{self._base}:batch:{batch_id}"

    async def record(self, batch_id: str, submitted_ms: int, entries: list[BatchEntry]) -> None:
        async with self.redis.pipeline(transaction=True) as tx:
            tx.hset(self._entries(batch_id), mapping={e.session_id: _encode(e) for e in entries})
            tx.hset(self._index, mapping={e.session_id: batch_id for e in entries})
            tx.hset(self._batches, batch_id, submitted_ms)
            await tx.execute()

    async def pending(self) -> dict[str, int]:
        """Batch id → submission time (ms) of every batch with sessions not settled yet."""
        return {k.decode(): int(v) for k, v in (await self.redis.hgetall(self._batches)).items()}

    async def entries(self, batch_id: str) -> list[BatchEntry]:
        return [_decode(v) for v in (await self.redis.hgetall(self._entries(batch_id))).values()]

    async def batch_of(self, session_id: str) -> str | None:
        """The pending batch the session is part of, if any."""
        found = await self.redis.hget(self._index, session_id)
        return found.decode() if found is not None else None

    async def settled(self, batch_id: str, session_id: str) -> None:
        """The session's verdict, retry copy or dead letter is on the broker and in Redis."""
        async with self.redis.pipeline(transaction=True) as tx:
            tx.hdel(self._entries(batch_id), session_id)
            tx.hdel(self._index, session_id)
            await tx.execute()

    async def finish(self, batch_id: str) -> None:
        """Forget a batch whose sessions are all settled."""
        if not await self.redis.hlen(self._entries(batch_id)):
            await self.redis.hdel(self._batches, batch_id)

    async def claim(self, batch_id: str, owner: str, ttl_s: float) -> bool:
        """Take the batch for collection unless another replica holds it."""
        return bool(await self.redis.set(f"{self._entries(batch_id)}:lock", owner, nx=True, px=int(ttl_s * 1000)))

    async def release(self, batch_id: str, owner: str) -> None:
        key = f"{self._entries(batch_id)}:lock"
        if await self.redis.get(key) == owner.encode():
            await self.redis.delete(key)
