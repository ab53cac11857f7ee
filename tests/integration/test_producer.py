"""The producer helper against the real local broker: keys, envelopes per partition, order, callbacks, bounds."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from undercurrent.config import Settings, TopicSettings
from undercurrent.devstack import start_broker
from undercurrent.devstack.stack import Managed
from undercurrent.events import EventDecoder
from undercurrent.producer import InvalidEvent, Producer, ProducerOptions, open_producer, partition_of

from .harness import event

PARTITIONS = 4


class Topics:
    """A fresh chat and client topic pair with four partitions."""

    def __init__(self, bootstrap: str) -> None:
        name = f"p{uuid.uuid4().hex[:8]}"
        self.bootstrap = bootstrap
        self.chat, self.client = f"{name}.chat", f"{name}.client"

    async def create(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(t, PARTITIONS, 1) for t in (self.chat, self.client)])
        finally:
            await admin.close()

    def settings(self) -> Settings:
        return Settings().model_copy(update={"topics": TopicSettings(chat=self.chat, client=self.client)})

    async def read(self, events: int, timeout_s: float = 60.0) -> list[Any]:
        """Every message of both topics, once ``events`` events arrived (and a second more, to see extras)."""
        consumer = AIOKafkaConsumer(
            self.chat, self.client, bootstrap_servers=self.bootstrap, auto_offset_reset="earliest", group_id=None
        )
        await consumer.start()
        messages: list[Any] = []
        seen, deadline, settle = 0, time.monotonic() + timeout_s, None
        try:
            while time.monotonic() < (settle or deadline):
                for batch in (await consumer.getmany(timeout_ms=250)).values():
                    messages.extend(batch)
                    seen += sum(len(decode(m)) for m in batch)
                if settle is None and seen >= events:
                    settle = time.monotonic() + 1.0
        finally:
            await consumer.stop()
        return messages


_DECODERS = {}


def decode(message: Any) -> list[Any]:
    kind = "chat" if message.topic.endswith(".chat") else "client"
    decoder = _DECODERS.setdefault(kind, EventDecoder(kind))
    decoded = decoder.decode(message.value)
    assert decoded.rejects == []
    return decoded.events


class Reports(list[tuple[tuple[str, ...], BaseException | None]]):
    """The delivery callback: keeps every report and signals the first."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()

    def __call__(self, ids: tuple[str, ...], error: BaseException | None) -> None:
        self.append((ids, error))
        self.arrived.set()


async def open_on(topics: Topics, options: ProducerOptions, reports: Reports, **kafka: Any) -> Producer:
    await topics.create()
    return await open_producer(
        topics.bootstrap, settings=topics.settings(), options=options, on_delivery=reports, **kafka
    )


def traffic(sessions: int, turns: int) -> list[dict[str, Any]]:
    """Sessions interleaved turn by turn, each ending with a copy of its last answer."""
    out = [event(f"s{s}", n, 1_000 * n + s) for n in range(turns) for s in range(sessions)]
    out += [event(f"s{s}", turns, 1_000 * turns + s, "copy", turn=turns - 1) for s in range(sessions)]
    return out


async def test_events_arrive_keyed_enveloped_per_partition_in_session_order_with_a_callback_each(
    broker: Managed,
) -> None:
    topics, reports = Topics(broker.url), Reports()
    producer = await open_on(topics, ProducerOptions(envelope_size=5, linger_s=0.05), reports)
    sent = traffic(sessions=12, turns=6)
    for body in sent:
        await producer.send(body)
    await producer.close()

    messages = await topics.read(len(sent))
    received = {}
    for message in messages:
        events = decode(message)
        assert message.key == events[0].session_id.encode()
        assert {partition_of(e.session_id.encode(), tuple(range(PARTITIONS))) for e in events} == {message.partition}
        for e in events:
            received.setdefault((message.topic, e.session_id), []).append(e.event_id)
    assert sum(len(ids) for ids in received.values()) == len(sent)
    assert len(messages) < len(sent) / 2, "events travel in envelopes"
    for body in sent:
        topic = topics.chat if body["type"] == "turn" else topics.client
        expected = [b["event_id"] for b in sent if b["session_id"] == body["session_id"] and b["type"] == body["type"]]
        assert received[(topic, body["session_id"])] == expected
    assert sorted(i for ids, _ in reports for i in ids) == sorted(b["event_id"] for b in sent)
    assert {error for _, error in reports} == {None}


async def test_an_invalid_event_raises_at_the_call_and_is_not_sent(broker: Managed) -> None:
    topics, reports = Topics(broker.url), Reports()
    producer = await open_on(topics, ProducerOptions(envelope_size=10), reports)
    bad = {k: v for k, v in event("s1", 0, 1).items() if k != "text"}
    with pytest.raises(InvalidEvent, match=r"'s1:0' not sent \(schema\).*text"):
        await producer.send(bad)
    await producer.send(event("s1", 1, 2))
    await producer.close()
    assert [[e.event_id for e in decode(m)] for m in await topics.read(1)] == [["s1:1"]]
    assert reports == [(("s1:1",), None)]


async def test_an_envelope_that_is_not_full_is_sent_once_its_oldest_event_has_lingered(broker: Managed) -> None:
    topics, reports = Topics(broker.url), Reports()
    producer = await open_on(topics, ProducerOptions(envelope_size=100, linger_s=0.2), reports)
    for n in range(3):
        await producer.send(event("s1", n, n))
    await asyncio.wait_for(reports.arrived.wait(), 30)
    assert reports == [(("s1:0", "s1:1", "s1:2"), None)]
    await producer.close()


async def test_send_waits_while_the_buffer_is_full_until_the_broker_has_acknowledged(broker: Managed) -> None:
    topics, reports = Topics(broker.url), Reports()
    producer = await open_on(topics, ProducerOptions(envelope_size=100, linger_s=None, buffer_events=3), reports)
    for n in range(3):
        await producer.send(event("s1", n, n))
    assert (producer.pending, reports) == (3, [])
    await producer.send(event("s1", 3, 3))
    assert reports == [(("s1:0", "s1:1", "s1:2"), None)] and producer.pending == 1
    await producer.close()
    assert reports[1:] == [(("s1:3",), None)]
    assert [len(decode(m)) for m in await topics.read(4)] == [3, 1]


async def test_when_the_broker_is_gone_every_accepted_event_is_reported_failed_and_close_returns(
    tmp_path: Path,
) -> None:
    broker = start_broker(tmp_path)
    try:
        topics, reports = Topics(broker.url), Reports()
        producer = await open_on(topics, ProducerOptions(envelope_size=10, buffer_events=4), reports,
                                 request_timeout_s=1)
        await producer.send(event("s1", 0, 0))
        await producer.flush()
        broker.stop()
        for n in range(1, 7):
            await producer.send(event("s1", n, n))
        await asyncio.wait_for(producer.close(), 60)
    finally:
        broker.stop()
    assert reports[0] == (("s1:0",), None)
    assert sorted(i for ids, _ in reports[1:] for i in ids) == [f"s1:{n}" for n in range(1, 7)]
    assert all(isinstance(error, KafkaError) for _, error in reports[1:]), reports
    assert (producer.stats.delivered, producer.stats.failed, producer.pending) == (1, 6, 0)
