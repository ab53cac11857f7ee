"""What a session store does, whatever keeps the sessions: the :class:`SessionStore` protocol and the
values that cross it.

Two stores implement it. :class:`~.store.RedisSessionStore` is the one the service runs, on one
Redis primary or a Redis Cluster; :class:`~.memory.MemorySessionStore` keeps the same state in the
process, for tests of the pipeline that need a store's semantics but not Redis. One test suite
(``tests/integration/test_session_store.py``) runs against both, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

from ..events.model import Event
from .claimed import ClaimedSession
from .model import CloseReason, SessionSnapshot

Outcome = Literal["accepted", "duplicate", "late"]
"""What applying one event did: added it to its open session, nothing (its id was seen before), or
kept it as late with a session already closing or closed."""


@dataclass(frozen=True, slots=True)
class EventTiming:
    """How long a session may stay quiet, and open at all, in event time."""

    idle_ms: int
    max_ms: int


@dataclass(frozen=True, slots=True)
class Claim:
    session_id: str
    reason: CloseReason


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A session read back from the store."""

    snapshot: SessionSnapshot
    state: str
    last_wall_ms: int
    closed_at_ms: int | None
    results: dict[str, bytes] | None
    """Each stage's result as the stage stored it (JSON), for its reader to decode with the writer's struct."""


class Mark(NamedTuple):
    """One input partition's watermark: the highest event time consumed from it, and the wall time at
    which it last counted as active (a batch from it, or a touch)."""

    event_ms: int
    wall_ms: int


def watermark(marks: Iterable[Mark], *, now_ms: int, quiet_ms: int) -> int:
    """The lowest event time of the input partitions active in the last ``quiet_ms``; with none
    active, the wall clock. The same rule as claim.lua's."""
    return min((mark.event_ms for mark in marks if mark.wall_ms + quiet_ms > now_ms), default=now_ms)


class SessionStore(Protocol):
    """Sessions assembled from events, closed when due in event time, each by exactly one claimant.

    Times named ``now_ms`` are the caller's wall clock; expiry (``open_ttl_s``, ``retention_s``) runs
    on the store's own clock.
    """

    async def apply(
        self,
        events: Sequence[Event],
        timings: Sequence[EventTiming],
        *,
        now_ms: int,
        open_ttl_s: int,
        marks: Mapping[str, int] | None = None,
    ) -> list[Outcome]:
        """Add events to their sessions; one outcome per event, in order.

        An event id already seen in its session is a duplicate and changes nothing, so a batch applied
        twice (a redelivery) is applied once. A session's close deadline is its explicit end if it
        has one, else the earliest of last event + idle, first event + max duration and ``now_ms`` +
        idle + max, with the timing of its latest event (the close reason compares those of its
        first). ``marks`` (input ``topic/partition`` → highest
        event time consumed from it) raise the watermarks, never lower them, and count the
        partitions active at ``now_ms``; they take effect no earlier than the events.
        """
        ...

    async def touch_marks(self, partitions: Sequence[str] | None, *, now_ms: int) -> None:
        """Count these input partitions (None: every one with a watermark) as active at ``now_ms``,
        their watermarks unchanged; partitions without a watermark stay without."""
        ...

    async def marks(self) -> dict[str, Mark]:
        """Every input partition's watermark."""
        ...

    async def claim_due(
        self, *, now_ms: int, grace_ms: int, limit: int, lease_ms: int, quiet_ms: int = 30_000
    ) -> list[Claim]:
        """Claim sessions due to close, each for ``lease_ms``: claims whose lease ran out (handed out
        again), then open sessions whose deadline is at or behind the watermark (see :func:`watermark`)
        and whose last event arrived at least ``grace_ms`` ago; ``limit`` of each kind, or a few more
        across shards, never twice ``limit`` in all. A session is claimed by one caller at a time,
        however many claim at once."""
        ...

    async def load(self, claims: Iterable[Claim]) -> list[ClaimedSession]:
        """The stored events of claimed sessions, undecoded, with the wall ms of their last accepted event."""
        ...

    async def finalize(self, results: Sequence[tuple[str, bytes]], *, now_ms: int, retention_s: int) -> list[bool]:
        """Close claimed sessions, keeping their stage results (JSON) as ``close`` and the session for
        ``retention_s``; False where the claim is no longer held (another claimant finalised it)."""
        ...

    async def open_count(self) -> int:
        """Sessions open or claimed and not yet finalised."""
        ...

    async def get(self, session_id: str) -> StoredSession | None:
        ...

    async def recent_closed(self, *, limit: int = 200, before_ms: int | None = None) -> list[tuple[str, int]]:
        """Closed session ids with their close time, newest first, closed before ``before_ms`` if given."""
        ...

    async def result(self, session_id: str, stage: str) -> bytes | None:
        """One stage's stored result, without reading the session's events."""
        ...

    async def attach(self, session_id: str, stage: str, payload: bytes, *, retention_s: int) -> None:
        """Keep a later stage's result (e.g. the judge verdict) with a closed session, for ``retention_s``."""
        ...

    async def close(self) -> None:
        ...
