"""Session storage in Redis: the only module that talks to Redis.

Keys (``P`` is the configured prefix, ``S`` a session id)::

    P:{S}:m      hash   state (open|closing|closed), first/last event ms, idle/max ms,
                        ended flag, wall ms of the last accepted event, close reason,
                        late-event count, closed_at
    P:{S}:e      list   events in arrival order, each prefixed A (accepted) or L (late)
    P:{S}:i      set    event ids seen (de-duplication)
    P:{S}:r      hash   stage results of the closed session: 'close' (detectors, sampling)
                        written at close, 'judge' (the verdict) written later
    P:deadlines  zset   open sessions by event-time close deadline
    P:closing    zset   claimed sessions by lease expiry (wall ms)
    P:closed     zset   closed sessions by close time, for listing
    P:wm         hash   per input topic/partition: "max event ms:wall ms of the last batch"

A batch of events costs one ``EVALSHA``; claiming due sessions costs one. One
script call touches many sessions' keys, so Redis must be a single primary
(Redis Cluster, which needs every key of a call in one slot, is not supported).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import msgspec
import redis.asyncio as aioredis

from ..events.model import Event, SessionEnd, Turn, ts_millis
from .claimed import ClaimedSession, decode_entries
from .model import CloseReason, SessionSnapshot, build_snapshot

OUTCOMES = {"0": "accepted", "1": "duplicate", "2": "late"}


def _script(name: str) -> str:
    return resources.files(__package__).joinpath("lua", name).read_text()


@dataclass(frozen=True, slots=True)
class Claim:
    session_id: str
    reason: CloseReason


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A session read back from Redis."""

    snapshot: SessionSnapshot
    state: str
    last_wall_ms: int
    closed_at_ms: int | None
    results: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class EventTiming:
    """How long a session may stay quiet, and open at all, in event time."""

    idle_ms: int
    max_ms: int


class RedisSessionStore:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "uc") -> None:
        self.redis = client
        self.prefix = prefix
        self._apply = client.register_script(_script("apply.lua"))
        self._claim = client.register_script(_script("claim.lua"))
        self._finalize = client.register_script(_script("finalize.lua"))
        self._touch = client.register_script(_script("touch.lua"))

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "uc", **kwargs: Any) -> RedisSessionStore:
        return cls(aioredis.from_url(url, **kwargs), prefix=prefix)

    async def close(self) -> None:
        await self.redis.aclose()

    def _key(self, session_id: str, suffix: str) -> str:
        return f"{self.prefix}:{{{session_id}}}:{suffix}"

    async def apply(
        self,
        events: Sequence[Event],
        timings: Sequence[EventTiming],
        *,
        now_ms: int,
        open_ttl_s: int,
        marks: Mapping[str, int] | None = None,
    ) -> list[str]:
        """Apply events atomically; return each event's outcome (accepted, duplicate or late).

        ``marks`` maps input ``topic/partition`` to the highest event time consumed from it
        in this batch: the watermarks that decide when sessions are due.
        """
        marks = marks or {}
        if not events and not marks:
            return []
        args: list[Any] = [self.prefix, now_ms, open_ttl_s, len(marks)]
        for name, ts in marks.items():
            args += (name, ts)
        encode = msgspec.json.encode
        for event, timing in zip(events, timings, strict=True):
            kind = "t" if isinstance(event, Turn) else "e" if isinstance(event, SessionEnd) else "b"
            args += (
                event.session_id,
                event.event_id,
                ts_millis(event.ts),
                kind,
                timing.idle_ms,
                timing.max_ms,
                encode(event),
            )
        codes: bytes = await self._apply(args=args)
        return [OUTCOMES[c] for c in codes.decode()]

    async def touch_marks(self, partitions: Sequence[str] | None, *, now_ms: int) -> None:
        """Count these input partitions (``topic/partition``; None: all) as active at ``now_ms``,
        watermarks unchanged."""
        if partitions is None or partitions:
            await self._touch(args=[self.prefix, now_ms, *(partitions or ())])

    async def claim_due(
        self, *, now_ms: int, grace_ms: int, limit: int, lease_ms: int, quiet_ms: int = 30_000
    ) -> list[Claim]:
        flat = await self._claim(args=[self.prefix, now_ms, grace_ms, limit, lease_ms, quiet_ms])
        return [Claim(flat[i].decode(), flat[i + 1].decode()) for i in range(0, len(flat), 2)]

    async def load(self, claims: Iterable[Claim]) -> list[ClaimedSession]:
        """The stored events of claimed sessions, undecoded, with the wall ms of their last accepted event."""
        claims = list(claims)
        async with self.redis.pipeline(transaction=False) as pipe:
            for claim in claims:
                pipe.lrange(self._key(claim.session_id, "e"), 0, -1)
                pipe.hget(self._key(claim.session_id, "m"), "wall")
            replies = await pipe.execute()
        return [
            ClaimedSession(claim.session_id, claim.reason, replies[2 * i], int(replies[2 * i + 1] or 0))
            for i, claim in enumerate(claims)
        ]

    async def finalize(self, results: Sequence[tuple[str, bytes]], *, now_ms: int, retention_s: int) -> list[bool]:
        """Mark sessions closed and keep their stage results; False where another sweeper already did."""
        if not results:
            return []
        args: list[Any] = [self.prefix, now_ms, retention_s]
        for session_id, payload in results:
            args += (session_id, payload)
        codes: bytes = await self._finalize(args=args)
        return [c == "1" for c in codes.decode()]

    async def open_count(self) -> int:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zcard(f"{self.prefix}:deadlines")
            pipe.zcard(f"{self.prefix}:closing")
            open_, closing = await pipe.execute()
        return int(open_) + int(closing)

    async def get(self, session_id: str) -> StoredSession | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._key(session_id, "m"))
            pipe.lrange(self._key(session_id, "e"), 0, -1)
            pipe.hgetall(self._key(session_id, "r"))
            meta, entries, results = await pipe.execute()
        if not meta:
            return None
        meta = {k.decode(): v.decode() for k, v in meta.items()}
        reason = meta.get("reason") if meta.get("state") != "open" else None
        snapshot = build_snapshot(session_id, decode_entries(entries), close_reason=reason)  # type: ignore[arg-type]
        return StoredSession(
            snapshot=snapshot,
            state=meta["state"],
            last_wall_ms=int(meta.get("wall", 0)),
            closed_at_ms=int(meta["closed_at"]) if "closed_at" in meta else None,
            results={k.decode(): msgspec.json.decode(v) for k, v in results.items()} or None,
        )

    async def recent_closed(self, *, limit: int = 200, before_ms: int | None = None) -> list[tuple[str, int]]:
        """Closed session ids, newest first, with their close time."""
        top = "+inf" if before_ms is None else f"({before_ms}"
        rows = await self.redis.zrevrangebyscore(
            f"{self.prefix}:closed", top, "-inf", start=0, num=limit, withscores=True
        )
        return [(sid.decode(), int(score)) for sid, score in rows]

    async def result(self, session_id: str, stage: str) -> bytes | None:
        """One stage's stored result, without reading the session's events."""
        value: bytes | None = await self.redis.hget(self._key(session_id, "r"), stage)
        return value

    async def attach(self, session_id: str, stage: str, payload: bytes, *, retention_s: int) -> None:
        """Keep a later stage's result (e.g. the judge verdict) with a closed session."""
        key = self._key(session_id, "r")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, stage, payload)
            pipe.expire(key, retention_s)
            await pipe.execute()
