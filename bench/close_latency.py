"""Close latency at a steady rate: from a session's deadline to its record on the sessions topic.

The sessions of the throughput traffic are sent one event per message at a fixed
rate, each event stamped with the moment it is sent and each session followed at
once by an explicit end. A session's deadline is then the send time of its end
event; it may close ``close_grace_s`` later (the wall-clock quiet time the service
waits for stragglers). Its latency is the broker timestamp of its published record
minus that deadline: the grace plus whatever closing adds.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import msgspec
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from undercurrent.producer import Topics
from undercurrent.replay.schedule import Event, interleave


@dataclass(frozen=True, slots=True)
class Latencies:
    sessions: int
    published: int
    p50_s: float
    p99_s: float
    max_s: float


async def paced_produce(
    bootstrap: str, sessions: Iterable[list[Event]], topics: Topics, rate: float, *, seconds: float | None = None
) -> dict[str, float]:
    """Send every event at ``rate`` events per second (ends included); the wall time of each session's end.

    Sessions are pulled from ``sessions`` as the stream reaches them, so it may be endless when ``seconds``
    bounds the run; sessions still open when it stops are left open.
    """
    remaining: Counter[str] = Counter()
    encode = msgspec.json.Encoder().encode
    ends: dict[str, float] = {}

    def counted() -> Iterator[list[Event]]:
        for events in sessions:
            if events:
                remaining[events[0]["session_id"]] = len(events)
                yield events

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_request_size=2**21)
    await producer.start()
    try:
        started, sent = time.perf_counter(), 0

        async def send(body: Event) -> None:
            nonlocal sent
            delay = started + sent / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body["ts"] = int(time.time() * 1000)
            await producer.send(topics.of(body), encode(body), key=body["session_id"].encode())
            sent += 1

        for event in interleave(counted()):
            if seconds is not None and time.perf_counter() - started >= seconds:
                break
            sid = event["session_id"]
            await send(dict(event))
            remaining[sid] -= 1
            if remaining[sid] == 0:
                await send({"event_id": f"{sid}:paced-end", "session_id": sid, "ts": 0, "type": "session_end"})
                ends[sid] = time.time()
                del remaining[sid]
        await producer.flush()
    finally:
        await producer.stop()
    return ends


async def published_latencies(bootstrap: str, topic: str, ends: dict[str, float], timeout_s: float) -> Latencies:
    """Read the sessions topic until every session's record arrived (or ``timeout_s``); latency per session."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    latencies: dict[str, float] = {}
    deadline = time.monotonic() + timeout_s
    try:
        while len(latencies) < len(ends) and time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for message in messages:
                    sid = message.key.decode()
                    if sid in ends:
                        latencies.setdefault(sid, message.timestamp / 1000 - ends[sid])
    finally:
        await consumer.stop()
    ordered = sorted(latencies.values())
    return Latencies(len(ends), len(ordered), quantile(ordered, 0.5), quantile(ordered, 0.99),
                     ordered[-1] if ordered else math.nan)


def quantile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile of sorted values (nearest rank)."""
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]
