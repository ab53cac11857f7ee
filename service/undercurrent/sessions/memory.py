"""The session store kept in the process: :class:`~.protocol.SessionStore` without Redis.

For tests of the pipeline, the close path and the evidence view that need a store's semantics but
not Redis. It keeps what the Lua scripts keep, rule for rule, as the Redis store does on one primary:
de-duplication by event id, close deadlines in event time, watermarks that never
move back, claims with leases, retention. The store suite (``tests/integration/test_session_store.py``)
runs against it and against Redis alike. No method awaits, so each is atomic, as a script call is.

Expiry runs on ``clock`` (seconds, as Redis runs TTLs on its own clock) and is applied when a session
is next touched. A session's events, event ids and state expire together, as their three keys do;
its stage results expire on their own, since attaching a verdict renews only them.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import msgspec

from ..events.model import Event, SessionEnd, ts_millis
from .claimed import ClaimedSession, decode_entries
from .model import CloseReason, build_snapshot
from .protocol import Claim, EventTiming, Mark, Outcome, StoredSession, watermark


@dataclass(slots=True)
class _Session:
    """One session's state, events (each prefixed A, accepted, or L, late) and event ids."""

    expires_ms: float
    state: str = "open"
    first_ms: int = 0
    last_ms: int = 0
    idle_ms: int = 0
    max_ms: int = 0
    ended_ms: int = 0
    wall_ms: int = 0
    reason: CloseReason | None = None
    closed_at_ms: int | None = None
    entries: list[bytes] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)

    def close_reason(self) -> CloseReason:
        if self.ended_ms != 0:
            return "end"
        return "max_duration" if self.first_ms + self.max_ms <= self.last_ms + self.idle_ms else "idle"


@dataclass(slots=True)
class _Results:
    expires_ms: float
    stages: dict[str, bytes] = field(default_factory=dict)


def _due(index: Mapping[str, int], top: int, limit: int) -> list[str]:
    """Up to ``limit`` members scored at most ``top``, lowest first, ties by id (a sorted set's order)."""
    return [sid for _, sid in heapq.nsmallest(limit, ((score, sid) for sid, score in index.items() if score <= top))]


class MemorySessionStore:
    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._sessions: dict[str, _Session] = {}
        self._results: dict[str, _Results] = {}
        self._deadlines: dict[str, int] = {}  # open sessions by close deadline (event ms)
        self._closing: dict[str, int] = {}  # claimed sessions by lease expiry (wall ms)
        self._closed: dict[str, int] = {}  # closed sessions by close time (wall ms)
        self._marks: dict[str, Mark] = {}

    def _expiry(self, ttl_s: int) -> float:
        return self._clock() * 1000 + ttl_s * 1000

    def _session(self, session_id: str) -> _Session | None:
        session = self._sessions.get(session_id)
        if session is not None and session.expires_ms < self._clock() * 1000:
            del self._sessions[session_id]
            return None
        return session

    def _stage_results(self, session_id: str) -> _Results | None:
        results = self._results.get(session_id)
        if results is not None and results.expires_ms < self._clock() * 1000:
            del self._results[session_id]
            return None
        return results

    async def apply(
        self,
        events: Sequence[Event],
        timings: Sequence[EventTiming],
        *,
        now_ms: int,
        open_ttl_s: int,
        marks: Mapping[str, int] | None = None,
    ) -> list[Outcome]:
        for name, ts in (marks or {}).items():
            current = self._marks.get(name)
            self._marks[name] = Mark(ts if current is None else max(ts, current.event_ms), now_ms)
        return [self._apply_one(event, timing, now_ms, open_ttl_s)
                for event, timing in zip(events, timings, strict=True)]

    def _apply_one(self, event: Event, timing: EventTiming, now_ms: int, open_ttl_s: int) -> Outcome:
        sid, ts = event.session_id, ts_millis(event.ts)
        session = self._session(sid)
        if session is not None and event.event_id in session.event_ids:
            return "duplicate"
        payload = msgspec.json.encode(event)
        if session is not None and session.state in ("closing", "closed"):
            session.event_ids.add(event.event_id)
            session.entries.append(b"L" + payload)
            return "late"
        if session is None:
            session = _Session(self._expiry(open_ttl_s), first_ms=ts, last_ms=ts, idle_ms=timing.idle_ms,
                               max_ms=timing.max_ms)
            self._sessions[sid] = session
        else:
            session.first_ms, session.last_ms = min(session.first_ms, ts), max(session.last_ms, ts)
        session.event_ids.add(event.event_id)
        if isinstance(event, SessionEnd):
            session.ended_ms = ts
        session.entries.append(b"A" + payload)
        session.wall_ms = now_ms
        # The deadline takes this event's timing; the close reason, the first event's (as apply.lua and claim.lua do).
        deadline = min(session.last_ms + timing.idle_ms, session.first_ms + timing.max_ms,
                       now_ms + timing.idle_ms + timing.max_ms)
        self._deadlines[sid] = session.ended_ms if session.ended_ms > 0 else deadline
        return "accepted"

    async def touch_marks(self, partitions: Sequence[str] | None, *, now_ms: int) -> None:
        for name in list(self._marks) if partitions is None else partitions:
            current = self._marks.get(name)
            if current is not None:
                self._marks[name] = Mark(current.event_ms, now_ms)

    async def marks(self) -> dict[str, Mark]:
        return dict(self._marks)

    async def claim_due(
        self, *, now_ms: int, grace_ms: int, limit: int, lease_ms: int, quiet_ms: int = 30_000
    ) -> list[Claim]:
        wm = watermark(self._marks.values(), now_ms=now_ms, quiet_ms=quiet_ms)
        claims = []
        for sid in _due(self._closing, now_ms, limit):
            self._closing[sid] = now_ms + lease_ms
            session = self._session(sid)
            claims.append(Claim(sid, session.reason if session is not None and session.reason else "idle"))
        for sid in _due(self._deadlines, wm, limit):
            session = self._session(sid)
            if session is None:
                del self._deadlines[sid]
            elif session.wall_ms + grace_ms <= now_ms:
                del self._deadlines[sid]
                self._closing[sid] = now_ms + lease_ms
                session.state, session.reason = "closing", session.close_reason()
                claims.append(Claim(sid, session.reason))
        return claims

    async def load(self, claims: Iterable[Claim]) -> list[ClaimedSession]:
        loaded = []
        for claim in claims:
            session = self._session(claim.session_id)
            entries, wall_ms = ([], 0) if session is None else (list(session.entries), session.wall_ms)
            loaded.append(ClaimedSession(claim.session_id, claim.reason, entries, wall_ms))
        return loaded

    async def finalize(self, results: Sequence[tuple[str, bytes]], *, now_ms: int, retention_s: int) -> list[bool]:
        if not results:
            return []
        finalised = []
        for sid, payload in results:
            if self._closing.pop(sid, None) is None:
                finalised.append(False)
                continue
            session = self._session(sid)
            if session is None:  # expired while claimed: only the close is kept, as in Redis
                session = self._sessions[sid] = _Session(0)
            session.state, session.closed_at_ms, session.expires_ms = "closed", now_ms, self._expiry(retention_s)
            stage_results = self._stage_results(sid) or _Results(0)
            stage_results.stages["close"], stage_results.expires_ms = payload, self._expiry(retention_s)
            self._results[sid] = stage_results
            self._closed[sid] = now_ms
            finalised.append(True)
        oldest = now_ms - retention_s * 1000
        for sid in [sid for sid, closed_ms in self._closed.items() if closed_ms <= oldest]:
            del self._closed[sid]
        return finalised

    async def open_count(self) -> int:
        return len(self._deadlines) + len(self._closing)

    async def get(self, session_id: str) -> StoredSession | None:
        session = self._session(session_id)
        if session is None:
            return None
        stage_results = self._stage_results(session_id)
        stages = {} if stage_results is None else stage_results.stages
        reason = session.reason if session.state != "open" else None
        return StoredSession(
            snapshot=build_snapshot(session_id, decode_entries(session.entries), close_reason=reason),
            state=session.state,
            last_wall_ms=session.wall_ms,
            closed_at_ms=session.closed_at_ms,
            results=dict(stages) or None,
        )

    async def recent_closed(self, *, limit: int = 200, before_ms: int | None = None) -> list[tuple[str, int]]:
        top = before_ms if before_ms is not None else float("inf")
        rows = ((closed_ms, sid) for sid, closed_ms in self._closed.items() if closed_ms < top)
        return [(sid, closed_ms) for closed_ms, sid in heapq.nlargest(limit, rows)]

    async def result(self, session_id: str, stage: str) -> bytes | None:
        stage_results = self._stage_results(session_id)
        return None if stage_results is None else stage_results.stages.get(stage)

    async def attach(self, session_id: str, stage: str, payload: bytes, *, retention_s: int) -> None:
        stage_results = self._results[session_id] = self._stage_results(session_id) or _Results(0)
        stage_results.stages[stage], stage_results.expires_ms = payload, self._expiry(retention_s)

    async def close(self) -> None:
        """Nothing to release: the store lives as long as the object."""
