"""One batch of Kafka messages → validated events → sessions in the store, rejects → dead letters.

Nothing in one message can stop a batch: a message that fails to decode or to
apply for any reason other than an unreachable Redis or broker is dead-lettered
(``processing_error`` when the fault is ours, not the producer's) and the batch
moves on. Unreachable dependencies are waited for (:func:`until_done`), step by
step, so no step is repeated once it succeeded.

The pipeline is written against narrow interfaces (a session store and a record
sink) so the same code runs in the faust worker and in the benchmark.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import NamedTuple, TypeVar

import structlog

from ..config import SessionSettings, Settings
from ..events import EventDecoder, Reject
from ..events.decode import Decoded, MessageDecoder, TopicKind
from ..events.model import Event, ts_millis
from ..kafka.message import DeadLetter, Message, dead_letter
from ..kafka.retry import until_done
from ..kafka.sink import RecordSink, send_all
from ..metrics.definitions import IngestMetrics
from ..otlp.decoder import OtlpDecoder
from ..sessions.protocol import EventTiming, SessionStore

log = structlog.get_logger(__name__)
APPLY_CHUNK = 500
# Retries of an unreachable Redis or broker back off to at most this: after an outage every agent is
# back within it, well inside close_grace_s, so no session closes before its other topic caught up.
RETRY_MAX_WAIT_S = 2.0

T = TypeVar("T")
Outcomes = Counter[tuple[str, str]]
MessageEvents = list[tuple[Message, list[Event]]]


def feature_timings(sessions: SessionSettings) -> tuple[dict[str, EventTiming], EventTiming]:
    """The timings of the features configured with their own idle timeout, and the default one."""
    max_ms = int(sessions.max_duration_s * 1000)

    def timing(idle_s: float) -> EventTiming:
        return EventTiming(idle_ms=int(idle_s * 1000), max_ms=max_ms)

    return {f: timing(s) for f, s in sessions.idle_timeout_by_feature.items()}, timing(sessions.idle_timeout_s)


class IngestPipeline:
    def __init__(
        self,
        settings: Settings,
        store: SessionStore,
        sink: RecordSink,
        metrics: IngestMetrics,
    ) -> None:
        self.settings = settings
        self.store = store
        self.sink = sink
        self.metrics = metrics
        limit = settings.ingest.max_message_bytes
        self.decoders: dict[TopicKind, MessageDecoder] = {
            "chat": EventDecoder("chat", max_message_bytes=limit),
            "client": EventDecoder("client", max_message_bytes=limit),
            "otlp": OtlpDecoder(
                settings.otlp.encoding,
                max_message_bytes=limit,
                count_spans=lambda outcome, n: metrics.otlp_spans.labels(outcome).inc(n),
            ),
        }
        # One timing per feature with its own idle timeout, one for all others: features come from
        # producers, so a cache filled by feature would grow with every new (or hostile) value.
        self._timings, self._default_timing = feature_timings(settings.sessions)
        self.retrying = 0  # steps waiting for Redis or the broker right now; closes wait for them
        sessions = settings.sessions
        self._skew_ms = int(sessions.max_future_skew_s * 1000)
        self._open_ttl_s = int(sessions.max_duration_s + sessions.retention_s + 3600)

    def timing(self, feature: str) -> EventTiming:
        return self._timings.get(feature, self._default_timing)

    async def handle(self, kind: TopicKind, messages: Sequence[Message]) -> Outcomes:
        """Process one batch; returns counts by (type, outcome).

        Returns once every event's effect is in Redis and every reject is on the
        dead-letter topic; raises only when cancelled.
        """
        decoder = self.decoders[kind]
        now_ms = int(time.time() * 1000)
        not_after_ms = now_ms + self._skew_ms
        work: MessageEvents = []
        rejects: list[tuple[Message, Reject]] = []
        for message in messages:
            try:
                decoded = decoder.decode(message.value, not_after_ms=not_after_ms)
            except Exception as exc:  # a decoder bug: this message only
                decoded = Decoded(rejects=[self._processing_error(message, "decode", exc)])
            if decoded.events:
                work.append((message, decoded.events))
            rejects.extend((message, reject) for reject in decoded.rejects)
        counts: Outcomes = Counter()
        rejects += await self._apply(f"ingest-{kind}", work, now_ms, counts)
        if rejects:
            max_request = self.settings.kafka.max_request_bytes
            await self.dead_letter([dead_letter(m, r, max_request_bytes=max_request) for m, r in rejects])
            counts["unknown", "invalid"] += len(rejects)
        topic = messages[0].topic if messages else kind
        for (event_type, outcome), n in counts.items():
            self.metrics.events.labels(topic, event_type, outcome).inc(n)
        return counts

    async def reject_batch(self, messages: Sequence[Message], exc: Exception) -> None:
        """Last resort when handling a batch failed outside the per-message guards: dead-letter all of it."""
        max_request = self.settings.kafka.max_request_bytes
        letters = [
            dead_letter(m, self._processing_error(m, "batch", exc), max_request_bytes=max_request) for m in messages
        ]
        await self.dead_letter(letters)

    async def dead_letter(self, letters: Sequence[DeadLetter]) -> None:
        """Send dead letters; each is counted once the broker has it."""
        topic = self.settings.topics.dlq
        try:
            await self._wait_out(
                partial(send_all, self.sink, topic, [(d.key, d.value, d.headers) for d in letters]), "dead-letter"
            )
            sent = list(letters)
        except Exception as exc:  # one letter the broker refuses must not hold back the others
            log.error("dead-letter batch refused; sending one by one", error=repr(exc))
            sent = [d for d in letters if await self._send_alone(topic, d)]
        for letter in sent:
            self.metrics.dlq.labels(letter.source_topic, letter.reason).inc()
        log.warning("dead-lettered", count=len(sent), reasons=sorted({d.reason for d in sent}))

    async def _send_alone(self, topic: str, letter: DeadLetter) -> bool:
        """Send one dead letter; if refused, send its headers with an empty body; False if even that fails."""
        for value, extra in ((letter.value, ()), (b"", (("undercurrent-body", b"dropped"),))):
            try:
                send = partial(send_all, self.sink, topic, [(letter.key, value, [*letter.headers, *extra])])
                await self._wait_out(send, "dead-letter")
                return True
            except Exception as exc:
                error = exc
        self.metrics.processing_errors.labels("dead-letter").inc()
        source = dict(letter.headers).get("undercurrent-source", b"").decode()
        log.error("dead letter lost", source=source, reason=letter.reason, error=repr(error))
        return False

    async def _apply(
        self, stage: str, work: MessageEvents, now_ms: int, counts: Outcomes
    ) -> list[tuple[Message, Reject]]:
        """Apply every message's events; returns the messages that could not be applied, as rejects."""
        events = [event for _, message_events in work for event in message_events]
        try:
            await self._apply_events(stage, events, batch_marks(work), now_ms, counts)
            return []
        except Exception as exc:  # not transient (those are retried): find the message at fault
            log.error("batch could not be applied; applying message by message", error=repr(exc))
        applied = counts.total()  # events of the chunks applied before the failure
        rejects = []
        for message, message_events in work:
            remaining = message_events[max(0, applied) :]
            applied -= len(message_events)
            if not remaining:
                continue
            try:
                await self._apply_events(stage, remaining, batch_marks([(message, remaining)]), now_ms, counts)
            except Exception as exc:
                rejects.append((message, self._processing_error(message, "apply", exc)))
        return rejects

    async def _apply_events(
        self, stage: str, events: list[Event], marks: BatchMarks, now_ms: int, counts: Outcomes
    ) -> None:
        """Apply events in chunks, waiting out Redis outages; counts each applied event's outcome."""
        starts = range(0, max(len(events), 1), APPLY_CHUNK)
        for start, chunk_marks in zip(starts, marks.per_chunk(len(starts)), strict=True):
            chunk = events[start : start + APPLY_CHUNK]
            apply = partial(
                self.store.apply,
                chunk,
                [self.timing(event.feature) for event in chunk],
                now_ms=now_ms if start == 0 else max(now_ms, int(time.time() * 1000)),
                open_ttl_s=self._open_ttl_s,
                marks=chunk_marks,
            )
            outcomes = await self._wait_out(apply, stage)
            for event, outcome in zip(chunk, outcomes, strict=True):
                # msgspec types a struct tag as str | int | None; every event type is tagged with its name.
                counts[event.__struct_config__.tag, outcome] += 1  # type: ignore[index]

    async def _wait_out(self, work: Callable[[], Awaitable[T]], what: str) -> T:
        """``until_done``, keeping :attr:`retrying` up while this step waits for a dependency."""
        waiting = False

        def note() -> None:
            nonlocal waiting
            if not waiting:
                waiting = True
                self.retrying += 1

        try:
            result = await until_done(
                work, what=what, retries=self.metrics.retries, max_wait_s=RETRY_MAX_WAIT_S, on_retry=note
            )
            if waiting:
                await self._after_outage()
            return result
        finally:
            if waiting:
                self.retrying -= 1

    async def _after_outage(self) -> None:
        """Every input partition stalled with this one: count them all as active again, so that their
        watermarks hold closes back until their own backlog is applied (or they go quiet)."""
        try:
            await self.store.touch_marks(None, now_ms=int(time.time() * 1000))
        except Exception as exc:  # the next batch's marks do the same job, later
            log.warning("could not refresh watermarks after an outage", error=repr(exc))

    def _processing_error(self, message: Message, stage: str, exc: Exception) -> Reject:
        self.metrics.processing_errors.labels(stage).inc()
        log.exception("message failed", stage=stage, source=f"{message.topic}/{message.partition}/{message.offset}")
        return Reject(message.value, "processing_error", f"{stage}: {exc!r}")


class BatchMarks(NamedTuple):
    """The watermarks a batch moves, per input ``topic/partition``.

    A batch too large for one script call is applied in chunks, and a sweep may claim between two
    of them. Its partitions must then hold closes back where their unapplied events begin, or a
    session whose end arrived on another topic closes without the turns still in this batch: every
    chunk before the last counts them as active at ``floor`` (their oldest event time in the batch,
    less one; a watermark never moves back), and the last moves them to ``high``.
    """

    floor: dict[str, int]
    high: dict[str, int]

    def per_chunk(self, chunks: int) -> list[dict[str, int]]:
        return [self.floor] * (chunks - 1) + [self.high]


def batch_marks(work: MessageEvents) -> BatchMarks:
    floor: dict[str, int] = {}
    high: dict[str, int] = {}
    for message, events in work:
        mark = f"{message.topic}/{message.partition}"
        times = [ts_millis(e.ts) for e in events]
        floor[mark] = min(floor.get(mark, times[0]), min(times) - 1)
        high[mark] = max(high.get(mark, 0), max(times))
    return BatchMarks(floor, high)
