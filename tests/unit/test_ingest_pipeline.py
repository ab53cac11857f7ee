"""The ingest pipeline and the closer on the in-memory session store: these need a store's rules
(de-duplication, watermarks, claims), not Redis, which the store suite and the worker tests cover.

Batches become sessions and redeliveries duplicates, bad messages are dead-lettered beside the good
ones, and every due session is published once and finalised, only once the partitions it depends on
caught up with it.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import msgspec
import pytest
from prometheus_client import CollectorRegistry

from undercurrent.config import Settings
from undercurrent.ingest.pipeline import IngestPipeline
from undercurrent.ingest.stages import StageMetrics, close_stages
from undercurrent.kafka.message import Headers, Message
from undercurrent.metrics.definitions import IngestMetrics, SamplingMetrics, SessionMetrics
from undercurrent.metrics.labels import LabelBounds
from undercurrent.records.session import CloseResults
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.workers.build import InlineBuilder
from undercurrent.workers.closer import SessionCloser

KEY = b"pseudonym-key-for-tests-0123456789"


class RecordingSink:
    """A producer that the broker acknowledges at once: what was sent, by topic."""

    def __init__(self) -> None:
        self.sent: dict[str, list[tuple[bytes | None, bytes, dict[str, bytes]]]] = {}

    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Headers = ()) -> asyncio.Future[None]:
        self.sent.setdefault(topic, []).append((key, value, dict(headers)))
        acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        acked.set_result(None)
        return acked


class FullBudget:
    scale = 1.0


class Worker:
    """A worker's pipeline and closer over one store and one sink, without Kafka or Redis."""

    def __init__(self, settings: Settings) -> None:
        registry = CollectorRegistry()
        self.settings = settings
        self.store = MemorySessionStore()
        self.sink = RecordingSink()
        ingest = IngestMetrics(registry)
        self.pipeline = IngestPipeline(settings, self.store, self.sink, ingest)
        bounds = LabelBounds(settings.labels.features, settings.labels.domains)
        stage_metrics = StageMetrics.registered(settings, registry, SamplingMetrics(registry))
        builder = InlineBuilder(settings, close_stages(settings, bounds, stage_metrics, FullBudget(), KEY))
        self.closer = SessionCloser(settings, self.store, self.sink, SessionMetrics(registry), ingest, bounds, builder)

    def published(self) -> list[dict[str, Any]]:
        return [json.loads(value) for _, value, _ in self.sink.sent.get(self.settings.topics.sessions, [])]


@pytest.fixture
def worker() -> Worker:
    return Worker(Settings(_env_file=None, sessions={"close_grace_s": 0, "close_workers": 0}))  # type: ignore[call-arg]


BASE_MS = int(time.time() * 1000) - 3_600_000


def message(topic: str, offset: int, body: dict[str, Any] | bytes, partition: int = 0) -> Message:
    value = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Message(topic, partition, offset, None, value)


def turns(session_id: str, start_ms: int, count: int = 2) -> list[dict[str, Any]]:
    return [{"type": "turn", "event_id": f"{session_id}-{n}", "session_id": session_id, "ts": start_ms + n * 1000,
             "role": ("user", "assistant")[n % 2], "text": f"turn {n} of {session_id}"} for n in range(count)]


def end(session_id: str, ts: int) -> dict[str, Any]:
    return {"type": "session_end", "event_id": f"{session_id}-end", "session_id": session_id, "ts": ts}


async def test_a_batch_becomes_sessions_and_its_redelivery_is_all_duplicates(worker: Worker) -> None:
    batch = [message("chat", i, body) for i, body in enumerate(turns("a", BASE_MS) + turns("b", BASE_MS, 3))]
    assert await worker.pipeline.handle("chat", batch) == {("turn", "accepted"): 5}
    assert await worker.pipeline.handle("chat", batch) == {("turn", "duplicate"): 5}
    assert await worker.store.open_count() == 2
    stored = await worker.store.get("b")
    assert stored is not None and [t.event_id for t in stored.snapshot.turns] == ["b-0", "b-1", "b-2"]


async def test_bad_messages_are_dead_lettered_and_the_rest_of_the_batch_applied(worker: Worker) -> None:
    batch = [message("chat", 0, turns("a", BASE_MS, 1)[0]), message("chat", 1, b"{not json"),
             message("chat", 2, end("a", BASE_MS + 5_000))]
    counts = await worker.pipeline.handle("chat", batch)
    assert counts == {("turn", "accepted"): 1, ("unknown", "invalid"): 2}
    letters = worker.sink.sent[worker.settings.topics.dlq]
    assert [(h["undercurrent-reason"], h["undercurrent-source"]) for _, _, h in letters] == [
        (b"malformed_json", b"chat/0/1"), (b"wrong_topic", b"chat/0/2")]
    assert [value for _, value, _ in letters] == [batch[1].value, batch[2].value]


async def test_a_session_ended_on_one_topic_closes_once_the_other_caught_up_and_only_once(worker: Worker) -> None:
    first, rest = turns("a", BASE_MS, 4)[:2], turns("a", BASE_MS, 4)[2:]
    await worker.pipeline.handle("chat", [message("chat", i, body) for i, body in enumerate(first)])
    await worker.pipeline.handle("client", [message("client", 0, end("a", BASE_MS + 10_000))])
    assert await worker.closer.sweep_once() == 0  # chat/0 is behind the end: its later turns may still come
    await worker.pipeline.handle("chat", [message("chat", 2 + i, body) for i, body in enumerate(rest)])
    assert await worker.closer.sweep_once() == 0
    await worker.pipeline.handle("chat", [message("chat", 4, turns("b", BASE_MS + 20_000, 1)[0])])  # chat/0 passes it
    assert await worker.closer.sweep_once() == 1
    assert await worker.closer.sweep_once() == 0
    [record] = worker.published()
    assert (record["session_id"], record["close_reason"]) == ("a", "end")
    assert [t["event_id"] for t in record["transcript"]] == ["a-0", "a-1", "a-2", "a-3"]
    assert [sid for sid, _ in await worker.store.recent_closed()] == ["a"]
    assert await worker.store.open_count() == 1  # "b" stays open
    stored = await worker.store.get("a")
    assert stored is not None and stored.state == "closed" and stored.results is not None
    close = msgspec.json.decode(stored.results["close"], type=CloseResults)
    assert close.detectors is not None and close.sampling is not None
