"""The predicted failure probability f of every closed session, per archetype and measure.

The model-assisted estimator adds f over *all* closed sessions and corrects the
sum with the judged sample (``docs/estimation.md`` §7). It stays unbiased for any
f fixed before sampling, however wrong; a better f only narrows the interval.
Until a calibrated risk model exists, f comes from the detectors' heuristic
archetype flags:

* archetype a, all failures: the score of the a-flag, 0 when a is not flagged;
* ``any``: the session risk score, the detectors' estimate of P(judge says failure);
* invisible failures (visibility ``invisible`` or ``mixed``): the same values,
  except 0 when the detectors saw a visible reaction and nothing unflagged after
  it (visibility hint ``visible``), since such a failure is most likely visible.

f is computed once, when the session closes, and travels with the record: the
judge side must weigh the very f the ingest side added (``version`` names the rule).
"""

from __future__ import annotations

import math
from typing import Literal, get_args

import msgspec

from ..detectors.model import DetectorReport
from ..vocabulary import ARCHETYPES
from .weights import ANY

Measure = Literal["failure", "invisible_failure"]
MEASURES: tuple[Measure, ...] = get_args(Measure)
# The visibilities the invisible-failure rate counts; mixed failures hold an unflagged part.
INVISIBLE_VISIBILITIES = frozenset({"invisible", "mixed"})
CELLS: tuple[tuple[str, Measure], ...] = tuple((a, m) for a in (*ARCHETYPES, ANY) for m in MEASURES)
HEURISTIC_FLAGS = "heuristic-flags-v1"
# f = 0 everywhere: detectors off, or a record from before predictions travelled with it.
NO_PREDICTIONS = "none"


class FailurePredictions(msgspec.Struct, frozen=True, kw_only=True):
    """f in [0, 1] by archetype (``any`` included) for each measure; a missing archetype means 0."""

    version: str
    failure: dict[str, float] = msgspec.field(default_factory=dict)
    invisible_failure: dict[str, float] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        for measure in MEASURES:
            for archetype, value in getattr(self, measure).items():
                if archetype not in (*ARCHETYPES, ANY):
                    raise ValueError(f"unknown archetype {archetype!r}")
                if not (math.isfinite(value) and 0 <= value <= 1):
                    raise ValueError(f"prediction for {archetype}/{measure} must be in [0, 1], got {value!r}")

    def value(self, archetype: str, measure: Measure) -> float:
        by_archetype: dict[str, float] = getattr(self, measure)
        return by_archetype.get(archetype, 0.0)


def predictions_from_report(report: DetectorReport) -> FailurePredictions:
    """f from the heuristic flags and risk of one detector report (see the module docstring)."""
    failure = {flag.archetype: flag.score for flag in report.archetypes}
    failure[ANY] = report.risk
    invisible = {} if report.visibility == "visible" else dict(failure)
    return FailurePredictions(version=HEURISTIC_FLAGS, failure=failure, invisible_failure=invisible)
