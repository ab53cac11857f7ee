"""The close stages of the detectors: the session's language, then signals, flags and risk."""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import product
from typing import get_args

from ..config import Settings
from ..detectors.cue import SCANNER
from ..detectors.language import UNDETERMINED, identifier, session_language
from ..detectors.model import DetectorConfig
from ..detectors.registry import SIGNAL_NAMES
from ..detectors.risk import load_model
from ..detectors.run import run_session_detectors
from ..metrics.definitions import DetectorMetrics, LanguageMetrics
from ..metrics.labels import OTHER, LabelBounds, LanguageBounds
from ..records.session import SessionRecord
from ..sessions.model import SessionSnapshot
from ..vocabulary import ARCHETYPES, Visibility


def close_event_time(snapshot: SessionSnapshot, settings: Settings) -> int:
    """Event time at which the session counted as closed (what walkaway gaps are measured to)."""
    sessions = settings.sessions
    if snapshot.close_reason == "idle":
        return snapshot.last_event_ms + int(sessions.idle_timeout_for(snapshot.feature) * 1000)
    if snapshot.close_reason == "max_duration":
        return snapshot.opened_ms + int(sessions.max_duration_s * 1000)
    return snapshot.last_event_ms


class LanguageStage:
    """Puts the language of the user's words on the record (``language``, ``und`` when too little text)."""

    def __init__(self, metrics: LanguageMetrics, bounds: LabelBounds, languages: LanguageBounds) -> None:
        self.metrics = metrics
        self.bounds = bounds
        self.languages = languages
        identifier()  # loaded here rather than while the first session closes
        for feature in (*sorted(bounds.features), OTHER):
            for language in languages.values():
                metrics.sessions.labels(feature, language)

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> Sequence[str]:
        started = time.perf_counter()
        found = session_language(t.text for t in snapshot.turns if t.role == "user")
        self.metrics.seconds.observe(time.perf_counter() - started)
        record.language, record.language_confidence = found.language, found.confidence
        feature, language = self.bounds.feature(snapshot.feature), self.languages.language(found.language)
        self.metrics.sessions.labels(feature, language).inc()
        return ()


class DetectorStage:
    def __init__(
        self, settings: Settings, metrics: DetectorMetrics, bounds: LabelBounds, languages: LanguageBounds
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.bounds = bounds
        SCANNER.database()  # the cue patterns compiled here rather than while the first session closes
        self.languages = languages
        self.config = DetectorConfig(
            walkaway_gap_s=settings.detectors.walkaway_gap_s,
            walkaway_gap_by_feature=settings.detectors.walkaway_gap_by_feature,
        )
        self.risk_model = load_model(settings.detectors.risk_model)
        metrics.risk_model.info({"version": self.risk_model.version})
        # Series exist at zero before their first increment, so increase() never misses it.
        releases = (*settings.releases.names(), OTHER)
        for (feature, domain), release in product(bounds.pairs(), releases):
            for name in SIGNAL_NAMES:
                metrics.signals.labels(name, feature, domain, release)
            for archetype, visibility in product(ARCHETYPES, get_args(Visibility)):
                metrics.archetypes.labels(archetype, visibility, feature, domain, release)
        for name, language in product(SIGNAL_NAMES, languages.values()):
            metrics.signals_by_language.labels(name, language)

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> Sequence[str]:
        started = time.perf_counter()
        report = run_session_detectors(
            snapshot, self.config, closed_ms=close_event_time(snapshot, self.settings), risk_model=self.risk_model
        )
        self.metrics.seconds.observe(time.perf_counter() - started)
        record.detectors, record.domain, record.domain_source = report, report.domain, report.domain_source
        feature, domain = self.bounds.feature(snapshot.feature), self.bounds.domain(report.domain)
        language = self.languages.language(UNDETERMINED if record.language is None else record.language)
        release = OTHER if record.release is None else record.release
        for signal in report.signals:
            self.metrics.signals.labels(signal.name, feature, domain, release).inc()
            self.metrics.signals_by_language.labels(signal.name, language).inc()
        for flag in report.archetypes:
            self.metrics.archetypes.labels(flag.archetype, report.visibility, feature, domain, release).inc()
        self.metrics.risk.labels(feature).observe(report.risk)
        return ()
