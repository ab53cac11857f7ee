"""The ingest worker end to end: real Tansu broker, real Redis (one primary, or a cluster), real worker processes."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter

import pytest

from .harness import Deployment, collect, encode, event, produce

both_redis = pytest.mark.parametrize("redis_mode", ["primary", "cluster"], indirect=True)


def sessions_traffic(
    d: Deployment, count: int, *, prefix: str = "s", seed: int = 7, end_every: int = 3, hours_ago: float = 2
) -> tuple[list, dict[str, int]]:
    """Sessions with turns and behaviour events, interleaved; every ``end_every``-th ends explicitly."""
    rng = random.Random(seed)
    base = int((time.time() - hours_ago * 3600) * 1000)
    records, expected = [], {}
    for i in range(count):
        sid = f"{prefix}{i}"
        turns = rng.randint(2, 6)
        bodies = [event(sid, n, base + i * 10 + n * 5000) for n in range(turns)]
        bodies += [event(sid, turns, base + i * 10 + turns * 5000, "copy", turn=1)]
        if i % end_every == 0:
            bodies.append(event(sid, turns + 1, base + i * 10 + turns * 5000 + 10, "session_end"))
        expected[sid] = len(bodies)
        for body in bodies:
            topic = d.topic("chat") if body["type"] == "turn" else d.topic("client")
            records.append((topic, sid, encode(body)))
    rng.shuffle(records)
    records.sort(key=lambda r: json.loads(r[2])["ts"])  # per-session order kept, sessions interleaved
    return records, expected


async def wait_for(condition, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("condition not met in time")


def by_session(messages: list) -> Counter[str]:
    return Counter(json.loads(m.value)["session_id"] for m in messages)


@both_redis
async def test_every_session_closes_once_with_all_its_events(deployment: Deployment) -> None:
    records, expected = sessions_traffic(deployment, 60)
    worker = deployment.start_worker()
    await produce(deployment.bootstrap, records)
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=60)
    assert by_session(published) == Counter({sid: 1 for sid in expected})
    for message in published:
        record = json.loads(message.value)
        assert record["event_count"] == expected[record["session_id"]]
        assert record["close_reason"] == ("end" if int(record["session_id"][1:]) % 3 == 0 else "idle")
    assert worker.sample("undercurrent_events_total", outcome="accepted") == sum(expected.values())
    assert worker.sample("undercurrent_sessions_closed_total") == 60


async def test_envelopes_and_redelivered_events(deployment: Deployment) -> None:
    records, expected = sessions_traffic(deployment, 20)
    envelopes: dict[tuple[str, str], list] = {}
    for topic, sid, value in records:
        envelopes.setdefault((topic, sid), []).append(json.loads(value))
    batched = [(t, sid, encode({"events": items})) for (t, sid), items in envelopes.items()]
    redelivered = records[:15]
    deployment.start_worker()
    await produce(deployment.bootstrap, batched + redelivered)
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=20)
    assert by_session(published) == Counter({sid: 1 for sid in expected})
    assert {json.loads(m.value)["session_id"]: json.loads(m.value)["event_count"] for m in published} == expected
    assert deployment.workers[0].sample("undercurrent_events_total", outcome="duplicate") == 15


async def test_bad_input_is_dead_lettered_with_reasons_and_spares_good_events(deployment: Deployment) -> None:
    deployment.extra_env["UNDERCURRENT_INGEST__MAX_MESSAGE_BYTES"] = "2000"
    base = int(time.time() * 1000) - 3600 * 1000
    chat, client = deployment.topic("chat"), deployment.topic("client")
    good = event("ok", 0, base)
    bad = {
        "malformed_json": (chat, b'{"event_id": "x", '),
        "schema": (chat, encode({**event("bad", 0, base), "role": "robot"})),
        "unknown_type": (client, encode(event("bad", 1, base, "teleport"))),
        "wrong_topic": (client, encode(event("bad", 2, base))),
        "oversized": (chat, encode({**event("bad", 3, base), "text": "x" * 3000})),
    }
    envelope = encode({"events": [event("ok", 1, base + 1), {"type": "turn"}]})
    worker = deployment.start_worker()
    await produce(
        deployment.bootstrap,
        [(chat, "ok", encode(good)), (chat, "ok", envelope), *((t, "bad", v) for t, v in bad.values())],
    )
    dead = await collect(deployment.bootstrap, deployment.topic("dlq"), until=6)
    reasons = Counter(dict(m.headers)["undercurrent-reason"].decode() for m in dead)
    assert reasons == Counter({**{r: 1 for r in bad}, "schema": 2})
    raw_by_reason = {dict(m.headers)["undercurrent-reason"].decode(): m.value for m in dead}
    assert raw_by_reason["malformed_json"] == b'{"event_id": "x", '
    assert raw_by_reason["oversized"] == bad["oversized"][1]
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=1)
    assert [json.loads(m.value)["event_count"] for m in published] == [2]
    assert worker.sample("undercurrent_dlq_messages_total") == 6
    assert worker.sample("undercurrent_events_total", outcome="invalid") == 6


@both_redis
async def test_two_workers_close_every_session_exactly_once(deployment: Deployment) -> None:
    records, expected = sessions_traffic(deployment, 150)
    deployment.start_worker()
    deployment.start_worker()
    await produce(deployment.bootstrap, records)
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=150, settle_s=5)
    assert by_session(published) == Counter({sid: 1 for sid in expected})
    closes = sum(w.sample("undercurrent_sessions_closed_total") for w in deployment.workers)
    assert closes == 150


@both_redis
async def test_worker_killed_and_restarted_loses_no_session_and_closes_none_twice(deployment: Deployment) -> None:
    deployment.extra_env["UNDERCURRENT_SESSIONS__CLAIM_LEASE_S"] = "5"
    # Recent event times: nothing goes idle, every session closes on its explicit end in the second half.
    records, expected = sessions_traffic(deployment, 300, end_every=1, hours_ago=0)
    first = deployment.start_worker()
    await produce(deployment.bootstrap, records[: len(records) // 2])
    await wait_for(lambda: first.sample("undercurrent_events_total") > 0)
    first.kill()
    await produce(deployment.bootstrap, records[len(records) // 2 :])
    deployment.start_worker()
    published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=300, settle_s=8)
    assert by_session(published) == Counter({sid: 1 for sid in expected})
    assert {json.loads(m.value)["session_id"]: json.loads(m.value)["event_count"] for m in published} == expected
