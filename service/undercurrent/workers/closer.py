"""Close due sessions exactly once and publish one record per session.

Every replica runs :meth:`SessionCloser.sweep_once` on a timer. Claims are atomic
in Redis, so replicas never close the same session twice; a claim carries a
lease, so a replica that dies between claiming and finalising hands its claims
back instead of losing them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from functools import partial
from itertools import product
from typing import Any, get_args

import structlog

from ..config import Settings
from ..estimate.counting import PredictionCounter
from ..kafka.retry import is_transient, until_done
from ..kafka.sink import RecordSink
from ..metrics.definitions import IngestMetrics, SessionMetrics
from ..metrics.labels import OTHER, LabelBounds
from ..sessions.model import CloseReason
from ..sessions.protocol import Claim, SessionStore
from .build import ClosedRecord, RecordBuilder

log = structlog.get_logger(__name__)


class SessionCloser:
    def __init__(
        self,
        settings: Settings,
        store: SessionStore,
        sink: RecordSink,
        metrics: SessionMetrics,
        ingest_metrics: IngestMetrics,
        bounds: LabelBounds,
        builder: RecordBuilder,
        predictions: PredictionCounter | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.sink = sink
        self.metrics = metrics
        self.bounds = bounds
        self.builder = builder
        self.predictions = predictions
        self.ingest_metrics = ingest_metrics
        releases = settings.releases
        for feature, domain in bounds.pairs():
            for reason, release in product(get_args(CloseReason), (*releases.names(), OTHER)):
                metrics.closed.labels(feature, domain, reason, release)
        if releases.baseline:
            metrics.release_baseline.labels(releases.baseline).set(1)

    async def sweep_once(self) -> int:
        """Close what is due now; returns the number of sessions published.

        Each session is built and published on its own: one that fails (a stage bug, a
        refused record) stays claimed and is retried after its lease, without holding
        back the others claimed with it.
        """
        cfg = self.settings.sessions
        await self.builder.start()
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
        self.metrics.closing.inc(len(claims))
        try:
            return await self._close(claims, now_ms)
        finally:
            self.metrics.closing.dec(len(claims))

    async def _close(self, claims: list[Claim], now_ms: int) -> int:
        cfg = self.settings.sessions
        built = await self.builder.build(await self.store.load(claims), now_ms)
        closing: list[ClosedRecord] = []
        for b in built:
            if isinstance(b, ClosedRecord):
                closing.append(b)
                continue
            self.ingest_metrics.processing_errors.labels("close").inc()
            log.error("session record could not be built", session_id=b.session_id, error=b.error)
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
        results = [(c.session_id, c.results) for c in published]
        finalize = partial(self.store.finalize, results, now_ms=int(time.time() * 1000), retention_s=cfg.retention_s)
        # Published already: wait for Redis rather than let the lease run out and publish again.
        finalised = await until_done(finalize, what="close", retries=self.ingest_metrics.retries)
        self._observe(published, finalised)
        return len(published)

    async def _publish(self, closing: list[ClosedRecord]) -> list[BaseException | None]:
        """Send every record and wait for the broker; per session, None or why it was not published."""
        pending: list[list[Awaitable[Any]]] = [[] for _ in closing]
        errors: list[BaseException | None] = [None] * len(closing)
        for i, c in enumerate(closing):
            for topic in c.topics:
                try:
                    pending[i].append(await self.sink.send(topic, c.session_id.encode(), c.payload))
                except Exception as exc:
                    errors[i] = exc
        for i, futures in enumerate(pending):
            for outcome in await asyncio.gather(*futures, return_exceptions=True):
                if outcome is not None and isinstance(outcome, BaseException) and errors[i] is None:
                    errors[i] = outcome
        return errors

    def _observe(self, published: list[ClosedRecord], finalised: list[bool]) -> None:
        now = time.time()
        for c, first_time in zip(published, finalised, strict=True):
            if not first_time:
                self.metrics.republished.inc()
                log.warning("session republished after lease expiry", session_id=c.session_id)
                continue
            self.metrics.closed.labels(
                self.bounds.feature(c.feature), self.bounds.domain(c.domain), c.close_reason, c.release
            ).inc()
            if self.predictions is not None and c.predicted is not None:
                self.predictions.count(c.predicted, c.feature, c.domain)
            self.metrics.close_delay.observe(max(0.0, now - c.wall_ms / 1000))
            if c.late_events:
                self.metrics.late_in_record.inc(c.late_events)
