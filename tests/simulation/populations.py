"""Synthetic closed sessions with known verdicts and detector predictions of stated quality.

A population is one day of closed sessions: stratum (feature, domain), the hour
it closed, the stand-in judge's true outcome y and the detectors' prediction f
for every (archetype, measure) cell. Two detector models:

* ``current``: what the detectors are today. Each archetype flag fires on a
  share of sessions about equal to the archetype's rate (at most 30%) and
  separates failures from non-failures with AUROC 0.57 (the session risk score's
  figure on 70 labelled real conversations; per-archetype flag quality has not
  been measured). f is the flag's fixed heuristic score (``detectors/archetypes.py``)
  or 0; f for ``any`` is the risk score: 0.269 where no signal fired (two thirds
  of real sessions), 0.4–0.9 where one did. Not calibrated.
* ``calibrated``: a calibrated probability with a given AUROC: a latent score
  s ~ Normal(μ·y, 1) with Φ(μ/√2) = AUROC, f = P(y = 1 | s).

The truth is the population's own failure share, as the closed-session counter
divides it; the only randomness in a simulation is the sampling and the judge's
failures to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from undercurrent.estimate.assisted import outcomes
from undercurrent.estimate.predictions import CELLS
from undercurrent.estimate.weights import ANY
from undercurrent.vocabulary import ARCHETYPES

# detectors/archetypes.py: the score each heuristic flag carries (confidence_trap 0.4 without a success signal).
FLAG_SCORES = {
    "confidence_trap": 0.4, "silent_mismatch": 0.4, "drift": 0.5, "death_spiral": 0.7,
    "contradiction_unravel": 0.4, "walkaway": 0.6, "partial_recovery": 0.4, "mystery_failure": 0.3,
}
CURRENT_AUROC = 0.57
NO_SIGNAL_RISK = 0.269  # sigmoid(-1): the risk model's value when no signal fires
NO_SIGNAL_SHARE = 46 / 70  # sessions without any signal among 70 labelled real conversations
VISIBILITIES = ("invisible", "mixed", "visible")
VISIBILITY_SHARES = (0.75, 0.10, 0.15)
VISIBLE_HINT_SHARE = 0.15  # sessions whose detector visibility hint is "visible" (f for invisible failures is 0)


@dataclass(frozen=True)
class Population:
    strata: list[tuple[str, str]]
    stratum: np.ndarray  # (N,) index into strata
    hour: np.ndarray  # (N,) 0..23
    named: np.ndarray  # (N, 8) archetypes the stand-in judge names, in ARCHETYPES order
    visibility: np.ndarray  # (N,) index into VISIBILITIES, -1 where the session did not fail
    y: np.ndarray  # (N, C) true outcome per cell in CELLS order
    f: np.ndarray  # (N, C) prediction per cell
    risk: np.ndarray  # (N,) the detectors' risk score, for risk-driven sampling

    @property
    def size(self) -> int:
        return len(self.stratum)

    def verdict(self, i: int) -> tuple[list[str], str]:
        """Session i's verdict as the judge reports it: (archetypes, visibility)."""
        if self.visibility[i] < 0:
            return ["none"], "none"
        return [a for a, on in zip(ARCHETYPES, self.named[i], strict=True) if on], VISIBILITIES[self.visibility[i]]


def verdicts(failure_rate: np.ndarray, rates: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Archetype indicators (N, 8) and a visibility per session (-1 where the session did not fail).

    A session fails with ``failure_rate`` (N,); a failing session names archetype a
    with probability rates[:, a] / failure_rate, so rates (N, 8) are the archetypes'
    shares of all sessions. A failure with none named counts as ``mystery_failure``,
    as the estimator counts it, so the realised mystery share is higher than its rate.
    """
    failed = rng.random(len(failure_rate)) < failure_rate
    named = failed[:, None] & (rng.random(rates.shape) < rates / failure_rate[:, None])
    visibility = np.where(failed, rng.choice(len(VISIBILITIES), size=len(failed), p=VISIBILITY_SHARES), -1)
    return named, visibility


def outcome_matrix(named: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """y per (archetype, measure) cell, through the estimator's own ``outcomes`` (one call per distinct verdict)."""
    index = {cell: i for i, cell in enumerate(CELLS)}
    keys = np.concatenate([named, visibility[:, None]], axis=1)
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    rows = np.zeros((len(distinct), len(CELLS)))
    for row, key in enumerate(distinct):
        names = [a for a, on in zip(ARCHETYPES, key[:-1], strict=True) if on]
        vis = "none" if key[-1] < 0 else VISIBILITIES[key[-1]]
        for cell in outcomes(names or ["none"], vis):
            rows[row, index[cell]] = 1.0
    return rows[inverse.ravel()]


def current_predictions(y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """f and risk of today's detectors (module docstring): binary flags at AUROC 0.57, uncalibrated scores."""
    n = len(y)
    f = np.zeros_like(y)
    gap = 2 * CURRENT_AUROC - 1  # tpr − fpr of a binary flag
    for a in ARCHETYPES:
        truth = y[:, CELLS.index((a, "failure"))]
        share = min(0.3, max(truth.mean(), 1e-4))
        fpr = max(0.0, share - truth.mean() * gap)
        fired = rng.random(n) < np.where(truth > 0, fpr + gap, fpr)
        f[:, CELLS.index((a, "failure"))] = np.where(fired, FLAG_SCORES[a], 0.0)
    failed = y[:, CELLS.index((ANY, "failure"))]
    signal_share = 1 - NO_SIGNAL_SHARE
    quiet_fpr = signal_share - failed.mean() * gap
    signalled = rng.random(n) < np.where(failed > 0, quiet_fpr + gap, quiet_fpr)
    risk = np.where(signalled, rng.uniform(0.4, 0.9, n), NO_SIGNAL_RISK)
    f[:, CELLS.index((ANY, "failure"))] = risk
    visible_hint = rng.random(n) < VISIBLE_HINT_SHARE
    for a in (*ARCHETYPES, ANY):
        f[:, CELLS.index((a, "invisible_failure"))] = np.where(visible_hint, 0.0, f[:, CELLS.index((a, "failure"))])
    return f, risk


def calibrated_predictions(y: np.ndarray, auroc: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated f with the given AUROC in every cell; risk is f for ``any``."""
    mu = 2**0.5 * NormalDist().inv_cdf(auroc)
    prevalence = np.clip(y.mean(axis=0), 1e-6, 1 - 1e-6)
    score = rng.normal(mu * y, 1.0)
    logit = np.log(prevalence / (1 - prevalence)) + mu * score - mu * mu / 2
    f = 1 / (1 + np.exp(-logit))
    return f, f[:, CELLS.index((ANY, "failure"))]


def make_population(
    strata: list[tuple[str, str]],
    shares: list[float],
    rates: dict[str, list[float]],
    size: int,
    detectors: str,
    seed: int,
    auroc: float = 0.78,
) -> Population:
    """``rates[a][s]``: share of sessions in stratum s failing with archetype a (``any``: failing at all).

    Sessions close uniformly over 24 h.
    """
    rng = np.random.default_rng(seed)
    stratum = rng.choice(len(strata), size=size, p=shares)
    per_session = np.array([rates[a] for a in ARCHETYPES]).T[stratum]
    named, visibility = verdicts(np.array(rates[ANY])[stratum], per_session, rng)
    y = outcome_matrix(named, visibility)
    if detectors == "current":
        f, risk = current_predictions(y, rng)
    elif detectors == "calibrated":
        f, risk = calibrated_predictions(y, auroc, rng)
    else:
        raise ValueError(f"unknown detector model {detectors!r}")
    hour = np.sort(rng.integers(0, 24, size=size))
    return Population(strata, stratum, hour, named, visibility, y, f, risk)
