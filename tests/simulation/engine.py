"""Repeated sampling of a population, summed into the counters the workers publish.

Every session's counter increments are those of the production functions
(``closed_increments``, ``judged_increments``) with its own π and predictions:
``increments`` computes them with numpy, ``production_increments`` one session at
a time through the production code, and ``test_engine.py`` checks that the two
agree. Each repetition then draws which sessions are sampled (Bernoulli(π), what the
keyed hash in ``sampling.decide`` gives, see ``tests/unit/test_sampling_inclusion.py``)
and which sampled sessions the judge fails to answer, and sums the increments per
(hour, stratum) as the counters would hold them. Judge-side sums are kept per
judge replica and added, as ``sum by`` adds replicas. Windows are sums of hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from undercurrent.estimate.assisted import closed_increments, judged_increments
from undercurrent.estimate.predictions import CELLS, FailurePredictions

from .populations import Population
from .promql_mirror import Counters

JUDGED_FIELDS = ("failure_weight", "failure_weight_sq", "prediction_weight", "hit_weight", "hit_weight_sq")
CLOSED_FIELDS = ("predicted", "predicted_sq", "predicted_sq_weight")
JUDGE_REPLICAS = 2


def predictions_of(population: Population, i: int) -> FailurePredictions:
    values = population.f[i]
    by_measure: dict[str, dict[str, float]] = {"failure": {}, "invisible_failure": {}}
    for (archetype, measure), value in zip(CELLS, values, strict=True):
        if value > 0:
            by_measure[measure][archetype] = float(value)
    return FailurePredictions(version="simulation", **by_measure)


@dataclass(frozen=True)
class Increments:
    """Per-session increments: judge side (N, C, 5), ingest side (N, C, 3) and 1/π (N,)."""

    judged: np.ndarray
    closed: np.ndarray
    inclusion_weight: np.ndarray


def increments(population: Population, pi: np.ndarray) -> Increments:
    """y/π, y/π², f/π, y·f/π, y·f/π² and f, f², f²/π for every session and cell, with numpy."""
    y, f, w = population.y, population.f, (1 / pi)[:, None]
    judged = np.stack([y * w, y * w * w, f * w, y * f * w, y * f * w * w], axis=-1)
    closed = np.stack([f, f * f, f * f * w], axis=-1)
    return Increments(judged, closed, 1 / pi)


def production_increments(population: Population, pi: np.ndarray) -> Increments:
    index = {cell: i for i, cell in enumerate(CELLS)}
    judged = np.zeros((population.size, len(CELLS), len(JUDGED_FIELDS)))
    closed = np.zeros((population.size, len(CELLS), len(CLOSED_FIELDS)))
    weight = np.zeros(population.size)
    for i in range(population.size):
        predictions = predictions_of(population, i)
        archetypes, visibility = population.verdict(i)
        for inc in judged_increments(archetypes, visibility, predictions, pi=float(pi[i])):
            judged[i, index[(inc.archetype, inc.measure)]] = [getattr(inc, name) for name in JUDGED_FIELDS]
        at_close = closed_increments(predictions, pi=float(pi[i]))
        weight[i] = at_close.inclusion_weight
        for cell in at_close.cells:
            closed[i, index[(cell.archetype, cell.measure)]] = [getattr(cell, name) for name in CLOSED_FIELDS]
    return Increments(judged, closed, weight)


def simulate(
    population: Population,
    pi: np.ndarray,
    *,
    repetitions: int,
    nonresponse: Sequence[float],
    seed: int,
    hours: Sequence[int] = tuple(range(24)),
) -> dict[float, dict[int, Counters]]:
    """Counters per non-response share and hour, with a leading repetition axis: strata (R, S), cells (R, S, C).

    Every non-response share sees the same sampling draws, so their comparison is paired.
    """
    inc = increments(population, pi)
    with threadpool_limits(limits=1):  # many small products: threads only contend on a shared machine
        return _draw(population, pi, inc, repetitions, nonresponse, seed, hours)


def _draw(
    population: Population,
    pi: np.ndarray,
    inc: Increments,
    repetitions: int,
    nonresponse: Sequence[float],
    seed: int,
    hours: Sequence[int],
) -> dict[float, dict[int, Counters]]:
    rng = np.random.default_rng([seed, 1])  # a stream apart from the population's
    n_strata, n_cells = len(population.strata), len(CELLS)
    out: dict[float, dict[int, Counters]] = {share: {} for share in nonresponse}
    for hour in hours:
        # Sessions of the hour ordered by (stratum, judge replica): every block is a contiguous slice.
        rows = np.flatnonzero(population.hour == hour)
        rows = rows[np.lexsort((rows % JUDGE_REPLICAS, population.stratum[rows]))]
        blocks = population.stratum[rows] * JUDGE_REPLICAS + rows % JUDGE_REPLICAS
        bounds = np.searchsorted(blocks, np.arange(n_strata * JUDGE_REPLICAS + 1))
        # One uniform per (session, repetition): sampled when u < π, answered when u < π·(1 − share),
        # so a sampled session goes unanswered with probability ``share``, independently of the rest.
        uniform = rng.random((len(rows), repetitions), dtype=np.float32)
        pi_rows = pi[rows].astype(np.float32)[:, None]
        sampled = uniform < pi_rows
        contributions = inc.judged[rows].reshape(len(rows), -1).T.astype(np.float32)
        closed = np.zeros((n_strata, n_cells, len(CLOSED_FIELDS)))
        fixed = np.zeros((3, n_strata))
        for s in range(n_strata):
            members = rows[bounds[s * JUDGE_REPLICAS]:bounds[(s + 1) * JUDGE_REPLICAS]]
            closed[s] = inc.closed[members].sum(axis=0)
            fixed[:, s] = len(members), inc.inclusion_weight[members].sum(), 0
        for share in nonresponse:
            judged = (uniform < pi_rows * np.float32(1 - share)).astype(np.float32)
            counts = np.zeros((2, n_strata, repetitions))
            judge = np.zeros((n_strata, n_cells * len(JUDGED_FIELDS), repetitions))
            for s in range(n_strata):
                lo, hi = bounds[s * JUDGE_REPLICAS], bounds[(s + 1) * JUDGE_REPLICAS]
                counts[0, s] = sampled[lo:hi].sum(axis=0)
                counts[1, s] = judged[lo:hi].sum(axis=0)
                for replica in range(JUDGE_REPLICAS):
                    a, b = bounds[s * JUDGE_REPLICAS + replica], bounds[s * JUDGE_REPLICAS + replica + 1]
                    judge[s] += contributions[:, a:b] @ judged[a:b]
            counts = np.moveaxis(counts, -1, 1)  # (2, R, S)
            judge = np.moveaxis(judge, -1, 0).reshape(repetitions, n_strata, n_cells, len(JUDGED_FIELDS))
            cells = {name: judge[..., k] for k, name in enumerate(JUDGED_FIELDS)}
            cells |= {name: np.broadcast_to(closed[..., k], judge.shape[:-1]) for k, name in enumerate(CLOSED_FIELDS)}
            out[share][hour] = Counters(
                closed=np.broadcast_to(fixed[0], counts[0].shape), sampled=counts[0], judged=counts[1],
                inclusion_weight=np.broadcast_to(fixed[1], counts[0].shape), **cells,
            )
    return out


def window(hourly: dict[int, Counters], hours: Sequence[int]) -> Counters:
    total = hourly[hours[0]]
    for hour in hours[1:]:
        total = total + hourly[hour]
    return total


def truth(population: Population, hours: Sequence[int], level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """True failure share (G, C) and closed sessions (G,) of a window at a level."""
    in_window = np.isin(population.hour, hours)
    membership = np.eye(len(population.strata))[population.stratum[in_window]] @ level  # (n, G)
    closed = membership.sum(axis=0)
    failures = membership.T @ population.y[in_window]
    with np.errstate(invalid="ignore", divide="ignore"):
        return failures / closed[:, None], closed
