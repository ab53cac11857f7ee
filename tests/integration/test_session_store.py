"""One suite for every session store: the Redis store and its Lua scripts on one primary and on a
three-primary Redis Cluster, and the in-memory store. The same tests, so the stores keep the same rules."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.support.stores import Clock, redis_store
from undercurrent.events import Copy, SessionEnd, Turn
from undercurrent.events.model import Event
from undercurrent.sessions.claimed import ClaimedSession
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.sessions.protocol import Claim, EventTiming, Mark, Outcome, SessionStore

T = EventTiming(idle_ms=60_000, max_ms=3_600_000)
NOW = 10_000_000
PassTime = Callable[[float], Awaitable[None]]


@pytest.fixture(params=["memory", "primary", "cluster"])
async def store(request: pytest.FixtureRequest, key_prefix: str) -> AsyncIterator[SessionStore]:
    if request.param == "memory":
        yield request.getfixturevalue("memory_store")
        return
    cluster = request.param == "cluster"
    url = request.getfixturevalue("redis_cluster_url" if cluster else "redis_url")
    async with redis_store(url, cluster=cluster, prefix=key_prefix) as redis:
        yield redis


@pytest.fixture
def pass_time(store: SessionStore, clock: Clock) -> PassTime:
    """Let seconds of the store's own clock go by: the in-memory store's clock is moved on, Redis' waited for."""

    async def wait(seconds: float) -> None:
        if isinstance(store, MemorySessionStore):
            clock.advance(seconds)
        else:
            await asyncio.sleep(seconds)

    return wait


def turn(sid: str, n: int, ts: int, role: str = "user", turn_index: int | None = None) -> Turn:
    return Turn(event_id=f"{sid}-{n}", session_id=sid, ts=ts, role=role, text=f"text {n}", turn=turn_index)


async def apply(store: SessionStore, events: list[Event], now: int = NOW) -> list[Outcome]:
    return await store.apply(events, [T] * len(events), now_ms=now, open_ttl_s=3600)


async def claim(store: SessionStore, now: int, grace_ms: int = 0, lease_ms: int = 60_000) -> list[Claim]:
    return await store.claim_due(now_ms=now, grace_ms=grace_ms, limit=100, lease_ms=lease_ms)


async def test_duplicates_are_reported_and_not_stored(store: SessionStore) -> None:
    assert await apply(store, [turn("a", 1, 1000), turn("a", 1, 1000), turn("a", 2, 2000)]) == [
        "accepted", "duplicate", "accepted"]
    assert await apply(store, [turn("a", 2, 2000)]) == ["duplicate"]
    stored = await store.get("a")
    assert stored is not None and [t.event_id for t in stored.snapshot.turns] == ["a-1", "a-2"]


async def test_session_closes_after_idle_timeout_in_event_time(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 120_000), turn("b", 1, NOW - 10_000)])
    claims = await claim(store, NOW)
    assert [(c.session_id, c.reason) for c in claims] == [("a", "idle")]


async def test_explicit_end_closes_without_waiting_for_idle(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 10), SessionEnd(event_id="a-e", session_id="a", ts=NOW - 5)])
    assert [(c.session_id, c.reason) for c in await claim(store, NOW)] == [("a", "end")]


async def test_max_duration_closes_a_session_that_never_goes_idle(store: SessionStore) -> None:
    events = [turn("a", n, NOW - 3_700_000 + n * 50_000) for n in range(74)]
    await apply(store, events)
    assert [(c.session_id, c.reason) for c in await claim(store, NOW)] == [("a", "max_duration")]


async def test_grace_keeps_a_session_open_while_its_events_still_arrive(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 500_000)], now=NOW)
    assert await claim(store, NOW + 1_000, grace_ms=5_000) == []
    assert [c.session_id for c in await claim(store, NOW + 6_000, grace_ms=5_000)] == ["a"]


async def test_events_after_close_are_late_and_kept(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 120_000)])
    [c] = await claim(store, NOW)
    assert await apply(store, [Copy(event_id="a-c", session_id="a", ts=NOW, turn=0)]) == ["late"]
    await store.finalize([("a", b"{}")], now_ms=NOW, retention_s=60)
    assert await apply(store, [turn("a", 2, NOW)]) == ["late"]
    stored = await store.get("a")
    assert stored is not None and stored.state == "closed"
    assert stored.snapshot.late_events == 2
    assert [b.late for b in stored.snapshot.behaviours] == [True]


async def test_concurrent_sweepers_claim_each_session_once(store: SessionStore) -> None:
    await apply(store, [turn(f"s{i}", 1, NOW - 120_000) for i in range(300)])
    results = await asyncio.gather(*(claim(store, NOW) for _ in range(4)))
    claimed = [c.session_id for batch in results for c in batch]
    assert sorted(claimed) == sorted(f"s{i}" for i in range(300))


async def test_expired_claim_is_handed_out_again_and_finalised_once(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 120_000)])
    assert len(await claim(store, NOW, lease_ms=1_000)) == 1
    assert [c.session_id for c in await claim(store, NOW + 2_000)] == ["a"]
    assert await store.finalize([("a", b"{}")], now_ms=NOW + 2_000, retention_s=60) == [True]
    assert await store.finalize([("a", b"{}")], now_ms=NOW + 2_000, retention_s=60) == [False]


async def test_a_closed_session_expires_after_its_retention_and_a_later_verdict_after_its_own(
    store: SessionStore, pass_time: PassTime
) -> None:
    await apply(store, [turn("a", 1, NOW - 120_000)])
    await claim(store, NOW)
    await store.finalize([("a", b'{"risk": 0.5}')], now_ms=NOW, retention_s=1)
    await store.attach("a", "judge", b'{"quality": "good"}', retention_s=100)
    stored = await store.get("a")
    assert stored is not None and stored.results == {"close": b'{"risk": 0.5}', "judge": b'{"quality": "good"}'}
    assert (stored.state, stored.closed_at_ms, stored.last_wall_ms) == ("closed", NOW, NOW)
    assert await store.recent_closed() == [("a", NOW)]
    await pass_time(1.1)
    assert await store.get("a") is None
    assert await store.load([Claim("a", "idle")]) == [ClaimedSession("a", "idle", [], 0)]
    assert await store.result("a", "judge") == b'{"quality": "good"}'  # attaching renewed the results only
    assert await apply(store, [turn("a", 1, NOW)]) == ["accepted"]  # its event ids went with it


async def test_an_open_session_past_its_time_to_live_is_dropped_without_a_close(
    store: SessionStore, pass_time: PassTime
) -> None:
    await store.apply([turn("a", 1, NOW - 120_000)], [T], now_ms=NOW, open_ttl_s=1)
    await pass_time(1.1)
    assert await store.get("a") is None
    assert await claim(store, NOW) == []
    assert await store.open_count() == 0


async def test_closed_sessions_are_listed_newest_first_until_their_retention_ends(store: SessionStore) -> None:
    for sid, closed_ms in (("a", NOW), ("c", NOW + 20_000), ("d", NOW + 20_000)):
        await apply(store, [turn(sid, 1, NOW - 120_000)])
        await claim(store, NOW)
        await store.finalize([(sid, b"{}")], now_ms=closed_ms, retention_s=60)
    assert await store.recent_closed() == [("d", NOW + 20_000), ("c", NOW + 20_000), ("a", NOW)]
    assert await store.recent_closed(limit=2) == [("d", NOW + 20_000), ("c", NOW + 20_000)]
    assert await store.recent_closed(before_ms=NOW + 20_000) == [("a", NOW)]
    await apply(store, [turn("b", 1, NOW - 120_000)])
    await claim(store, NOW)
    await store.finalize([("b", b"{}")], now_ms=NOW + 70_000, retention_s=60)  # "a" closed over 60 s before
    assert await store.recent_closed() == [("b", NOW + 70_000), ("d", NOW + 20_000), ("c", NOW + 20_000)]


async def test_watermarks_never_move_back(store: SessionStore) -> None:
    await store.apply([], [], now_ms=NOW, open_ttl_s=60, marks={"chat/0": 5_000})
    await store.apply([], [], now_ms=NOW + 1, open_ttl_s=60, marks={"chat/0": 4_000, "chat/1": 3_000})
    assert await store.marks() == {"chat/0": Mark(5_000, NOW + 1), "chat/1": Mark(3_000, NOW + 1)}


async def test_the_deadline_follows_the_timing_of_the_latest_event(store: SessionStore) -> None:
    brief = EventTiming(idle_ms=1_000, max_ms=3_600_000)
    await store.apply([turn("a", 1, NOW - 30_000)], [T], now_ms=NOW, open_ttl_s=60)
    assert await claim(store, NOW) == []
    await store.apply([turn("a", 2, NOW - 20_000)], [brief], now_ms=NOW, open_ttl_s=60)
    assert await claim(store, NOW) == [Claim("a", "idle")]  # quiet for 20 s, with 1 s allowed now


async def test_a_claim_handed_out_again_keeps_its_close_reason(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 10), SessionEnd(event_id="a-e", session_id="a", ts=NOW - 5)])
    assert await claim(store, NOW, lease_ms=1_000) == [Claim("a", "end")]
    assert await claim(store, NOW + 500) == []  # the lease still runs
    assert await claim(store, NOW + 1_000) == [Claim("a", "end")]


async def test_only_a_claimed_session_is_finalised(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 10)])
    assert await store.finalize([("a", b"{}"), ("b", b"{}")], now_ms=NOW, retention_s=60) == [False, False]
    stored = await store.get("a")
    assert stored is not None and stored.state == "open" and stored.results is None
    assert await store.recent_closed() == []


async def test_sessions_count_as_open_until_they_are_finalised(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 120_000), turn("b", 1, NOW - 10)])
    assert await store.open_count() == 2
    assert [c.session_id for c in await claim(store, NOW)] == ["a"]
    assert await store.open_count() == 2
    await store.finalize([("a", b"{}")], now_ms=NOW, retention_s=60)
    assert await store.open_count() == 1


async def test_claimed_sessions_load_with_their_late_events_and_last_accepted_wall_time(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 130_000)], now=NOW - 1_000)
    await apply(store, [turn("a", 2, NOW - 120_000), Copy(event_id="a-c", session_id="a", ts=NOW - 120_000, turn=1)])
    claims = await claim(store, NOW)
    assert await apply(store, [turn("a", 3, NOW)], now=NOW + 7) == ["late"]
    [loaded] = await store.load(claims)
    assert (loaded.session_id, loaded.reason, loaded.wall_ms) == ("a", "idle", NOW)
    snapshot = loaded.snapshot()
    assert [(t.event_id, t.late) for t in snapshot.turns] == [("a-1", False), ("a-2", False), ("a-3", True)]
    assert [b.event_id for b in snapshot.behaviours] == ["a-c"]


async def test_an_event_seen_before_is_a_duplicate_even_after_its_session_closed(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, NOW - 120_000)])
    await claim(store, NOW)
    assert await apply(store, [turn("a", 1, NOW - 120_000), turn("a", 2, NOW)]) == ["duplicate", "late"]
    assert await apply(store, [turn("a", 2, NOW)]) == ["duplicate"]


async def test_turns_without_index_take_arrival_order(store: SessionStore) -> None:
    await apply(store, [turn("a", 1, 1000, turn_index=0), turn("a", 2, 900, "assistant"), turn("a", 3, 3000)])
    stored = await store.get("a")
    assert stored is not None
    assert [(t.index, t.event_id) for t in stored.snapshot.turns] == [(0, "a-1"), (1, "a-2"), (2, "a-3")]


async def test_a_lagging_partition_holds_closes_back_until_it_catches_up(store: SessionStore) -> None:
    end = SessionEnd(event_id="a-e", session_id="a", ts=5_000)
    await store.apply([end], [T], now_ms=NOW, open_ttl_s=60, marks={"client/0": 5_000})
    await store.apply([], [], now_ms=NOW, open_ttl_s=60, marks={"chat/0": 4_000})
    assert await claim(store, NOW) == []
    await store.apply([], [], now_ms=NOW, open_ttl_s=60, marks={"chat/0": 5_000})
    assert [(c.session_id, c.reason) for c in await claim(store, NOW)] == [("a", "end")]


async def test_quiet_partitions_stop_holding_closes_back(store: SessionStore) -> None:
    await store.apply([turn("a", 1, 1_000)], [T], now_ms=NOW, open_ttl_s=60,
                      marks={"chat/0": 1_000})
    assert await store.claim_due(now_ms=NOW + 1_000, grace_ms=0, limit=10, lease_ms=1, quiet_ms=30_000) == []
    claims = await store.claim_due(now_ms=NOW + 31_000, grace_ms=0, limit=10, lease_ms=1, quiet_ms=30_000)
    assert [c.session_id for c in claims] == ["a"]


async def test_out_of_order_events_keep_the_latest_time_for_the_deadline(store: SessionStore) -> None:
    await apply(store, [turn("a", 2, NOW - 30_000, turn_index=1), turn("a", 1, NOW - 200_000, turn_index=0)])
    assert await claim(store, NOW) == []  # idle counts from the newest event, not the last to arrive
    stored = await store.get("a")
    assert stored is not None
    assert [t.index for t in stored.snapshot.turns] == [0, 1]
    assert (stored.snapshot.opened_ms, stored.snapshot.last_event_ms) == (NOW - 200_000, NOW - 30_000)


async def test_touched_partitions_hold_closes_back_again_with_their_watermark(store: SessionStore) -> None:
    await store.apply([turn("a", 1, 1_000)], [T], now_ms=NOW, open_ttl_s=60, marks={"chat/0": 1_000, "chat/1": 900})
    await store.touch_marks(["chat/1", "chat/7"], now_ms=NOW + 40_000)  # chat/1 reassigned; chat/7 never seen
    marks = await store.marks()
    assert marks == {"chat/0": Mark(1000, NOW), "chat/1": Mark(900, NOW + 40_000)}
    # chat/0 went quiet, chat/1 counts as active again: the watermark is its 900 ms, before the session's deadline
    assert await store.claim_due(now_ms=NOW + 41_000, grace_ms=0, limit=10, lease_ms=1, quiet_ms=30_000) == []
    await store.touch_marks(None, now_ms=NOW + 50_000)  # after an outage: every partition
    marks = await store.marks()
    assert marks == {"chat/0": Mark(1000, NOW + 50_000), "chat/1": Mark(900, NOW + 50_000)}


async def test_a_batch_across_many_sessions_reports_outcomes_in_its_own_order(store: SessionStore) -> None:
    first = [turn(f"s{i}", 1, 1_000) for i in range(40)]
    again = [event for i in range(40) for event in (turn(f"s{i}", 1, 1_000), turn(f"s{i}", 2, 2_000))]
    assert await apply(store, first) == ["accepted"] * 40
    assert await apply(store, again) == ["duplicate", "accepted"] * 40
    assert await store.open_count() == 40


async def test_claims_stop_at_the_limit_and_the_rest_stays_due(store: SessionStore) -> None:
    await apply(store, [turn(f"s{i}", 1, NOW - 120_000) for i in range(30)])
    first = await store.claim_due(now_ms=NOW, grace_ms=0, limit=10, lease_ms=60_000)
    rest = await store.claim_due(now_ms=NOW, grace_ms=0, limit=100, lease_ms=60_000)
    assert len(first) == 10
    assert sorted(c.session_id for c in first + rest) == sorted(f"s{i}" for i in range(30))
