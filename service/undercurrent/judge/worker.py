"""The judge worker: a separate faust app that judges sampled sessions.

It consumes ``undercurrent.judge.requests`` (full session records), so ingest
never waits on the judge and judge workers scale on their own. Per session it
publishes a verdict, keeps it with the stored session, feeds the shared budget
log and adds the Horvitz–Thompson weights; sessions it cannot judge go to
``undercurrent.judge.dlq`` with the reason.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from itertools import product
from typing import Any

import faust
import msgspec
import structlog
from prometheus_client import REGISTRY, CollectorRegistry

from ..config import Settings
from ..estimate.weights import ANY, failing_archetypes, failure_weight_increments
from ..health import WorkerHealth
from ..ingest.kafka import faust_app, partition_progress
from ..ingest.retry import tolerant, until_done
from ..ingest.sink import FaustProducerSink, RecordSink, send_all
from ..metrics.definitions import JudgeMetrics
from ..metrics.labels import OTHER, LabelBounds
from ..runtime import watch_health
from ..sampling.usage_log import UsageEntry, UsageLog
from ..sessions.from_record import snapshot_from_record
from ..sessions.store import RedisSessionStore
from .agreement import FLAGS, OUTCOMES, agreement_increments
from .client import JudgeClient, JudgeConfig
from .cost import Usage, cost_usd, price_table
from .record import Judged
from .redact import Redactor
from .runner import SessionJudgement, judge_session
from .verdict import ARCHETYPES, Verdict

log = structlog.get_logger(__name__)
FAILURE_VISIBILITIES = ("visible", "invisible", "mixed")


def judge_config(settings: Settings) -> JudgeConfig:
    j = settings.judge
    return JudgeConfig(
        model=j.model, base_url=j.base_url, max_tokens=j.max_tokens, temperature=j.temperature,
        timeout_s=j.timeout_s, max_retries=j.max_retries, concurrency=j.concurrency,
        requests_per_minute=j.requests_per_minute,
    )


def preinitialise(metrics: JudgeMetrics, bounds: LabelBounds) -> None:
    """Create every weight series at zero, so ``increase()`` sees the first judged failure."""
    for archetype, visibility, feature, domain in product(
        (*ARCHETYPES, ANY), FAILURE_VISIBILITIES, (*sorted(bounds.features), OTHER), (*sorted(bounds.domains), OTHER)
    ):
        metrics.failure_weight.labels(archetype, visibility, feature, domain)
        metrics.failure_variance.labels(archetype, visibility, feature, domain)
    for archetype in ARCHETYPES:
        metrics.disagreement.labels(archetype)
    for (kind, flag), feature, outcome in product(FLAGS, (*sorted(bounds.features), OTHER), OUTCOMES):
        for counter in (metrics.agreement_weight, metrics.agreement_variance, metrics.agreement_sessions):
            counter.labels(kind, flag, feature, outcome)


class Judge:
    """Judges one request record end to end; the faust agent calls it per message."""

    def __init__(
        self,
        settings: Settings,
        client: JudgeClient,
        store: RedisSessionStore,
        sink: RecordSink,
        metrics: JudgeMetrics,
    ) -> None:
        self.settings = settings
        self.client = client
        self.store = store
        self.sink = sink
        self.metrics = metrics
        self.bounds = LabelBounds(settings.labels.features, settings.labels.domains)
        self.redact = Redactor(extra_patterns=settings.redaction.extra_patterns)
        self.prices = price_table(settings.judge.price_overrides)
        self.usage_log = UsageLog(store.redis, key=f"{settings.redis_key_prefix}:judge:usage")

    async def handle(self, key: bytes | None, value: bytes) -> None:
        try:
            record = msgspec.json.decode(value)
            snapshot = snapshot_from_record(record)
            pi = float(record["sampling"]["pi"])
        except (msgspec.DecodeError, msgspec.ValidationError, KeyError, TypeError, ValueError) as exc:
            await self._dead_letter(key, value, "bad_request", str(exc))
            return
        signals = (record.get("detectors") or {}).get("signals", [])
        judgement = await judge_session(
            self.client, snapshot, signals, redact=self.redact, k=self.settings.judge.ensemble_k
        )
        usage = self._account(judgement)
        await self.usage_log.record(
            UsageEntry(
                at_s=time.time(), model=self.client.config.model, requests=len(judgement.results), usage=usage,
                pi=pi, pi_unscaled=float(record["sampling"].get("pi_unscaled", pi)),
            )
        )
        if judgement.ensemble is None:
            errors = [r.error for r in judgement.results if r.error is not None]
            reason = errors[0].outcome if errors else "no_verdict"
            await self._dead_letter(key, value, reason, "; ".join(str(e) for e in errors)[:1000])
            return
        await self._publish(record, pi, judgement, usage)

    def _account(self, judgement: SessionJudgement) -> Usage:
        total = Usage()
        for result in judgement.results:
            m = self.metrics
            m.requests.labels(result.model, result.outcome).inc()
            m.duration.labels(result.model).observe(result.latency_s)
            u = result.usage
            for kind, n in (("input", u.input_tokens), ("output", u.output_tokens),
                            ("cache_write", u.cache_creation_input_tokens), ("cache_read", u.cache_read_input_tokens)):
                if n:
                    m.tokens.labels(result.model, kind).inc(n)
            m.cost.labels(result.model).inc(cost_usd(result.model, u, self.prices))
            total = total + u
        return total

    async def _publish(self, record: dict[str, Any], pi: float, judgement: SessionJudgement, usage: Usage) -> None:
        ensemble = judgement.ensemble
        assert ensemble is not None
        verdict = ensemble.verdict
        feature, domain = self.bounds.feature(record["feature"]), self.bounds.domain(record.get("domain"))
        for inc in failure_weight_increments(
            verdict.archetype_names, verdict.failure_visibility, pi=pi, feature=feature, domain=domain
        ):
            self.metrics.failure_weight.labels(**inc.labels()).inc(inc.weight)
            self.metrics.failure_variance.labels(**inc.labels()).inc(inc.variance)
        if ensemble.votes > 1:
            self.metrics.ensembles.inc()
            for archetype, split in ensemble.disagreement.items():
                if split:
                    self.metrics.disagreement.labels(archetype).inc()
        self.metrics.judged.labels(feature, domain, verdict.quality).inc()
        self._count_agreement(record, verdict, pi, feature)
        payload = msgspec.json.encode(Judged(
            session_id=record["session_id"],
            feature=record["feature"],
            domain=record.get("domain"),
            pi=pi,
            model=self.client.config.model,
            verdict=verdict,
            votes=ensemble.votes,
            disagreement=ensemble.disagreement,
            usage=usage,
            judged_at_ms=int(time.time() * 1000),
        ))
        await send_all(self.sink, self.settings.topics.judge_verdicts, [(record["session_id"].encode(), payload, ())])
        await self.store.attach(record["session_id"], "judge", payload, retention_s=self.settings.sessions.retention_s)

    def _count_agreement(self, record: dict[str, Any], verdict: Verdict, pi: float, feature: str) -> None:
        """Confusion counts of the detector flags the session's record carries against this verdict."""
        report = record.get("detectors") or {}
        for inc in agreement_increments(
            heuristic_archetypes={a["archetype"] for a in report.get("archetypes", [])},
            signals={s["name"] for s in report.get("signals", [])},
            judged_archetypes=failing_archetypes(verdict.archetype_names, verdict.failure_visibility),
            judged_failure=verdict.is_failure,
            pi=pi,
        ):
            labels = (inc.kind, inc.flag, feature, inc.outcome)
            self.metrics.agreement_weight.labels(*labels).inc(inc.weight)
            self.metrics.agreement_variance.labels(*labels).inc(inc.variance)
            self.metrics.agreement_sessions.labels(*labels).inc()

    async def _dead_letter(self, key: bytes | None, value: bytes, reason: str, detail: str) -> None:
        self.metrics.dead.labels(reason).inc()
        log.warning("judge dead-lettered", reason=reason)
        headers = [("undercurrent-reason", reason.encode()), ("undercurrent-detail", detail.encode())]
        await send_all(self.sink, self.settings.topics.judge_dlq, [(key, value, headers)])


def create_judge_app(
    settings: Settings,
    *,
    registry: CollectorRegistry = REGISTRY,
    client: JudgeClient | None = None,
    health: WorkerHealth | None = None,
) -> faust.App:
    app = faust_app(f"{settings.app_id}-judge", settings)
    metrics = JudgeMetrics(registry)
    store = RedisSessionStore.from_url(settings.redis_url.get_secret_value(), prefix=settings.redis_key_prefix)
    judge = Judge(settings, client or JudgeClient(judge_config(settings)), store,
                  FaustProducerSink(app.producer), metrics)
    preinitialise(metrics, judge.bounds)
    for name in (settings.topics.judge_verdicts, settings.topics.judge_dlq):
        app.topic(name, partitions=settings.kafka.partitions)
    topic = app.topic(settings.topics.judge_requests, partitions=settings.kafka.partitions, value_serializer="raw")
    processed: dict[Any, int] = {}

    async def consume(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.judge.batch_max_messages, within=0.2):
            await asyncio.gather(*(
                until_done(partial(judge.handle, e.message.key, e.message.value), what="judge", retries=metrics.retries)
                for e in events
            ))
            for e in events:
                processed[e.message.tp] = e.message.offset

    app.agent(topic, name="judge")(consume)

    @app.timer(5.0)
    @tolerant("probe", metrics.retries)
    async def probe() -> None:
        for p in await partition_progress(app.consumer, (settings.topics.judge_requests,), processed):
            metrics.consumer_lag.labels(str(p.tp.partition)).set(p.lag)

    watch_health(app, health or WorkerHealth(), redis=store.redis, probe_topic=settings.topics.judge_requests)

    @app.on_before_shutdown.connect  # type: ignore[misc]
    async def close(sender: faust.App, **_: Any) -> None:
        await judge.client.close()
        await store.close()

    return app
