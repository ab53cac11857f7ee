"""The judge worker: a separate faust app that judges sampled sessions.

It consumes ``undercurrent.judge.requests`` (full session records), so ingest
never waits on the judge and judge workers scale on their own. Per session it
publishes a verdict, keeps it with the stored session, feeds the shared budget
log and adds the Horvitz–Thompson weights.

When the judge API does not answer (429, overloaded or 5xx, circuit open,
timeout) the request goes to ``undercurrent.judge.retry`` with its attempt
number and the time it is due, and is judged again from there after a backoff
(:mod:`..judge.outcome`). A session the judge gives up on goes to
``undercurrent.judge.dlq`` with its reason, feature, domain and π (so the
estimates can reweight for it), and the reason is kept with the session for the
evidence view.

Both topics are read without automatic acknowledgement and each message is
acknowledged once its verdict, retry copy or dead letter is on the broker: a
worker stopped mid-request leaves it to be read again. Each step after the paid
API call waits out Redis and broker outages on its own, so an outage never
repeats a paid call; a request whose verdict is already stored is not sent again.

With an OTLP endpoint configured, each published verdict also leaves as
``gen_ai.evaluation.result`` events (:mod:`..otlp.evaluations`), handed to a bounded
queue that the OpenTelemetry SDK exports from its own thread (:mod:`..otlp.export`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import product
from typing import Any, TypeVar, get_args

import faust
import msgspec
import structlog
from prometheus_client import REGISTRY, CollectorRegistry

from ..config import Settings
from ..detectors.model import Signal
from ..estimate.agreement import FLAGS, OUTCOMES, agreement_increments
from ..estimate.predictions import NO_PREDICTIONS, FailurePredictions
from ..estimate.residuals import ResidualCounter
from ..estimate.trajectories import TRAJECTORY_OUTCOMES, trajectory_increment
from ..estimate.weights import ANY, failing_archetypes, failure_weight_increments
from ..health import WorkerHealth
from ..judge.batch_ledger import BatchLedger
from ..judge.client import JudgeClient
from ..judge.cost import UNPRICED, Usage, is_priced, price_table, spend_usd
from ..judge.incoherence import weighted_terms
from ..judge.outcome import FAILURE_REASONS, RETRYABLE, GiveUp, Publish, RetryPolicy, TryAgain, decide
from ..judge.record import JudgeFailed, JudgeRecord, VerdictRecord
from ..judge.runner import SessionJudgement, judge_session
from ..judge.steps import BRANCH_OF, SEVERITIES, Trajectory, final_score, first_error_position
from ..judge.verdict import Quality, Verdict
from ..kafka.lag import partition_progress
from ..kafka.options import faust_app
from ..kafka.retry import tolerant, until_done
from ..kafka.sink import FaustProducerSink, RecordSink, send_all
from ..metrics.definitions import JudgeBatchMetrics, JudgeMetrics, ResidualMetrics
from ..metrics.labels import OTHER, UNKNOWN_DOMAIN, LabelBounds
from ..otlp.evaluations import evaluation_events
from ..otlp.export import OUTCOMES as EXPORT_OUTCOMES
from ..otlp.export import EvaluationExporter
from ..records.session import SessionRecord
from ..runtime import every, noack_batches, watch_health
from ..sampling.usage_log import UsageEntry, UsageRecorder
from ..sessions.model import SessionSnapshot, TranscriptTurn
from ..sessions.protocol import SessionStore
from ..vocabulary import ARCHETYPES
from ..wiring.connections import Stores, evaluation_exporter, judge_client
from ..wiring.values import label_bounds, redactor

log = structlog.get_logger(__name__)
T = TypeVar("T")
FAILURE_VISIBILITIES = ("visible", "invisible", "mixed")
ATTEMPT = "undercurrent-attempt"
DUE_MS = "undercurrent-due-ms"


def preinitialise(metrics: JudgeMetrics, bounds: LabelBounds, releases: Sequence[str] = ()) -> None:
    """Create every weight series at zero, so ``increase()`` sees the first judged failure.

    ``releases`` are the allow-listed releases; ``other`` is always created.
    """
    for archetype, visibility, feature, domain, release in product(
        (*ARCHETYPES, ANY), FAILURE_VISIBILITIES, (*sorted(bounds.features), OTHER), (*sorted(bounds.domains), OTHER),
        (*releases, OTHER),
    ):
        metrics.failure_weight.labels(archetype, visibility, feature, domain, release)
        metrics.failure_variance.labels(archetype, visibility, feature, domain, release)
    for archetype in ARCHETYPES:
        metrics.disagreement.labels(archetype)
        metrics.brier_variance.labels(archetype)
        metrics.brier_error.labels(archetype)
    for (kind, flag), feature, agreement in product(FLAGS, (*sorted(bounds.features), OTHER), OUTCOMES):
        for counter in (metrics.agreement_weight, metrics.agreement_variance, metrics.agreement_sessions):
            counter.labels(kind, flag, feature, agreement)
    for reason, (feature, domain) in product(FAILURE_REASONS, bounds.pairs()):
        metrics.dead.labels(reason, feature, domain)
    # The response ratio judged ÷ sampled of the model-assisted rules reads this counter per stratum.
    for quality, (feature, domain) in product(get_args(Quality), bounds.pairs()):
        metrics.judged.labels(feature, domain, quality)
    for reason in RETRYABLE:
        metrics.retried.labels(reason)
    t = metrics.trajectories
    for feature in (*sorted(bounds.features), OTHER):
        for outcome in TRAJECTORY_OUTCOMES:
            for counter in (t.weight, t.variance, t.judged):
                counter.labels(feature, outcome)
        for (category, branch), severity in product(BRANCH_OF.items(), SEVERITIES):
            for counter in (t.step_error_weight, t.step_error_variance, t.step_error_cross):
                counter.labels(branch, category, severity, feature)
    for export_outcome in EXPORT_OUTCOMES:
        metrics.evaluation_events.labels(export_outcome)


def _no_predictions() -> FailurePredictions:
    return FailurePredictions(version=NO_PREDICTIONS)


class RequestFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the worker needs of a judge request besides the session itself."""

    session_id: str
    feature: str
    domain: str | None = None
    release: str = OTHER
    pi: float
    pi_unscaled: float
    # f as predicted at close; a record without them (published before they travelled with it) added f = 0.
    predictions: FailurePredictions = msgspec.field(default_factory=_no_predictions)


def request_facts(record: SessionRecord) -> RequestFacts:
    """The worker bounded the record's ``release`` label at close; a record without one counts as ``other``."""
    if record.sampling is None:
        raise ValueError("a judge request carries its sampling decision")
    return RequestFacts(
        session_id=record.session_id, feature=record.feature, domain=record.domain,
        release=record.release or OTHER, pi=record.sampling.pi, pi_unscaled=record.sampling.pi_unscaled,
        predictions=_no_predictions() if record.predictions is None else record.predictions,
    )


class _SampledAt(msgspec.Struct, frozen=True, kw_only=True):
    pi: float
    pi_unscaled: float | None = None


class _RequestHead(msgspec.Struct, frozen=True, kw_only=True):
    """What :func:`facts_in` reads of a request that cannot be judged: its stratum and π, nothing else."""

    session_id: str
    feature: str
    domain: str | None = None
    release: object = None
    sampling: _SampledAt

    def facts(self) -> RequestFacts:
        pi, release = self.sampling.pi, self.release
        return RequestFacts(
            session_id=self.session_id, feature=self.feature, domain=self.domain,
            release=release if isinstance(release, str) and release else OTHER,
            pi=pi, pi_unscaled=pi if self.sampling.pi_unscaled is None else self.sampling.pi_unscaled,
        )


_UNREADABLE = (msgspec.DecodeError, ValueError)


@dataclass(frozen=True)
class Prepared:
    """A decoded judge request: the record, the session rebuilt from it, and where it came from."""

    key: bytes | None
    value: bytes
    attempt: int
    record: SessionRecord
    snapshot: SessionSnapshot
    request: RequestFacts

    @property
    def signals(self) -> Sequence[Signal]:
        """The detectors' signals, which the prompt lists."""
        report = self.record.detectors
        return () if report is None else report.signals


_request_decoder = msgspec.json.Decoder(SessionRecord)
_head_decoder = msgspec.json.Decoder(_RequestHead)


def read_request(key: bytes | None, value: bytes, attempt: int) -> Prepared:
    """Decode a judge request; raises one of ``_UNREADABLE`` when it is not a session record."""
    record = _request_decoder.decode(value)
    return Prepared(key=key, value=value, attempt=attempt, record=record, snapshot=record.snapshot(),
                    request=request_facts(record))


def facts_in(value: bytes) -> RequestFacts | None:
    """The facts of a request that cannot be judged, when they can be read: its dead letter then
    still names its stratum and π, and the evidence view its failure (read tolerantly, since the
    request may be unreadable as a record: unreadable predictions still name the stratum)."""
    try:
        return _head_decoder.decode(value).facts()
    except _UNREADABLE:
        return None


def attempt_of(headers: Mapping[str, bytes]) -> int:
    """The attempt a message carries: 1 on the requests topic, as stamped on a retry copy."""
    return int(headers.get(ATTEMPT, b"1"))


class Judge:
    """Judges one request record end to end; the faust agents call it per message."""

    def __init__(
        self,
        settings: Settings,
        client: JudgeClient,
        store: SessionStore,
        usage_log: UsageRecorder,
        sink: RecordSink,
        metrics: JudgeMetrics,
        residual_metrics: ResidualMetrics,
        evaluations: EvaluationExporter | None = None,
    ) -> None:
        self.settings = settings
        self.evaluations = evaluations
        self.client = client
        self.store = store
        self.sink = sink
        self.metrics = metrics
        self.bounds = label_bounds(settings)
        self.residuals = ResidualCounter(residual_metrics, self.bounds)
        self.redact = redactor(settings)
        self.prices = price_table(settings.judge.price_overrides)
        self.usage_log = usage_log
        j = settings.judge
        self.policy = RetryPolicy(
            max_attempts=j.retry_max_attempts, backoff_s=j.retry_backoff_s, backoff_max_s=j.retry_backoff_max_s
        )

    def priced(self, model: str) -> bool:
        return is_priced(model, self.prices)

    async def handle_when_due(self, key: bytes | None, value: bytes, headers: Mapping[str, bytes]) -> None:
        """Wait until a retry copy is due, then judge it."""
        await self.until_due(headers)
        await self.handle(key, value, attempt_of(headers))

    async def until_due(self, headers: Mapping[str, bytes]) -> None:
        """Wait until a retry copy is due, never longer than the longest backoff."""
        if DUE_MS in headers:
            wait_s = (int(headers[DUE_MS]) - time.time() * 1000) / 1000
            await asyncio.sleep(min(max(0.0, wait_s), self.policy.backoff_max_s))

    async def handle(self, key: bytes | None, value: bytes, attempt: int = 1) -> None:
        prepared = await self.prepare(key, value, attempt)
        if prepared is None:
            return
        judgement = await judge_session(self.client, prepared.snapshot, prepared.signals, redact=self.redact,
                                        k=self.settings.judge.ensemble_k)
        await self.settle(prepared, judgement)

    async def prepare(self, key: bytes | None, value: bytes, attempt: int) -> Prepared | None:
        """The request ready to judge; None when it was dead-lettered as unreadable or is judged already."""
        try:
            prepared = read_request(key, value, attempt)
        except _UNREADABLE as exc:
            await self.give_up(key, value, facts_in(value), attempt, GiveUp(reason="bad_request", detail=str(exc)))
            return None
        if await self._durably("judge_lookup", partial(self.judged_already, prepared.request.session_id)):
            log.info("verdict already stored; request skipped", session_id=prepared.request.session_id)
            return None
        return prepared

    async def settle(self, prepared: Prepared, judgement: SessionJudgement, *, batch: bool = False) -> None:
        """Account the paid judgement, then publish it, send the request to be tried again, or give up."""
        request = prepared.request
        usage = self._account(judgement, batch=batch)
        # From here on every step waits out outages by itself: the call above is paid for and never repeated.
        billed = next((r.model for r in judgement.results if not self.priced(r.model)), self.client.config.model)
        entry = UsageEntry(at_s=time.time(), model=billed, requests=len(judgement.results), usage=usage,
                           pi=request.pi, pi_unscaled=request.pi_unscaled, batch=batch)
        await self._durably("judge_usage", partial(self.usage_log.record, entry))
        decision = decide(judgement, attempt=prepared.attempt, policy=self.policy, priced=self.priced)
        key, value = prepared.key, prepared.value
        if isinstance(decision, Publish):
            await self._publish(prepared.record, prepared.snapshot.turns, request, judgement, usage)
        elif isinstance(decision, TryAgain):
            await self._try_again(key, value, request, prepared.attempt, decision)
        else:
            await self.give_up(key, value, request, prepared.attempt, decision)

    async def judged_already(self, session_id: str) -> bool:
        stored = await self.store.result(session_id, "judge")
        if stored is None:
            return False
        try:
            return isinstance(msgspec.json.decode(stored, type=JudgeRecord), VerdictRecord)
        except msgspec.ValidationError:  # a record of another schema: judge again
            return False

    def _account(self, judgement: SessionJudgement, *, batch: bool = False) -> Usage:
        """Count requests, tokens and spend (at the batch price for a batch); a batch's turnaround is not
        a request latency and is observed by the batch mode instead."""
        total = Usage()
        for result in judgement.results:
            m = self.metrics
            model = result.model if self.priced(result.model) else UNPRICED
            m.requests.labels(model, result.outcome).inc()
            if not batch:
                m.duration.labels(model).observe(result.latency_s)
            u = result.usage
            for kind, n in (("input", u.input_tokens), ("output", u.output_tokens),
                            ("cache_write", u.cache_creation_input_tokens), ("cache_read", u.cache_read_input_tokens)):
                if n:
                    m.tokens.labels(model, kind).inc(n)
            m.cost.labels(model).inc(spend_usd(result.model, u, self.prices, batch=batch))
            total = total + u
        return total

    async def _publish(
        self, record: SessionRecord, turns: tuple[TranscriptTurn, ...], request: RequestFacts,
        judgement: SessionJudgement, usage: Usage,
    ) -> None:
        ensemble = judgement.ensemble
        assert ensemble is not None
        verdict = ensemble.verdict
        feature, domain = self.bounds.feature(request.feature), self.bounds.domain(request.domain)
        judged_at_ms = int(time.time() * 1000)
        payload = msgspec.json.encode(VerdictRecord(
            session_id=request.session_id,
            feature=request.feature,
            domain=request.domain,
            pi=request.pi,
            model=self.client.config.model,
            verdict=verdict,
            votes=ensemble.votes,
            disagreement=ensemble.disagreement,
            usage=usage,
            judged_at_ms=judged_at_ms,
        ))
        topic = self.settings.topics.judge_verdicts
        await self._durably("judge_publish", partial(send_all, self.sink, topic,
                                                     [(request.session_id.encode(), payload, ())]))
        await self._keep(request.session_id, payload)
        if self.evaluations is not None:
            self.evaluations.emit(evaluation_events(verdict, turns, session_id=request.session_id,
                                                    judged_at_ms=judged_at_ms, redact=self.redact))
        for inc in failure_weight_increments(
            verdict.archetype_names, verdict.failure_visibility, pi=request.pi, feature=feature, domain=domain,
            release=request.release,
        ):
            self.metrics.failure_weight.labels(**inc.labels()).inc(inc.weight)
            self.metrics.failure_variance.labels(**inc.labels()).inc(inc.variance)
        self.residuals.judged(verdict, request.predictions, pi=request.pi, feature=feature, domain=domain)
        if ensemble.votes > 1:
            self.metrics.ensembles.inc()
            for archetype, split in ensemble.disagreement.items():
                if split:
                    self.metrics.disagreement.labels(archetype).inc()
            self.metrics.ensemble_weight.inc(1 / request.pi)
            for terms in weighted_terms(ensemble.brier, pi=request.pi):
                self.metrics.brier_variance.labels(terms.archetype).inc(terms.variance)
                self.metrics.brier_error.labels(terms.archetype).inc(terms.error)
        self.metrics.judged.labels(feature, domain, verdict.quality).inc()
        self._count_agreement(record, verdict, request.pi, feature)
        if verdict.trajectory is not None:
            self._count_trajectory(verdict.trajectory, request.pi, feature)

    async def _try_again(
        self, key: bytes | None, value: bytes, request: RequestFacts, attempt: int, decision: TryAgain
    ) -> None:
        due_ms = int(time.time() * 1000 + decision.delay_s * 1000)
        headers = [(ATTEMPT, str(attempt + 1).encode()), (DUE_MS, str(due_ms).encode()),
                   ("undercurrent-reason", decision.reason.encode())]
        topic = self.settings.topics.judge_retry
        await self._durably("judge_requeue", partial(send_all, self.sink, topic, [(key, value, headers)]))
        self.metrics.retried.labels(decision.reason).inc()
        log.info("judge request due again", session_id=request.session_id, reason=decision.reason,
                 attempt=attempt, delay_s=decision.delay_s)

    async def give_up(
        self, key: bytes | None, value: bytes, request: RequestFacts | None, attempt: int, decision: GiveUp
    ) -> None:
        """Dead-letter the request with its reason and stratum; keep the reason with the session."""
        headers: list[tuple[str, bytes]] = [("undercurrent-reason", decision.reason.encode()),
                            ("undercurrent-detail", decision.detail.encode()),
                            ("undercurrent-attempts", str(attempt).encode())]
        if request is not None:
            headers += [("undercurrent-feature", request.feature.encode()),
                        ("undercurrent-domain", (request.domain or UNKNOWN_DOMAIN).encode()),
                        ("undercurrent-pi", repr(request.pi).encode())]
        topic = self.settings.topics.judge_dlq
        await self._durably("judge_dlq", partial(send_all, self.sink, topic, [(key, value, headers)]))
        if request is not None:
            failed = JudgeFailed(
                session_id=request.session_id, feature=request.feature, domain=request.domain, pi=request.pi,
                reason=decision.reason, detail=decision.detail, attempts=attempt,
                failed_at_ms=int(time.time() * 1000),
            )
            await self._keep(request.session_id, msgspec.json.encode(failed))
        feature = self.bounds.feature(request.feature if request else None)
        domain = self.bounds.domain(request.domain if request else None)
        self.metrics.dead.labels(decision.reason, feature, domain).inc()
        log.warning("judge dead-lettered", reason=decision.reason, attempts=attempt,
                    session_id=request.session_id if request else None)

    async def _keep(self, session_id: str, payload: bytes) -> None:
        retention_s = self.settings.sessions.retention_s
        await self._durably("judge_store", partial(self.store.attach, session_id, "judge", payload,
                                                   retention_s=retention_s))

    async def _durably(self, what: str, step: Callable[[], Awaitable[T]]) -> T:
        return await until_done(step, what=what, retries=self.metrics.retries)

    def _count_trajectory(self, trajectory: Trajectory, pi: float, feature: str) -> None:
        t = self.metrics.trajectories
        inc = trajectory_increment(trajectory, pi=pi)
        t.weight.labels(feature, inc.outcome).inc(inc.weight)
        t.variance.labels(feature, inc.outcome).inc(inc.variance)
        t.judged.labels(feature, inc.outcome).inc()
        for e in inc.errors:
            labels = (e.branch, e.category, e.severity, feature)
            t.step_error_weight.labels(*labels).inc(e.weight)
            t.step_error_variance.labels(*labels).inc(e.variance)
            t.step_error_cross.labels(*labels).inc(e.cross)
        position = first_error_position(trajectory)
        if position is not None:
            t.first_error_position.labels(feature).observe(position)
        t.score.labels(feature).observe(final_score(trajectory.steps))

    def _count_agreement(self, record: SessionRecord, verdict: Verdict, pi: float, feature: str) -> None:
        """Confusion counts of the detector flags the session's record carries against this verdict."""
        report = record.detectors
        for inc in agreement_increments(
            heuristic_archetypes={a.archetype for a in report.archetypes} if report else set(),
            signals={s.name for s in report.signals} if report else set(),
            judged_archetypes=failing_archetypes(verdict.archetype_names, verdict.failure_visibility),
            judged_failure=verdict.is_failure,
            pi=pi,
        ):
            labels = (inc.kind, inc.flag, feature, inc.outcome)
            self.metrics.agreement_weight.labels(*labels).inc(inc.weight)
            self.metrics.agreement_variance.labels(*labels).inc(inc.variance)
            self.metrics.agreement_sessions.labels(*labels).inc()


def create_judge_app(
    settings: Settings,
    *,
    registry: CollectorRegistry = REGISTRY,
    client: JudgeClient | None = None,
    health: WorkerHealth | None = None,
) -> faust.App:
    # A stop or rebalance does not wait for calls in flight (they may wait on the API or an outage for
    # minutes): their requests stay unacknowledged and are read again by whichever worker takes over.
    app = faust_app(f"{settings.app_id}-judge", settings, stream_wait_empty=False)
    metrics = JudgeMetrics(registry)
    stores = Stores(settings)
    evaluations = evaluation_exporter(settings, metrics.evaluation_events)
    judge = Judge(settings, client or judge_client(settings), stores.sessions, stores.usage_log,
                  FaustProducerSink(app.producer), metrics, ResidualMetrics(registry), evaluations)
    preinitialise(metrics, judge.bounds, settings.releases.names())
    topics = settings.topics
    for name in (topics.judge_verdicts, topics.judge_dlq):
        app.topic(name, partitions=settings.kafka.partitions)
    processed: dict[Any, int] = {}

    async def settle(message: Any) -> None:
        """Judge one message; a bug dead-letters it instead of stalling the partition or repeating a paid call."""
        headers = dict(message.headers or ())
        try:
            await judge.handle_when_due(message.key, message.value, headers)
        except Exception as exc:
            log.exception("judge request failed on an unexpected error")
            await judge.give_up(message.key, message.value, facts_in(message.value), attempt_of(headers),
                                GiveUp(reason="processing_error", detail=repr(exc)[:1000]))

    async def consume(stream: faust.StreamT[Any]) -> None:
        async for events in noack_batches(stream, settings.judge.batch_max_messages, within=0.2):
            await asyncio.gather(*(settle(e.message) for e in events))
            for e in events:
                await stream.ack(e)
                processed[e.message.tp] = e.message.offset

    body = batched_consumer(app, judge, stores.batches, processed, JudgeBatchMetrics(registry)) \
        if settings.judge.mode == "batch" else consume
    for name, agent in ((topics.judge_requests, "judge"), (topics.judge_retry, "judge-retry")):
        topic = app.topic(name, partitions=settings.kafka.partitions, value_serializer="raw")
        app.agent(topic, name=agent)(body)

    @every(app, 5.0)
    @tolerant("probe", metrics.retries)
    async def probe() -> None:
        for p in await partition_progress(app.consumer, (topics.judge_requests,), processed):
            metrics.consumer_lag.labels(str(p.tp.partition)).set(p.lag)

    watch_health(app, health or WorkerHealth(), ping=stores.ping, probe_topic=topics.judge_requests)

    # Only the stores are closed here. This signal comes before the agents are cancelled, and closing the
    # API client would fail the calls in flight as if the API were down, sending their requests to the
    # retry topic while they are still unacknowledged on the requests topic; the client ends with the process.
    # mode types a receiver as taking any positional arguments; this signal sends none.
    @app.on_before_shutdown.connect  # type: ignore[arg-type]
    async def close(sender: faust.App, **_: Any) -> None:
        await stores.close()
        if evaluations is not None:  # exports what is queued, within its timeout, off the event loop
            await asyncio.to_thread(evaluations.shutdown)

    return app


def batched_consumer(
    app: faust.App, judge: Judge, ledger: BatchLedger, processed: dict[Any, int], metrics: JudgeBatchMetrics
) -> Callable[[faust.StreamT[Any]], Coroutine[Any, Any, None]]:
    """The agent body of ``judge.mode=batch``: messages join the open batch and are acknowledged
    once their batch is submitted and recorded (:mod:`.judge_batch`)."""
    from .judge_batch import BatchMode  # judge_batch builds on this module

    settings = judge.settings
    batches = BatchMode(judge, ledger, metrics)
    every(app, min(1.0, settings.judge.batch_max_age_s))(tolerant("batch_submit", judge.metrics.retries)(
        batches.submit_if_due))
    every(app, min(settings.judge.batch_poll_s, 5.0))(tolerant("batch_poll", judge.metrics.retries)(batches.poll))

    async def consume(stream: faust.StreamT[Any]) -> None:
        async for events in noack_batches(stream, settings.judge.batch_max_messages, within=0.2):
            for e in events:
                message = e.message
                headers = dict(message.headers or ())
                await judge.until_due(headers)
                ack = partial(stream.ack, e)
                try:
                    await batches.take(message.key, message.value, attempt_of(headers), ack)
                except Exception as exc:
                    log.exception("judge request failed on an unexpected error")
                    await judge.give_up(message.key, message.value, facts_in(message.value), attempt_of(headers),
                                        GiveUp(reason="processing_error", detail=repr(exc)[:1000]))
                    await ack()
                processed[message.tp] = message.offset

    return consume
