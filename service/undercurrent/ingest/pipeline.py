"""One batch of Kafka messages → validated events → sessions in Redis, rejects → dead letters.

The pipeline is written against narrow interfaces (a session store and a record
sink) so the same code runs in the faust worker and in the benchmark.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from ..config import Settings
from ..events import EventDecoder, Reject
from ..events.decode import TopicKind
from ..events.model import Event, ts_millis
from ..metrics.definitions import IngestMetrics
from ..sessions.store import EventTiming, RedisSessionStore
from .sink import RecordSink, send_all

log = structlog.get_logger(__name__)
APPLY_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Message:
    """The parts of a consumed Kafka message the pipeline needs."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


def dead_letter_headers(message: Message, reject: Reject) -> list[tuple[str, bytes]]:
    return [
        ("undercurrent-reason", reject.reason.encode()),
        ("undercurrent-detail", reject.detail[:1000].encode()),
        ("undercurrent-source", f"{message.topic}/{message.partition}/{message.offset}".encode()),
    ]


class IngestPipeline:
    def __init__(
        self,
        settings: Settings,
        store: RedisSessionStore,
        sink: RecordSink,
        metrics: IngestMetrics,
    ) -> None:
        self.settings = settings
        self.store = store
        self.sink = sink
        self.metrics = metrics
        limit = settings.ingest.max_message_bytes
        self.decoders: dict[TopicKind, EventDecoder] = {
            "chat": EventDecoder("chat", max_message_bytes=limit),
            "client": EventDecoder("client", max_message_bytes=limit),
        }
        self._timings: dict[str, EventTiming] = {}

    def timing(self, feature: str) -> EventTiming:
        timing = self._timings.get(feature)
        if timing is None:
            sessions = self.settings.sessions
            timing = EventTiming(
                idle_ms=int(sessions.idle_timeout_for(feature) * 1000), max_ms=int(sessions.max_duration_s * 1000)
            )
            self._timings[feature] = timing
        return timing

    async def handle(self, kind: TopicKind, messages: Sequence[Message]) -> Counter[tuple[str, str]]:
        """Process one batch; returns counts by (type, outcome)."""
        decoder = self.decoders[kind]
        events: list[Event] = []
        marks: dict[str, int] = {}
        dead: list[tuple[bytes | None, bytes, list[tuple[str, bytes]]]] = []
        counts: Counter[tuple[str, str]] = Counter()
        now_ms = int(time.time() * 1000)
        not_after_ms = now_ms + int(self.settings.sessions.max_future_skew_s * 1000)
        for message in messages:
            decoded = decoder.decode(message.value, not_after_ms=not_after_ms)
            events.extend(decoded.events)
            if decoded.events:
                mark = f"{message.topic}/{message.partition}"
                newest = max(ts_millis(e.ts) for e in decoded.events)
                marks[mark] = max(marks.get(mark, 0), newest)
            for reject in decoded.rejects:
                dead.append((message.key, reject.raw, dead_letter_headers(message, reject)))
                self.metrics.dlq.labels(message.topic, reject.reason).inc()
                counts["unknown", "invalid"] += 1
        if dead:
            await send_all(self.sink, self.settings.topics.dlq, dead)
            log.warning("dead-lettered", topic=messages[0].topic, count=len(dead))
        await self._apply(events, marks, counts, now_ms)
        topic = messages[0].topic if messages else kind
        for (event_type, outcome), n in counts.items():
            self.metrics.events.labels(topic, event_type, outcome).inc(n)
        return counts

    async def _apply(
        self, events: list[Event], marks: dict[str, int], counts: Counter[tuple[str, str]], now_ms: int
    ) -> None:
        sessions = self.settings.sessions
        open_ttl = int(sessions.max_duration_s + sessions.retention_s + 3600)
        for start in range(0, max(len(events), 1), APPLY_CHUNK):
            chunk = events[start : start + APPLY_CHUNK]
            last = start + APPLY_CHUNK >= len(events)
            outcomes = await self.store.apply(
                chunk,
                [self.timing(event.feature) for event in chunk],
                now_ms=now_ms,
                open_ttl_s=open_ttl,
                max_future_skew_ms=int(sessions.max_future_skew_s * 1000),
                marks=marks if last else None,
            )
            for event, outcome in zip(chunk, outcomes, strict=True):
                counts[event.__struct_config__.tag, outcome] += 1  # type: ignore[index]
