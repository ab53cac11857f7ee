"""Precision and recall of each signal and archetype flag over the labelled scenarios."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec
from scipy.stats import binomtest

from ..vocabulary import ARCHETYPES
from .model import DetectorConfig, DetectorReport
from .registry import SIGNAL_NAMES
from .run import run_session_detectors
from .scenarios import Scenario, to_snapshot

SCENARIO_CONFIG = DetectorConfig(walkaway_gap_by_feature={"search": 60.0})
"""The scenarios assume a 60 s walkaway gap for the ``search`` feature and defaults elsewhere."""


class Score(msgspec.Struct, kw_only=True):
    """Confusion counts for one label; intervals are Wilson 95%."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    hard_negatives: int = 0
    hard_negative_fp: int = 0
    false_positives: list[str] = msgspec.field(default_factory=list)
    false_negatives: list[str] = msgspec.field(default_factory=list)

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    @property
    def precision_ci(self) -> tuple[float, float] | None:
        return _wilson(self.tp, self.tp + self.fp)

    @property
    def recall_ci(self) -> tuple[float, float] | None:
        return _wilson(self.tp, self.positives)


def _wilson(k: int, n: int) -> tuple[float, float] | None:
    if n == 0:
        return None
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


class Evaluation(msgspec.Struct, kw_only=True):
    signals: list[Score]
    archetypes: list[Score]
    scenarios: int
    visibility_correct: int
    visibility_labelled: int


def _tally(score: Score, scenario: Scenario, expected: bool, fired: bool) -> None:
    hard = score.name in scenario.hard_negative_for
    score.hard_negatives += hard and not expected
    if fired and expected:
        score.tp += 1
    elif fired:
        score.fp += 1
        score.hard_negative_fp += hard
        score.false_positives.append(scenario.id)
    elif expected:
        score.fn += 1
        score.false_negatives.append(scenario.id)


def report_for(scenario: Scenario, config: DetectorConfig = SCENARIO_CONFIG) -> DetectorReport:
    snapshot, closed_ms = to_snapshot(scenario)
    return run_session_detectors(snapshot, config, closed_ms=closed_ms)


def evaluate(
    scenarios: Sequence[Scenario],
    config: DetectorConfig = SCENARIO_CONFIG,
    signal_names: Iterable[str] = SIGNAL_NAMES,
) -> Evaluation:
    signals = {name: Score(name=name) for name in signal_names}
    archetypes = {name: Score(name=name) for name in ARCHETYPES}
    visibility_correct = visibility_labelled = 0
    for scenario in scenarios:
        report = report_for(scenario, config)
        fired = {s.name for s in report.signals}
        flagged = {f.archetype for f in report.archetypes}
        for name, score in signals.items():
            _tally(score, scenario, name in scenario.signals, name in fired)
        for name, score in archetypes.items():
            _tally(score, scenario, name in scenario.archetypes, name in flagged)
        if scenario.visibility is not None:
            visibility_labelled += 1
            visibility_correct += scenario.visibility == report.visibility
    return Evaluation(
        signals=list(signals.values()),
        archetypes=list(archetypes.values()),
        scenarios=len(scenarios),
        visibility_correct=visibility_correct,
        visibility_labelled=visibility_labelled,
    )
