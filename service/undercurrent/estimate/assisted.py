"""Counter increments for the model-assisted (difference) estimator and its interval.

Every closed session adds, on the ingest side, its predictions f (and f², f²/π) and
its weight 1/π; every judged session adds, on the judge side, y/π, y/π², f/π,
y·f/π and y·f/π² for each (archetype, measure) cell. All increments are ≥ 0, so
every counter is monotonic; the residual Σ (y − f)/π is the difference of the
judged failure weight and the judged prediction weight, and the variance terms
are linear combinations of the rest (``docs/estimation.md`` §7).
Plain Horvitz–Thompson needs only y/π and y/π² of the same family.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from .predictions import CELLS, INVISIBLE_VISIBILITIES, FailurePredictions, Measure
from .weights import check_probability, failing_archetypes


class PredictionIncrement(msgspec.Struct, frozen=True, kw_only=True):
    """What one closed session adds to a cell's prediction counters (ingest side)."""

    archetype: str
    measure: Measure
    predicted: float  # f
    predicted_sq: float  # f²
    predicted_sq_weight: float  # f²/π


class ClosedIncrements(msgspec.Struct, frozen=True, kw_only=True):
    """What one closed session adds on the ingest side; ``inclusion_weight`` (1/π) is per stratum."""

    inclusion_weight: float
    cells: tuple[PredictionIncrement, ...]


class JudgedIncrement(msgspec.Struct, frozen=True, kw_only=True):
    """What one judged session adds to a cell's counters (judge side); y is 0 or 1."""

    archetype: str
    measure: Measure
    failure_weight: float  # y/π
    failure_weight_sq: float  # y/π²
    prediction_weight: float  # f/π
    hit_weight: float  # y·f/π
    hit_weight_sq: float  # y·f/π²


def closed_increments(predictions: FailurePredictions, *, pi: float) -> ClosedIncrements:
    """Ingest-side increments of one closed session with inclusion probability ``pi``; zero cells are left out."""
    check_probability(pi)
    cells = []
    for archetype, measure in CELLS:
        f = predictions.value(archetype, measure)
        if f > 0:
            cells.append(
                PredictionIncrement(
                    archetype=archetype, measure=measure, predicted=f, predicted_sq=f * f,
                    predicted_sq_weight=f * f / pi,
                )
            )
    return ClosedIncrements(inclusion_weight=1 / pi, cells=tuple(cells))


def outcomes(archetypes: Iterable[str], visibility: str) -> frozenset[tuple[str, Measure]]:
    """The (archetype, measure) cells in which a verdict counts y = 1."""
    names = failing_archetypes(archetypes, visibility)
    measures: tuple[Measure, ...] = (
        ("failure", "invisible_failure") if visibility in INVISIBLE_VISIBILITIES else ("failure",)
    )
    return frozenset((name, measure) for name in names for measure in measures)


def judged_increments(
    archetypes: Iterable[str], visibility: str, predictions: FailurePredictions, *, pi: float
) -> tuple[JudgedIncrement, ...]:
    """Judge-side increments of one judged session; cells with y = 0 and f = 0 are left out.

    ``predictions`` must be the ones the session carried when it closed, and
    ``pi`` its inclusion probability as decided, not adjusted for non-response.
    For an ensemble, call once per session with the combined verdict.
    """
    check_probability(pi)
    failed = outcomes(archetypes, visibility)
    increments = []
    for archetype, measure in CELLS:
        y = 1.0 if (archetype, measure) in failed else 0.0
        f = predictions.value(archetype, measure)
        if y or f:
            increments.append(
                JudgedIncrement(
                    archetype=archetype, measure=measure, failure_weight=y / pi, failure_weight_sq=y / pi**2,
                    prediction_weight=f / pi, hit_weight=y * f / pi, hit_weight_sq=y * f / pi**2,
                )
            )
    return tuple(increments)
