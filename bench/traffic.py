"""The benchmark's input: real ShareGPT conversations turned into contract events, produced once.

The same events go to two topic pairs, one event per message and in envelopes,
so every pass of the benchmark reads identical content.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass

import msgspec
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from undercurrent.config import KafkaSettings
from undercurrent.producer import KafkaTransport, Message, Topics
from undercurrent.replay.conversation import Conversation
from undercurrent.replay.produce import ReplaySummary, replay
from undercurrent.replay.schedule import Event, Window, sessions
from undercurrent.replay.sharegpt import read_sharegpt
from undercurrent.replay.synth import SynthOptions

_MAX_MESSAGE_BYTES = 1_048_576


@dataclass(frozen=True, slots=True)
class Traffic:
    """Synthesised sessions, in start order, with their totals."""

    sessions: list[list[Event]]
    events: int
    mean_event_bytes: float


def synthesise(events: int, *, seed: int = 1) -> Traffic:
    """Whole sessions from ShareGPT until at least ``events`` events (the dataset cycles if needed)."""
    taken: list[list[Event]] = []
    total = 0
    for session in session_stream(seed=seed, expected=events // 10):
        taken.append(session)
        total += len(session)
        if total >= events:
            break
    encode = msgspec.json.Encoder().encode
    size = sum(len(encode(event)) for session in taken for event in session)
    return Traffic(taken, total, size / max(total, 1))


def session_stream(*, seed: int = 1, expected: int) -> Iterator[list[Event]]:
    """Endless sessions synthesised from ShareGPT conversations, in start order (``expected``: how many the
    schedule spreads over its window)."""
    window = Window.before(time.time_ns() // 1_000_000)
    options = SynthOptions(session_prefix=f"bench{seed}")
    return sessions(_conversations(), seed=seed, window=window, expected=expected, options=options)


def _conversations() -> Iterator[Conversation]:
    """The dataset, then again under new ids for runs larger than it."""
    for round_ in itertools.count():
        for conversation in read_sharegpt():
            yield msgspec.structs.replace(conversation, id=f"{conversation.id}~{round_}") if round_ else conversation


async def create_topics(kafka: KafkaSettings, names: list[str], partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1) for name in names])
    finally:
        await admin.close()


async def produce(kafka: KafkaSettings, traffic: Traffic, topics: Topics, envelope_size: int) -> ReplaySummary:
    async with KafkaTransport(kafka, max_message_bytes=_MAX_MESSAGE_BYTES) as transport:
        return await replay(
            iter(traffic.sessions), transport, topics, envelope_size=envelope_size, max_message_bytes=_MAX_MESSAGE_BYTES
        )


async def produce_batches(kafka: KafkaSettings, topic: str, batches: list[bytes]) -> float:
    """Send pre-encoded messages to one topic; seconds taken."""
    started = time.perf_counter()
    async with KafkaTransport(kafka, max_message_bytes=_MAX_MESSAGE_BYTES) as transport:
        # Keyed by position: spread over the partitions, as the Collector's exporter does without a key.
        sent = [
            await transport.send(Message(topic, None, str(i).encode(), batch, ())) for i, batch in enumerate(batches)
        ]
        await asyncio.gather(*sent)
    return time.perf_counter() - started
