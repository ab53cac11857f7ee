"""Close due sessions exactly once and publish one record per session.

Every replica runs :meth:`SessionCloser.sweep_once` on a timer. Claims are atomic
in Redis, so replicas never close the same session twice; a claim carries a
lease, so a replica that dies between claiming and finalising hands its claims
back instead of losing them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any, Protocol, get_args

import msgspec
import structlog

from ..config import Settings
from ..ingest.sink import RecordSink, send_all
from ..metrics.definitions import SessionMetrics
from ..metrics.labels import LabelBounds
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


class SessionCloser:
    def __init__(
        self,
        settings: Settings,
        store: RedisSessionStore,
        sink: RecordSink,
        metrics: SessionMetrics,
        bounds: LabelBounds,
        stages: Sequence[CloseStage] = (),
    ) -> None:
        self.settings = settings
        self.store = store
        self.sink = sink
        self.metrics = metrics
        self.bounds = bounds
        self.stages = list(stages)
        for feature, domain in bounds.pairs():
            for reason in get_args(CloseReason):
                metrics.closed.labels(feature, domain, reason)

    async def sweep_once(self) -> int:
        """Close what is due now; returns the number of sessions published."""
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
        records: list[dict[str, Any]] = []
        routed: dict[str, list[tuple[bytes | None, bytes, Sequence[tuple[str, bytes]]]]] = {}
        for n, (snapshot, _wall) in enumerate(loaded, 1):
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # close stages are CPU work: let consumers and heartbeats run
            record = base_record(snapshot, closed_at_ms=now_ms)
            topics = [self.settings.topics.sessions]
            for stage in self.stages:
                topics.extend(stage(snapshot, record))
            output = (snapshot.session_id.encode(), msgspec.json.encode(record), ())
            for topic in topics:
                routed.setdefault(topic, []).append(output)
            records.append(record)
        for topic, outputs in routed.items():
            await send_all(self.sink, topic, outputs)
        finalised = await self.store.finalize(
            [(r["session_id"], msgspec.json.encode({k: r.get(k) for k in RESULT_KEYS})) for r in records],
            now_ms=int(time.time() * 1000),
            retention_s=cfg.retention_s,
        )
        self._observe(records, [wall for _, wall in loaded], finalised)
        return len(records)

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
