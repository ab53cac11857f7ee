"""The close stages the worker runs, in order: language → detectors → sampling → redaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry

from ..config import Settings
from ..detectors.stage import DetectorStage, LanguageStage
from ..judge.redact import Redactor
from ..metrics.definitions import DetectorMetrics, LanguageMetrics, SamplingMetrics
from ..metrics.labels import LabelBounds, LanguageBounds
from ..sampling.stage import BudgetScale, SamplingStage
from ..sessions.closer import CloseStage
from ..sessions.redaction import RedactionStage


@dataclass(frozen=True, slots=True)
class StageMetrics:
    """The metrics the close stages update, by group (in a close process: recorders of them)."""

    language: Any
    detectors: Any
    sampling: Any

    @classmethod
    def registered(cls, settings: Settings, registry: CollectorRegistry, sampling: SamplingMetrics) -> StageMetrics:
        detectors = DetectorMetrics(registry) if settings.detectors.enabled else None
        return cls(language=LanguageMetrics(registry), detectors=detectors, sampling=sampling)


def close_stages(
    settings: Settings, bounds: LabelBounds, metrics: StageMetrics, budget: BudgetScale, user_id_key: bytes
) -> list[CloseStage]:
    languages = LanguageBounds(settings.labels.languages)
    stages: list[CloseStage] = [LanguageStage(metrics.language, bounds, languages)]
    if settings.detectors.enabled:
        stages.append(DetectorStage(settings, metrics.detectors, bounds, languages))
    stages.append(SamplingStage(settings, metrics.sampling, bounds, budget))
    redaction = settings.redaction
    stages.append(RedactionStage(Redactor(extra_patterns=redaction.extra_patterns), user_id_key))
    return stages
