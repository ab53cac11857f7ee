"""The close stages the worker runs, in order: release → language → detectors → predictions → sampling → redaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from prometheus_client import CollectorRegistry

from ..config import Settings
from ..metrics.definitions import DetectorMetrics, LanguageMetrics, SamplingMetrics
from ..metrics.labels import LabelBounds, LanguageBounds, ReleaseBounds
from ..records.session import SessionRecord
from ..sampling.budget_view import BudgetScale
from ..sessions.model import SessionSnapshot
from ..wiring.values import redactor
from .detect import DetectorStage, LanguageStage
from .predict import PredictionStage
from .redact import RedactionStage
from .sample import SamplingStage


class CloseStage(Protocol):
    """Adds its results to a closing session's record.

    Returns the names of further topics the finished record must also go to
    (the sampler routes sampled sessions to the judge this way). Stages are pure
    functions of the snapshot apart from their metrics, so they can run in
    another process (see :mod:`..workers.close_pool`).
    """

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> Sequence[str]: ...


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


class ReleaseStage:
    """Names the session's bounded release label first, so every later count of the session carries it.

    The label goes into the record: the closer counts the session with it and the judge its failures.
    With close processes each process ranks the traffic it builds (docs/releases.md).
    """

    def __init__(self, settings: Settings) -> None:
        r = settings.releases
        self.bounds = ReleaseBounds(r.names(), r.top_n, min_sessions=r.min_sessions)

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> tuple[str, ...]:
        record.release = self.bounds.observe(snapshot.release)
        return ()


def close_stages(
    settings: Settings, bounds: LabelBounds, metrics: StageMetrics, budget: BudgetScale, user_id_key: bytes
) -> list[CloseStage]:
    languages = LanguageBounds(settings.labels.languages)
    stages: list[CloseStage] = [ReleaseStage(settings), LanguageStage(metrics.language, bounds, languages)]
    if settings.detectors.enabled:
        stages.append(DetectorStage(settings, metrics.detectors, bounds, languages))
    stages.append(PredictionStage())
    stages.append(SamplingStage(settings, metrics.sampling, bounds, budget))
    stages.append(RedactionStage(redactor(settings), user_id_key))
    return stages
