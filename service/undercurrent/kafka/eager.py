"""A faust Kafka transport whose consumer hands fetched messages to faust without asyncio tasks per message.

faust's consumer delivers every fetched message through ``Service.wait_first(callback(message),
suspend_flow.wait())``, which creates four asyncio tasks, waits on them and cancels three: most of faust's
cost per Kafka message. The callback (faust's conductor: decode the raw bytes, put the event on the
agents' stream buffers) only suspends when faust holds the flow back (a rebalance), a stream buffer is
full or the producer's buffer is over its limit. So this consumer runs the callback eagerly, up to its
first suspension, and only a callback that did suspend finishes inside ``wait_first`` as before, where a
rebalance or a stop interrupts it. Group membership, fetching, read offsets, acknowledgements, commits
and rebalancing are faust's, unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Generator
from typing import Any, cast

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import Message
from mode import Service, ServiceT

YIELD_EVERY = 100  # messages between two yields to the event loop, as faust's own loop


class Resumed:
    """Awaiting this continues ``coro``, which already ran up to handing ``yielded`` to the event loop.

    It delegates the way ``await`` does: the future ``coro`` waits on goes to the task running this
    awaitable, and what the task sends or throws back goes to ``coro``.
    """

    def __init__(self, coro: Coroutine[Any, Any, Any], yielded: Any) -> None:
        self.coro = coro
        self.yielded = yielded

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, yielded = self.coro, self.yielded
        step: tuple[Callable[[Any], Any], Any]
        while True:
            try:
                sent = yield yielded
            except BaseException as exc:  # noqa: BLE001 -- cancellation included: it goes to ``coro``
                step = coro.throw, exc
            else:
                step = coro.send, sent
            try:
                yielded = step[0](step[1])
            except StopIteration as stop:
                return stop.value


def start_eagerly(coro: Coroutine[Any, Any, Any]) -> Resumed | None:
    """Run ``coro`` until it completes (None) or first suspends (the rest of it, to be awaited)."""
    try:
        yielded = coro.send(None)
    except StopIteration:
        return None
    return Resumed(coro, yielded)


class EagerConsumer(faust_aiokafka.Consumer):
    async def _drain_messages(self, fetcher: ServiceT) -> None:  # pragma: no cover -- faust's fetcher task
        """faust's drain loop (``faust.transport.consumer.Consumer._drain_messages``) with eager delivery."""
        # faust types the callback as returning an awaitable; it is the conductor's ``async def on_message``.
        callback = cast(Callable[[Message], Coroutine[Any, Any, None]], self.callback)
        stopped = cast(Service, self)._stopped.is_set
        fetcher_stopped = cast(Service, fetcher)._stopped.is_set
        read_offsets = self._read_offset
        acks_enabled_for = self.app.topics.acks_enabled_for
        since_yield = 0
        try:
            while not (stopped() or fetcher_stopped()):
                self.diag.set_flag(CONSUMER_FETCHING)
                fetched = self.getmany(timeout=1.0)
                await self.sleep(0)
                if not self.should_stop:
                    async for tp, message in fetched:
                        since_yield += 1
                        if since_yield > YIELD_EVERY:
                            await self.sleep(0)
                            since_yield = 0
                        offset, read = message.offset, read_offsets[tp]
                        if read is not None and offset < read:
                            continue  # already delivered before a seek
                        if read and offset - read > 1 and acks_enabled_for(message.topic):
                            await self._add_gap(tp, read + 1, offset)
                        if self._commit_every is not None and self._n_acked >= self._commit_every:
                            self._n_acked = 0
                            await self.commit()
                        rest = start_eagerly(callback(message))
                        if rest is not None:
                            await self.wait_first(rest, self.suspend_flow.wait())
                        read_offsets[tp] = offset
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


class EagerTransport(faust_aiokafka.Transport):
    Consumer = EagerConsumer
