"""The ingest worker, a faust application: three input topics (chat, client, OTLP traces), a close
sweeper and a lag probe.

The consumer hands every fetch from the input topics to the pipeline as one
batch (:mod:`..kafka.batches`) and acknowledges its messages only after the
pipeline returned, that is once every event's effect is in Redis and every
reject is on the dead-letter topic: offsets never get committed ahead of durable
effects, so a worker stopped or killed mid-batch (also during an outage) loses
nothing; the batch is read again and de-duplicated by event id. Every timer tolerates Redis
and broker outages. The sweeper closes due sessions on every replica; Redis
makes each close happen once. The close stages run in a process pool
(``sessions.close_workers``), so closing a backlog never stalls ingest; until its processes are
ready they run on the event loop, so closing never waits for them either.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

import faust
import structlog
from faust.types import TP
from prometheus_client import REGISTRY, CollectorRegistry

from ..config import Settings
from ..estimate.counting import PredictionCounter
from ..events.decode import TopicKind
from ..health import WorkerHealth
from ..ingest.pipeline import IngestPipeline
from ..ingest.stages import StageMetrics, close_stages
from ..kafka.batches import consume_batches
from ..kafka.lag import partition_progress
from ..kafka.message import Message
from ..kafka.options import faust_app
from ..kafka.retry import tolerant
from ..kafka.sink import FaustProducerSink
from ..metrics.definitions import IngestMetrics, PredictionMetrics, SamplingMetrics, SessionMetrics
from ..privacy.pseudonym import user_id_key
from ..runtime import every, watch_health
from ..sampling.budget_view import BudgetView
from ..sessions.sweeper import Sweeper
from ..wiring.connections import Stores
from ..wiring.values import label_bounds
from .build import InlineBuilder, RecordBuilder
from .close_pool import ClosePool
from .closer import SessionCloser

log = structlog.get_logger(__name__)


def create_ingest_app(
    settings: Settings, *, registry: CollectorRegistry = REGISTRY, health: WorkerHealth | None = None
) -> faust.App:
    app = faust_app(
        settings.app_id,
        settings,
        broker_max_poll_records=settings.ingest.batch_max_messages,
        producer_linger=0.005,
        # Applying a batch is idempotent (events are de-duplicated by id), so a rebalance or a
        # shutdown need not wait for a batch stuck on an outage: its offsets stay uncommitted.
        stream_wait_empty=False,
    )
    bounds = label_bounds(settings)
    stores = Stores(settings)
    store = stores.sessions
    sink = FaustProducerSink(app.producer)
    ingest_metrics = IngestMetrics(registry)
    session_metrics = SessionMetrics(registry)
    pipeline = IngestPipeline(settings, store, sink, ingest_metrics)
    budget = BudgetView(settings, stores.usage_log, SamplingMetrics(registry))
    stage_metrics = StageMetrics.registered(settings, registry, budget.metrics)
    pseudonym_key = user_id_key(settings.redaction.user_id_key)  # one key for the worker and its close processes
    # These stages set up the metric series; with close processes, those run copies of them.
    stages = close_stages(settings, bounds, stage_metrics, budget, pseudonym_key)
    inline = InlineBuilder(settings, stages)
    builder: RecordBuilder = (ClosePool(settings, stage_metrics, budget, pseudonym_key, inline, session_metrics)
                              if settings.sessions.close_workers else inline)
    predictions = PredictionCounter(PredictionMetrics(registry), bounds)
    closer = SessionCloser(settings, store, sink, session_metrics, ingest_metrics, bounds, builder, predictions)
    processed: dict[Any, int] = {}

    topics = settings.topics
    for name in (topics.sessions, topics.dlq, topics.judge_requests):
        app.topic(name, partitions=settings.kafka.partitions, internal=False)
    inputs = (topics.chat, topics.client, topics.otlp)
    _consume_inputs(app, settings, pipeline, processed)
    retries = ingest_metrics.retries

    sweeper = Sweeper(
        closer.sweep_once, batch=settings.sessions.sweep_batch, paused=lambda: pipeline.retrying > 0, retries=retries
    )

    @every(app, settings.sessions.sweep_interval_s)
    async def sweep() -> None:
        sweeper.tick()


    @every(app, settings.sampling.budget_refresh_s)
    @tolerant("budget", retries)
    async def refresh_budget() -> None:
        await budget.refresh()

    @every(app, 5.0)
    @tolerant("probe", retries)
    async def probe() -> None:
        await probe_partitions()
        session_metrics.open.set(await store.open_count())

    reported: set[tuple[str, str]] = set()

    async def probe_partitions() -> None:
        current = set()
        for p in await partition_progress(app.consumer, inputs, processed):
            labels = (p.tp.topic, str(p.tp.partition))
            ingest_metrics.consumer_lag.labels(*labels).set(p.lag)
            ingest_metrics.consumer_offset.labels(*labels).set(p.next_offset)
            current.add(labels)
        for labels in reported - current:  # revoked: another replica reports it now
            ingest_metrics.consumer_lag.remove(*labels)
            ingest_metrics.consumer_offset.remove(*labels)
        reported.clear()
        reported.update(current)

    @tolerant("assign", retries)
    async def presume_active(partitions: list[str]) -> None:
        await store.touch_marks(partitions, now_ms=int(time.time() * 1000))

    # mode types a receiver as taking any positional arguments; this signal sends one, the assigned set.
    @app.on_partitions_assigned.connect  # type: ignore[arg-type]
    async def on_assigned(sender: faust.App, assigned: set[Any], **_: Any) -> None:
        # Newly assigned input partitions may hold a backlog (a restart after an outage): they count as
        # active, holding closes back, until their batches move their watermarks or they go quiet.
        # In the background: a rebalance must not wait for Redis.
        partitions = [f"{tp.topic}/{tp.partition}" for tp in assigned if tp.topic in inputs]
        if partitions:
            background.add(task := asyncio.ensure_future(presume_active(partitions)))
            task.add_done_callback(background.discard)

    background: set[asyncio.Future[None]] = set()

    watch_health(app, health or WorkerHealth(), ping=stores.ping, probe_topic=topics.chat)

    # mode types a receiver as taking any positional arguments; this signal sends none.
    @app.on_before_shutdown.connect  # type: ignore[arg-type]
    async def stop_closing(sender: faust.App, **_: Any) -> None:
        # The batch in flight is published and finalised before the producer and Redis go away.
        await sweeper.stop()
        await builder.close()
        await stores.close()

    return app


def _consume_inputs(
    app: faust.App, settings: Settings, pipeline: IngestPipeline, processed: dict[Any, int]
) -> None:
    topics = settings.topics
    kinds: dict[str, TopicKind] = {topics.chat: "chat", topics.client: "client", topics.otlp: "otlp"}

    async def handle(topic: str, messages: Sequence[Message]) -> None:
        with pipeline.metrics.batch_seconds.labels(topic).time():
            try:
                await pipeline.handle(kinds[topic], messages)
            except Exception as exc:  # a bug outside the per-message guards must not stall the partition
                await pipeline.reject_batch(messages, exc)
        for message in messages:
            processed[TP(message.topic, message.partition)] = message.offset

    async def handle_fetch(batch: Mapping[str, Sequence[Message]]) -> None:
        await asyncio.gather(*(handle(topic, messages) for topic, messages in batch.items()))

    inputs = [app.topic(name, partitions=settings.kafka.partitions, value_serializer="raw") for name in kinds]
    consume_batches(app, inputs, handle_fetch, fetch_max_wait_ms=settings.ingest.fetch_max_wait_ms)
