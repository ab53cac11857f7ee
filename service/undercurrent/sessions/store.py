"""The session store the service runs, :class:`~.protocol.SessionStore` in Redis: the only module that talks to Redis.

Keys on one primary (``P`` is the configured prefix, ``S`` a session id)::

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

In a Redis Cluster (``cluster=True``) the same keys are spread over one hash tag per input
partition N, ``P:{pN}:S:m`` ... and ``P:{pN}:deadlines`` ... (see :mod:`.keys`), so that every
script call touches one slot. A batch of events costs one ``EVALSHA`` per shard it touches, and
the watermarks it carries one more per shard after those (a watermark never runs ahead of the
events it stands for); claiming costs one per shard, with the watermark read first from every
shard (watermarks only rise, so one read a moment early holds closes back, never forward). On
one primary a batch costs one ``EVALSHA`` and claiming one, both atomic as a whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import Any, TypeVar, cast

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster

from ..events.model import Event, ts_millis
from .claimed import ClaimedSession, decode_entries
from .keys import KeyLayout
from .model import CloseReason, build_snapshot
from .protocol import Claim, EventTiming, Mark, Outcome, StoredSession, watermark

OUTCOMES: dict[str, Outcome] = {"0": "accepted", "1": "duplicate", "2": "late"}
_KINDS = {"turn": "t", "session_end": "e"}  # the script's event kinds; every other type is "b"
_encode_event = msgspec.json.Encoder().encode
_pack_fields = msgspec.msgpack.Encoder().encode
T = TypeVar("T")
R = TypeVar("R")


def _script(name: str) -> str:
    return resources.files(__package__).joinpath("lua", name).read_text()


class RedisSessionStore:
    """``shards`` None: one primary; a number: a Redis Cluster client and that many shards."""

    def __init__(self, client: aioredis.Redis | RedisCluster, *, prefix: str = "uc", shards: int | None = None) -> None:
        self.redis = client
        self.layout = KeyLayout(prefix, shards)
        self._apply = client.register_script(_script("apply.lua"))
        self._claim = client.register_script(_script("claim.lua"))
        self._finalize = client.register_script(_script("finalize.lua"))
        self._touch = client.register_script(_script("touch.lua"))
        self._first_shard = 0  # claims start one shard further each time, so no shard waits behind the others

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "uc", cluster_shards: int | None = None, **kwargs: Any
    ) -> RedisSessionStore:
        """``cluster_shards``: connect to a Redis Cluster (any node's URL) and use that many shards."""
        if cluster_shards is None:
            return cls(aioredis.from_url(url, **kwargs), prefix=prefix)
        return cls(RedisCluster.from_url(url, **kwargs), prefix=prefix, shards=cluster_shards)

    async def close(self) -> None:
        await self.redis.aclose()

    def session_key(self, session_id: str, suffix: str) -> str:
        return self.layout.session_key(session_id, suffix)

    async def apply(
        self,
        events: Sequence[Event],
        timings: Sequence[EventTiming],
        *,
        now_ms: int,
        open_ttl_s: int,
        marks: Mapping[str, int] | None = None,
    ) -> list[Outcome]:
        """Apply events atomically per shard; return each event's outcome (accepted, duplicate or late).

        ``marks`` maps input ``topic/partition`` to the highest event time consumed from it
        in this batch: the watermarks that decide when sessions are due. They are written
        with the events on one primary, after all of them in a cluster.
        """
        marks = marks or {}
        if not events and not marks:
            return []
        timed = list(zip(events, timings, strict=True))
        if self.layout.shards is None:
            return await self._apply_shard(None, timed, now_ms, open_ttl_s, marks)
        outcomes = await self._per_shard(
            timed,
            lambda pair: pair[0].session_id,
            lambda shard, pairs: self._apply_shard(shard, pairs, now_ms, open_ttl_s, {}),
        )
        await asyncio.gather(*(
            self._apply_shard(shard, [], now_ms, open_ttl_s, {name: marks[name] for name in names})
            for shard, names in self.layout.marks_by_shard(marks).items()
        ))
        return outcomes

    async def _apply_shard(
        self,
        shard: int | None,
        timed: Sequence[tuple[Event, EventTiming]],
        now_ms: int,
        open_ttl_s: int,
        marks: Mapping[str, int],
    ) -> list[Outcome]:
        layout = self.layout
        args: list[Any] = [*layout.head_tail(shard), now_ms, open_ttl_s, len(marks)]
        for name, ts in marks.items():
            args += (name, ts)
        # Seven fields per event in one msgpack array and the payloads end to end in one string: two
        # arguments in all, where one argument per field cost more to pack than everything else here.
        fields: list[str | int] = []
        payloads: list[bytes] = []
        encode = _encode_event
        for event, timing in timed:
            payload = encode(event)
            payloads.append(payload)
            fields += (
                event.session_id,
                event.event_id,
                ts_millis(event.ts),
                # msgspec types a struct tag as str | int | None; every event's tag is its type name.
                _KINDS.get(event.__struct_config__.tag, "b"),  # type: ignore[arg-type]
                timing.idle_ms,
                timing.max_ms,
                len(payload),
            )
        args += (_pack_fields(fields), b"".join(payloads))
        keys = [layout.index(shard, "deadlines"), layout.index(shard, "wm")]
        codes: bytes = await self._apply(keys=keys, args=args)
        return [OUTCOMES[c] for c in codes.decode()]

    async def _per_shard(
        self,
        items: Sequence[T],
        session_of: Callable[[T], str],
        call: Callable[[int | None, list[T]], Awaitable[Sequence[R]]],
    ) -> list[R]:
        """One ``call`` per shard over the items of its sessions, all at once; one reply per item, in order."""
        at: dict[int | None, list[int]] = {}
        for i, item in enumerate(items):
            at.setdefault(self.layout.shard(session_of(item)), []).append(i)
        replies = await asyncio.gather(*(call(shard, [items[i] for i in indexes]) for shard, indexes in at.items()))
        placed = {i: reply for indexes, shard_replies in zip(at.values(), replies, strict=True)
                  for i, reply in zip(indexes, shard_replies, strict=True)}
        return [placed[i] for i in range(len(items))]

    async def touch_marks(self, partitions: Sequence[str] | None, *, now_ms: int) -> None:
        """Count these input partitions (``topic/partition``; None: all) as active at ``now_ms``,
        watermarks unchanged."""
        layout = self.layout
        if partitions is None:
            groups: dict[int | None, list[str]] = {shard: [] for shard in layout.all_shards()}
        else:
            groups = layout.marks_by_shard(partitions)
        await asyncio.gather(*(
            self._touch(keys=[layout.index(shard, "wm")], args=[now_ms, *names]) for shard, names in groups.items()
        ))

    async def marks(self) -> dict[str, Mark]:
        """Every input partition's watermark, kept as ``b"max event ms:wall ms"``."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for shard in self.layout.all_shards():
                pipe.hgetall(self.layout.index(shard, "wm"))
            replies = await pipe.execute()
        return {name.decode(): Mark(*map(int, mark.split(b":"))) for reply in replies for name, mark in reply.items()}

    async def claim_due(
        self, *, now_ms: int, grace_ms: int, limit: int, lease_ms: int, quiet_ms: int = 30_000
    ) -> list[Claim]:
        """Claim up to ``limit`` due sessions, shard after shard."""
        layout = self.layout
        shards = layout.all_shards()
        common = [now_ms, grace_ms, limit, lease_ms, quiet_ms]
        if layout.shards is not None:
            common.append(watermark((await self.marks()).values(), now_ms=now_ms, quiet_ms=quiet_ms))
            start = self._first_shard % len(shards)
            self._first_shard += 1
            shards = shards[start:] + shards[:start]
        claims: list[Claim] = []
        for shard in shards:
            keys = [layout.index(shard, "deadlines"), layout.index(shard, "closing")]
            if shard is None:
                keys.append(layout.index(shard, "wm"))
            common[2] = limit - len(claims)
            flat = await self._claim(keys=keys, args=[*layout.head_tail(shard), *common])
            claims += [Claim(flat[i].decode(), flat[i + 1].decode()) for i in range(0, len(flat), 2)]
            if len(claims) >= limit:
                break
        return claims

    async def load(self, claims: Iterable[Claim]) -> list[ClaimedSession]:
        """The stored events of claimed sessions, undecoded, with the wall ms of their last accepted event."""
        claims = list(claims)
        async with self.redis.pipeline(transaction=False) as pipe:
            for claim in claims:
                pipe.lrange(self.session_key(claim.session_id, "e"), 0, -1)
                pipe.hget(self.session_key(claim.session_id, "m"), "wall")
            replies = await pipe.execute()
        return [
            ClaimedSession(claim.session_id, claim.reason, replies[2 * i], int(replies[2 * i + 1] or 0))
            for i, claim in enumerate(claims)
        ]

    async def finalize(self, results: Sequence[tuple[str, bytes]], *, now_ms: int, retention_s: int) -> list[bool]:
        """Mark sessions closed and keep their stage results; False where another sweeper already did."""
        if not results:
            return []
        layout = self.layout

        async def finalize_shard(shard: int | None, shard_results: list[tuple[str, bytes]]) -> list[bool]:
            keys = [layout.index(shard, "closing"), layout.index(shard, "closed")]
            args = [*layout.head_tail(shard), now_ms, retention_s, *(v for result in shard_results for v in result)]
            codes: bytes = await self._finalize(keys=keys, args=args)
            return [code == "1" for code in codes.decode()]

        return await self._per_shard(results, lambda result: result[0], finalize_shard)

    async def open_count(self) -> int:
        async with self.redis.pipeline(transaction=False) as pipe:
            for shard in self.layout.all_shards():
                pipe.zcard(self.layout.index(shard, "deadlines"))
                pipe.zcard(self.layout.index(shard, "closing"))
            counts = await pipe.execute()
        return sum(int(n) for n in counts)

    async def get(self, session_id: str) -> StoredSession | None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.session_key(session_id, "m"))
            pipe.lrange(self.session_key(session_id, "e"), 0, -1)
            pipe.hgetall(self.session_key(session_id, "r"))
            meta, entries, results = await pipe.execute()
        if not meta:
            return None
        fields: dict[str, str] = {k.decode(): v.decode() for k, v in meta.items()}
        # The close scripts write only the reasons of CloseReason into the hash.
        reason = cast("CloseReason | None", fields.get("reason") if fields.get("state") != "open" else None)
        snapshot = build_snapshot(session_id, decode_entries(entries), close_reason=reason)
        return StoredSession(
            snapshot=snapshot,
            state=fields["state"],
            last_wall_ms=int(fields.get("wall", 0)),
            closed_at_ms=int(fields["closed_at"]) if "closed_at" in fields else None,
            results={k.decode(): v for k, v in results.items()} or None,
        )

    async def recent_closed(self, *, limit: int = 200, before_ms: int | None = None) -> list[tuple[str, int]]:
        """Closed session ids, newest first, with their close time."""
        top = "+inf" if before_ms is None else f"({before_ms}"
        async with self.redis.pipeline(transaction=False) as pipe:
            for shard in self.layout.all_shards():
                pipe.zrevrangebyscore(self.layout.index(shard, "closed"), top, "-inf", start=0, num=limit,
                                      withscores=True)
            replies = await pipe.execute()
        rows = sorted(((int(score), sid) for reply in replies for sid, score in reply), reverse=True)[:limit]
        return [(sid.decode(), score) for score, sid in rows]

    async def result(self, session_id: str, stage: str) -> bytes | None:
        """One stage's stored result, without reading the session's events."""
        # The client is built without decode_responses, so every reply is bytes.
        return cast("bytes | None", await self.redis.hget(self.session_key(session_id, "r"), stage))

    async def attach(self, session_id: str, stage: str, payload: bytes, *, retention_s: int) -> None:
        """Keep a later stage's result (e.g. the judge verdict) with a closed session."""
        key = self.session_key(session_id, "r")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, stage, payload)
            pipe.expire(key, retention_s)
            await pipe.execute()
