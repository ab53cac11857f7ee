"""The faust application: two input agents, a close sweeper and a lag probe.

Each agent pulls batches off its topic (``take_events``: offsets are committed
only after a batch is processed) and hands them to the :class:`IngestPipeline`.
The sweeper closes due sessions on every replica; Redis makes each close happen
once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import faust
import structlog
from prometheus_client import REGISTRY, CollectorRegistry

from ..config import Settings
from ..events.decode import TopicKind
from ..metrics.definitions import IngestMetrics, SamplingMetrics, SessionMetrics
from ..metrics.labels import LabelBounds
from ..sampling.stage import BudgetView
from ..sampling.usage_log import UsageLog
from ..sessions.closer import SessionCloser
from ..sessions.store import RedisSessionStore
from .kafka import faust_app, partition_lag
from .pipeline import IngestPipeline, Message
from .retry import until_done
from .sink import FaustProducerSink
from .stages import close_stages

log = structlog.get_logger(__name__)


def create_app(settings: Settings, *, registry: CollectorRegistry = REGISTRY) -> faust.App:
    app = faust_app(
        settings.app_id,
        settings,
        stream_buffer_maxsize=settings.ingest.stream_buffer_maxsize,
        producer_linger=0.005,
    )
    bounds = LabelBounds(settings.labels.features, settings.labels.domains)
    store = RedisSessionStore.from_url(settings.redis_url.get_secret_value(), prefix=settings.redis_key_prefix)
    sink = FaustProducerSink(app.producer)
    ingest_metrics = IngestMetrics(registry)
    session_metrics = SessionMetrics(registry)
    pipeline = IngestPipeline(settings, store, sink, ingest_metrics)
    budget = BudgetView(settings, UsageLog(store.redis, key=f"{settings.redis_key_prefix}:judge:usage"),
                        SamplingMetrics(registry))
    stages = close_stages(settings, registry, bounds, budget)
    closer = SessionCloser(settings, store, sink, session_metrics, bounds, stages)
    processed: dict[Any, int] = {}

    topics = settings.topics
    for name in (topics.sessions, topics.dlq, topics.judge_requests):
        app.topic(name, partitions=settings.kafka.partitions, internal=False)
    _input_agent(app, settings, pipeline, processed, "chat", topics.chat)
    _input_agent(app, settings, pipeline, processed, "client", topics.client)

    @app.timer(settings.sessions.sweep_interval_s)
    async def sweep() -> None:
        try:
            while await closer.sweep_once() >= settings.sessions.sweep_batch:
                pass
        except Exception as exc:  # claims are leased: what failed here is retried by a later sweep
            ingest_metrics.retries.labels("close").inc()
            log.error("close sweep failed", error=repr(exc))

    @app.timer(settings.sampling.budget_refresh_s)
    async def refresh_budget() -> None:
        await budget.refresh()

    @app.timer(5.0)
    async def probe() -> None:
        session_metrics.open.set(await store.open_count())
        for tp, lag in partition_lag(app.consumer, processed):
            ingest_metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lag)

    @app.on_before_shutdown.connect  # type: ignore[misc]
    async def close_store(sender: faust.App, **_: Any) -> None:
        await store.close()

    app.undercurrent = {"pipeline": pipeline, "closer": closer, "store": store}  # type: ignore[attr-defined]
    return app


def _input_agent(
    app: faust.App,
    settings: Settings,
    pipeline: IngestPipeline,
    processed: dict[Any, int],
    kind: TopicKind,
    topic_name: str,
) -> None:
    topic = app.topic(topic_name, partitions=settings.kafka.partitions, value_serializer="raw")
    batch, within = settings.ingest.batch_max_messages, settings.ingest.batch_max_wait_s

    async def consume(stream: faust.StreamT) -> None:
        async for events in stream.take_events(batch, within=within):
            messages = [
                Message(e.message.topic, e.message.partition, e.message.offset, e.message.key, e.message.value)
                for e in events
            ]
            with pipeline.metrics.batch_seconds.labels(topic_name).time():
                await until_done(partial(pipeline.handle, kind, messages), what=f"ingest-{kind}",
                                 retries=pipeline.metrics.retries)
            for e in events:
                processed[e.message.tp] = e.message.offset

    app.agent(topic, name=f"ingest-{kind}")(consume)
