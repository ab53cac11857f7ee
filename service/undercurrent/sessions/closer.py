"""Close due sessions exactly once and publish one record per session.

Every replica runs :meth:`SessionCloser.sweep_once` on a timer. Claims are atomic
in Redis, so replicas never close the same session twice; a claim carries a
lease, so a replica that dies between claiming and finalising hands its claims
back instead of losing them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, get_args

import msgspec
import structlog

from ..config import Settings
from ..ingest.message import value_budget
from ..ingest.retry import is_transient, until_done
from ..ingest.sink import RecordSink
from ..metrics.definitions import IngestMetrics, SessionMetrics
from ..metrics.labels import LabelBounds
from .fit import encode_within
from .model import CloseReason, SessionSnapshot
from .record import base_record
from .store import RedisSessionStore

log = structlog.get_logger(__name__)

YIELD_EVERY = 16
RESULT_KEYS = ("domain", "domain_source", "detectors", "sampling")


class CloseStage(Protocol):
    """Adds its results to a closing session's record.

    Returns the names of further topics the finished record must also go to
    (the sampler routes sampled sessions to the judge this way).
    """

    def __call__(self, snapshot: SessionSnapshot, record: dict[str, Any]) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class _Closing:
    """A claimed session's finished record, ready to publish."""

    session_id: str
    key: bytes
    payload: bytes
    record: dict[str, Any]
    topics: list[str]
    wall_ms: int


class SessionCloser:
    def __init__(
        self,
        settings: Settings,
        store: RedisSessionStore,
        sink: RecordSink,
        metrics: SessionMetrics,
        ingest_metrics: IngestMetrics,
        bounds: LabelBounds,
        stages: Sequence[CloseStage] = (),
    ) -> None:
        self.settings = settings
        self.store = store
        self.sink = sink
        self.metrics = metrics
        self.bounds = bounds
        self.stages = list(stages)
        self.ingest_metrics = ingest_metrics
        for feature, domain in bounds.pairs():
            for reason in get_args(CloseReason):
                metrics.closed.labels(feature, domain, reason)

    async def sweep_once(self) -> int:
        """Close what is due now; returns the number of sessions published.

        Each session is built and published on its own: one that fails (a stage bug, a
        refused record) stays claimed and is retried after its lease, without holding
        back the others claimed with it.
        """
        cfg = self.settings.sessions
        now_ms = int(time.time() * 1000)
        claims = await self.store.claim_due(
            now_ms=now_ms,
            grace_ms=int(cfg.close_grace_s * 1000),
            limit=cfg.sweep_batch,
            lease_ms=int(cfg.claim_lease_s * 1000),
            quiet_ms=int(cfg.watermark_quiet_s * 1000),
        )
        if not claims:
            return 0
        loaded = await self.store.load(claims)
        closing: list[_Closing] = []
        for n, (snapshot, wall) in enumerate(loaded, 1):
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # close stages are CPU work: let consumers and heartbeats run
            try:
                closing.append(self._close(snapshot, wall, now_ms))
            except Exception:
                self.ingest_metrics.processing_errors.labels("close").inc()
                log.exception("session record could not be built", session_id=snapshot.session_id)
        outcomes = await self._publish(closing)
        published = []
        for c, outcome in zip(closing, outcomes, strict=True):
            if outcome is None:
                published.append(c)
            elif isinstance(outcome, Exception):
                if not is_transient(outcome):
                    self.ingest_metrics.processing_errors.labels("publish").inc()
                log.error("session record not published", session_id=c.session_id, error=repr(outcome))
            else:
                raise outcome  # cancelled
        if not published:
            return 0
        results = [(c.session_id, msgspec.json.encode({k: c.record.get(k) for k in RESULT_KEYS})) for c in published]
        finalize = partial(self.store.finalize, results, now_ms=int(time.time() * 1000), retention_s=cfg.retention_s)
        # Published already: wait for Redis rather than let the lease run out and publish again.
        finalised = await until_done(finalize, what="close", retries=self.ingest_metrics.retries)
        self._observe([c.record for c in published], [c.wall_ms for c in published], finalised)
        return len(published)

    def _close(self, snapshot: SessionSnapshot, wall_ms: int, now_ms: int) -> _Closing:
        record = base_record(snapshot, closed_at_ms=now_ms)
        topics = [self.settings.topics.sessions]
        for stage in self.stages:
            topics.extend(stage(snapshot, record))
        key = snapshot.session_id.encode()
        payload = encode_within(record, value_budget(self.settings.kafka.max_request_bytes, key, ()))
        return _Closing(snapshot.session_id, key, payload, record, topics, wall_ms)

    async def _publish(self, closing: list[_Closing]) -> list[BaseException | None]:
        """Send every record and wait for the broker; per session, None or why it was not published."""
        pending: list[list[Awaitable[Any]]] = [[] for _ in closing]
        errors: list[BaseException | None] = [None] * len(closing)
        for i, c in enumerate(closing):
            for topic in c.topics:
                try:
                    pending[i].append(await self.sink.send(topic, c.key, c.payload))
                except Exception as exc:
                    errors[i] = exc
        for i, futures in enumerate(pending):
            for outcome in await asyncio.gather(*futures, return_exceptions=True):
                if outcome is not None and isinstance(outcome, BaseException) and errors[i] is None:
                    errors[i] = outcome
        return errors

    def _observe(self, records: list[dict[str, Any]], walls: list[int], finalised: list[bool]) -> None:
        now = time.time()
        for record, wall, first_time in zip(records, walls, finalised, strict=True):
            if not first_time:
                self.metrics.republished.inc()
                log.warning("session republished after lease expiry", session_id=record["session_id"])
                continue
            self.metrics.closed.labels(
                self.bounds.feature(record["feature"]), self.bounds.domain(record["domain"]), record["close_reason"]
            ).inc()
            self.metrics.close_delay.observe(max(0.0, now - wall / 1000))
            if record["late_events"]:
                self.metrics.late_in_record.inc(record["late_events"])
