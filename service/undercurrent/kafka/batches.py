"""A faust Kafka transport whose consumer hands each fetch of chosen topics to one coroutine, as one batch.

faust delivers every fetched message on its own: its conductor decodes it and wraps it in an event for
each subscribed agent's stream buffer, the agent's stream takes it off, runs the sensors and, once the
agent is done with it, acknowledges it. That costs tens of µs a message, many times what the ingest
pipeline spends on one event. For the topics given to :func:`consume_batches`, this consumer skips it:
the records of one fetch (``getmany``) go to the handler as one batch of :class:`Message`, and once the
handler has returned (its effects are durable) their offsets are acknowledged in faust's own
bookkeeping, which faust's commit timer, rebalance handling and shutdown commit read as they read the
acknowledgements of its streams. Group membership, fetching, read offsets and gaps, commits and
rebalancing stay faust's. Records of any other topic go through faust's own delivery.

A batch whose fetch belongs to an older group generation (a rebalance happened while it was handled)
is not acknowledged: its effects stay, and whoever holds its partitions now reads it again from the
last commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from time import monotonic
from typing import Any, cast

import aiokafka
import faust
from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP
from faust.types.tuples import ack_lock
from mode import Service, ServiceT
from mode.utils.futures import notify

from .message import Message

BatchHandler = Callable[[Mapping[str, Sequence[Message]]], Awaitable[None]]
"""Handles one fetch's messages of the batch topics, by topic; returns once their effects are durable."""


@dataclass(frozen=True, slots=True)
class Unread:
    """Which of one partition's fetched records to deliver, given the offset read last."""

    start: int  # index of the first record not delivered before (a seek back can fetch them again)
    gaps: list[tuple[int, int]]  # offsets with no record (compaction, transaction markers), first and last


def unread(read: int | None, offsets: Sequence[int]) -> Unread:
    """faust's rule, record by record: skip offsets below ``read``; offsets missing between two
    delivered ones (or after a non-zero ``read``) are a gap, which commits count as done."""
    start = 0
    while start < len(offsets) and read is not None and offsets[start] < read:
        start += 1
    gaps = []
    previous = read
    for offset in offsets[start:]:
        if previous and offset - previous > 1:
            gaps.append((previous + 1, offset - 1))
        previous = offset
    return Unread(start, gaps)


class BatchConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return BatchConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _drain_messages(self, fetcher: ServiceT) -> None:  # pragma: no cover -- faust's fetcher task
        """faust's drain loop (``faust.transport.consumer.Consumer._drain_messages``), a fetch at a time."""
        stopped = cast(Service, self)._stopped.is_set
        fetcher_stopped = cast(Service, fetcher)._stopped.is_set
        try:
            while not (stopped() or fetcher_stopped()):
                self.diag.set_flag(CONSUMER_FETCHING)
                records, active = await self._wait_next_records(1.0)
                await self.sleep(0)
                if records and not self.should_stop:
                    await self._deliver(records, active)
                self.diag.unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if not self.transport.app.should_stop:
                raise
            self.log.info("Broker stopped consumer, shutting down...")
        except asyncio.CancelledError:
            if not self.transport.app.should_stop:
                raise
            self.log.info("Consumer shutting down for user cancel.")
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)

    async def _deliver(self, records: Mapping[TP, list[Any]], active: set[TP] | None) -> None:
        if not self.flow_active:  # fetched while a rebalance holds the flow: read again from the commit
            try:
                await self.perform_seek()
            except Exception as exc:
                self.log.warning(f"exception performing seek when flow not active {exc}")
            return
        transport = cast(BatchTransport, self.transport)
        generation = self.app.consumer_generation_id
        batch: dict[str, list[Message]] = {}
        delivered: dict[TP, range | list[int]] = {}
        others: list[tuple[TP, list[Any]]] = []
        inbound = self.app.monitor.stream_inbound_time  # faust's livelock check reads it per partition
        for tp, tp_records in records.items():
            if active is not None and tp not in active and tp not in self._buffered_partitions:
                continue
            self.app.monitor.track_tp_end_offset(tp, self.highwater(tp))
            if tp.topic not in transport.batch_topics:
                others.append((tp, tp_records))
                continue
            fresh = await self._take_unread(tp, tp_records)
            if not fresh:
                continue
            batch.setdefault(tp.topic, []).extend(
                Message(r.topic, r.partition, r.offset, r.key, r.value) for r in fresh
            )
            first, last = fresh[0].offset, fresh[-1].offset
            delivered[tp] = range(first, last + 1) if last - first + 1 == len(fresh) else [r.offset for r in fresh]
            inbound[tp] = monotonic()
        if batch:
            await transport.batch_handler(batch)
            if self.app.consumer_generation_id == generation:
                self._ack_offsets(delivered)
        for tp, tp_records in others:
            await self._deliver_one_by_one(tp, tp_records)
        if self._commit_every is not None and self._n_acked >= self._commit_every:
            self._n_acked = 0
            await self.commit()

    async def _take_unread(self, tp: TP, tp_records: list[Any]) -> list[Any]:
        """The records not delivered before; notes gaps and the new read offset as faust's loop does."""
        found = unread(self._read_offset[tp], [r.offset for r in tp_records])
        fresh = tp_records[found.start :]
        if self.app.topics.acks_enabled_for(tp.topic):
            for first, last in found.gaps:
                await self._add_gap(tp, first, last)
        if fresh:
            self._read_offset[tp] = fresh[-1].offset
        return fresh

    async def _deliver_one_by_one(self, tp: TP, tp_records: list[Any]) -> None:
        """faust's own delivery, for topics outside the batch topics."""
        for record in await self._take_unread(tp, tp_records):
            await self.wait_first(self.callback(self._to_message(tp, record)), self.suspend_flow.wait())

    def _ack_offsets(self, delivered: Mapping[TP, Iterable[int]]) -> None:
        """What faust's ``Consumer.ack`` records for one message, for every offset of a batch at once."""
        acks_enabled_for = self.app.topics.acks_enabled_for
        with ack_lock:
            for tp, offsets in delivered.items():
                if not acks_enabled_for(tp.topic):
                    continue
                committed = self._committed_offset[tp]
                index = self._acked_index[tp]
                new = [o for o in offsets if (committed is None or o >= committed) and o not in index]
                index.update(new)
                self._acked[tp].extend(new)
                self._n_acked += len(new)
            notify(self._waiting_for_ack)


class BatchConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: faust_aiokafka.Transport) -> aiokafka.AIOKafkaConsumer:
        """faust's group consumer, with the transport's fetch wait instead of faust's fixed 1.5 s.

        aiokafka keeps one fetch in flight per broker, and a fetch holds the broker until a record arrives or
        the wait is over. One sent for idle partitions only (an input topic without traffic, or partitions
        read to their end) therefore keeps the records of the partitions still being handled from being
        fetched until it returns: with 1.5 s the consumer idled for most of that, between batches.
        """
        consumer = super()._create_worker_consumer(transport)
        # aiokafka reads it when it starts (builds its fetcher); faust passes no setting for it.
        consumer._fetch_max_wait_ms = cast(BatchTransport, transport).fetch_max_wait_ms
        return consumer


class BatchTransport(faust_aiokafka.Transport):
    Consumer = BatchConsumer
    batch_topics: frozenset[str] = frozenset()
    batch_handler: BatchHandler
    fetch_max_wait_ms: int = 1500


def consume_batches(
    app: faust.App, topics: Sequence[faust.TopicT], handler: BatchHandler, *, fetch_max_wait_ms: int
) -> None:
    """Subscribe ``app`` to ``topics`` and hand every fetch of their records to ``handler``; a fetch waits at
    most ``fetch_max_wait_ms`` for new records."""
    transport = BatchTransport(app.conf.broker_consumer, app)
    transport.batch_topics = frozenset(name for topic in topics for name in topic.topics)
    transport.batch_handler = handler
    transport.fetch_max_wait_ms = fetch_max_wait_ms
    app.transport = transport
    for topic in topics:
        app.topics.add(topic)
