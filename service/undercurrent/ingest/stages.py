"""The close stages the worker runs, in order: language → detectors → sampling → redaction."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from ..config import Settings
from ..detectors.stage import DetectorStage, LanguageStage
from ..judge.redact import Redactor
from ..metrics.definitions import DetectorMetrics, LanguageMetrics
from ..metrics.labels import LabelBounds, LanguageBounds
from ..sampling.stage import BudgetView, SamplingStage
from ..sessions.closer import CloseStage
from ..sessions.redaction import RedactionStage, user_id_key


def close_stages(
    settings: Settings, registry: CollectorRegistry, bounds: LabelBounds, budget: BudgetView
) -> list[CloseStage]:
    languages = LanguageBounds(settings.labels.languages)
    stages: list[CloseStage] = [LanguageStage(LanguageMetrics(registry), bounds, languages)]
    if settings.detectors.enabled:
        stages.append(DetectorStage(settings, DetectorMetrics(registry), bounds, languages))
    stages.append(SamplingStage(settings, budget.metrics, bounds, budget))
    redaction = settings.redaction
    stages.append(RedactionStage(Redactor(extra_patterns=redaction.extra_patterns), user_id_key(redaction.user_id_key)))
    return stages

