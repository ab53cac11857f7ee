"""The detector close stage: score every closed session and count what fired."""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import product
from typing import Any, get_args

from ..config import Settings
from ..judge.verdict import ARCHETYPES
from ..metrics.definitions import DetectorMetrics
from ..metrics.labels import LabelBounds
from ..sessions.model import SessionSnapshot
from .model import DetectorConfig, Visibility
from .registry import SIGNAL_NAMES
from .run import run_session_detectors


def close_event_time(snapshot: SessionSnapshot, settings: Settings) -> int:
    """Event time at which the session counted as closed (what walkaway gaps are measured to)."""
    sessions = settings.sessions
    if snapshot.close_reason == "idle":
        return snapshot.last_event_ms + int(sessions.idle_timeout_for(snapshot.feature) * 1000)
    if snapshot.close_reason == "max_duration":
        return snapshot.opened_ms + int(sessions.max_duration_s * 1000)
    return snapshot.last_event_ms


class DetectorStage:
    def __init__(self, settings: Settings, metrics: DetectorMetrics, bounds: LabelBounds) -> None:
        self.settings = settings
        self.metrics = metrics
        self.bounds = bounds
        self.config = DetectorConfig(
            walkaway_gap_s=settings.detectors.walkaway_gap_s,
            walkaway_gap_by_feature=settings.detectors.walkaway_gap_by_feature,
        )
        # Series exist at zero before their first increment, so increase() never misses it.
        for feature, domain in bounds.pairs():
            for name in SIGNAL_NAMES:
                metrics.signals.labels(name, feature, domain)
            for archetype, visibility in product(ARCHETYPES, get_args(Visibility)):
                metrics.archetypes.labels(archetype, visibility, feature, domain)

    def __call__(self, snapshot: SessionSnapshot, record: dict[str, Any]) -> Sequence[str]:
        started = time.perf_counter()
        report = run_session_detectors(snapshot, self.config, closed_ms=close_event_time(snapshot, self.settings))
        self.metrics.seconds.observe(time.perf_counter() - started)
        record.update(detectors=report, domain=report.domain, domain_source=report.domain_source)
        feature, domain = self.bounds.feature(snapshot.feature), self.bounds.domain(report.domain)
        for signal in report.signals:
            self.metrics.signals.labels(signal.name, feature, domain).inc()
        for flag in report.archetypes:
            self.metrics.archetypes.labels(flag.archetype, report.visibility, feature, domain).inc()
        self.metrics.risk.labels(feature).observe(report.risk)
        return ()
