"""Send synthesised sessions to Kafka, interleaved by event time, through the producer helper.

``turn`` events go to the chat topic, every other type to the client topic; the
key is the session id. Delivery goes through a :class:`~undercurrent.producer.Transport`,
so the loop can be exercised without a broker; :class:`~undercurrent.producer.KafkaTransport`
is the aiokafka adapter.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..config import Settings
from ..producer import InvalidEvent, KafkaTransport, Producer, ProducerOptions, Topics, Transport
from .schedule import Event, interleave

ProgressCallback = Callable[[int, int], None]
"""Called with (conversations started, events sent) so far."""

_PROGRESS_EVERY = 1000
_BUFFER_EVENTS = 50_000


@dataclass(slots=True)
class ReplaySummary:
    conversations: int = 0
    events: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    oversized: int = 0
    seconds: float = 0.0

    @property
    def events_total(self) -> int:
        return sum(self.events.values())

    @property
    def events_per_s(self) -> float:
        return self.events_total / self.seconds if self.seconds > 0 else 0.0


async def replay(
    sessions: Iterable[list[Event]],
    transport: Transport,
    topics: Topics,
    *,
    envelope_size: int = 1,
    max_message_bytes: int = 1_048_576,
    on_progress: ProgressCallback | None = None,
) -> ReplaySummary:
    """Send every event; events over ``max_message_bytes`` are skipped and counted, any other invalid one raises.

    A replay is one burst, so envelopes do not linger: each is sent when full, and the rest at the end.
    """
    summary = ReplaySummary()
    options = ProducerOptions(
        envelope_size=envelope_size, linger_s=None, buffer_events=_BUFFER_EVENTS, max_message_bytes=max_message_bytes
    )
    producer = Producer(transport, topics, options)
    started = time.perf_counter()
    for event in interleave(_counted(sessions, summary)):
        try:
            await producer.send(event)
        except InvalidEvent as exc:
            if exc.reason != "oversized":
                raise
            summary.oversized += 1
            continue
        summary.events[event["type"]] += 1
        if on_progress and summary.events_total % _PROGRESS_EVERY == 0:
            on_progress(summary.conversations, summary.events_total)
    await producer.flush()
    summary.messages = producer.stats.messages
    summary.seconds = time.perf_counter() - started
    if on_progress:
        on_progress(summary.conversations, summary.events_total)
    return summary


async def replay_to_kafka(
    sessions: Iterable[list[Event]],
    settings: Settings,
    *,
    envelope_size: int = 1,
    compression: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> ReplaySummary:
    """:func:`replay` into the chat and client topics of ``settings``, with a producer sized for its limits."""
    max_bytes = settings.ingest.max_message_bytes
    topics = Topics(chat=settings.topics.chat, client=settings.topics.client)
    async with KafkaTransport(
        settings.kafka, max_message_bytes=max_bytes, compression=compression, client_id="undercurrent-replay"
    ) as transport:
        return await replay(
            sessions,
            transport,
            topics,
            envelope_size=envelope_size,
            max_message_bytes=max_bytes,
            on_progress=on_progress,
        )


def _counted(sessions: Iterable[list[Event]], summary: ReplaySummary) -> Iterator[list[Event]]:
    for events in sessions:
        summary.conversations += 1
        yield events
