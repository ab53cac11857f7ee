"""Confusion outcomes of detector flags against the verdict, their HT weights, and the interval they feed."""

from __future__ import annotations

import numpy as np
import pytest
from prometheus_client import CollectorRegistry

from undercurrent.estimate.agreement import FLAGS, OUTCOMES, agreement_increments
from undercurrent.metrics.definitions import JudgeMetrics
from undercurrent.metrics.labels import LabelBounds
from undercurrent.workers.judge import preinitialise


def _outcomes(**session) -> dict[str, str]:
    return {inc.flag: inc.outcome for inc in agreement_increments(pi=1.0, **session)}


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        # A flagged archetype the verdict names too; a signal in a session the judge calls failed.
        (
            {
                "heuristic_archetypes": {"drift"},
                "signals": {"user_corrects_ai"},
                "judged_archetypes": {"drift", "any"},
                "judged_failure": True,
            },
            {"drift": "tp", "walkaway": "tn", "user_corrects_ai": "tp", "thumbs_down": "fn"},
        ),
        # The detector flags drift, the judge says the session is fine.
        (
            {
                "heuristic_archetypes": {"drift"},
                "signals": {"user_corrects_ai"},
                "judged_archetypes": (),
                "judged_failure": False,
            },
            {"drift": "fp", "user_corrects_ai": "fp", "thumbs_down": "tn"},
        ),
        # The judge finds a failure of another archetype: a drift flag is wrong about the archetype
        # although the session failed, and the signal is right that it failed.
        (
            {
                "heuristic_archetypes": {"drift"},
                "signals": {"thumbs_down"},
                "judged_archetypes": {"walkaway", "any"},
                "judged_failure": True,
            },
            {"drift": "fp", "walkaway": "fn", "thumbs_down": "tp", "user_corrects_ai": "fn"},
        ),
        # Signals outside the watched set change nothing.
        (
            {
                "heuristic_archetypes": (),
                "signals": {"copy", "state_change"},
                "judged_archetypes": (),
                "judged_failure": False,
            },
            {"drift": "tn", "user_corrects_ai": "tn"},
        ),
    ],
)
def test_outcome_per_flag(session: dict, expected: dict[str, str]) -> None:
    got = _outcomes(**session)
    assert {flag: got[flag] for flag in expected} == expected
    assert len(got) == len(FLAGS)


def test_weights_are_horvitz_thompson() -> None:
    increments = agreement_increments(
        heuristic_archetypes=(), signals=(), judged_archetypes=(), judged_failure=False, pi=0.25
    )
    assert {(inc.weight, inc.variance) for inc in increments} == {(4.0, 12.0)}


@pytest.mark.parametrize("pi", [0.0, -0.1, 1.5, float("nan")])
def test_impossible_probability_is_refused(pi: float) -> None:
    with pytest.raises(ValueError, match="pi must be"):
        agreement_increments(heuristic_archetypes=(), signals=(), judged_archetypes=(), judged_failure=False, pi=pi)


def test_every_agreement_series_exists_at_zero_from_start_up() -> None:
    registry = CollectorRegistry()
    preinitialise(JudgeMetrics(registry), LabelBounds(["chat"]))
    # One collection of the registry (tens of thousands of series), read as a table.
    values = {(s.name, tuple(sorted(s.labels.items()))): s.value for m in registry.collect() for s in m.samples}
    for kind, flag in FLAGS:
        for feature in ("chat", "other"):
            for outcome in OUTCOMES:
                labels = tuple(sorted({"kind": kind, "flag": flag, "feature": feature, "outcome": outcome}.items()))
                for name in ("undercurrent_flag_agreement_weight_total", "undercurrent_flag_agreement_sessions_total"):
                    assert values.get((name, labels)) == 0.0


def _linearised_stderr(tp: np.ndarray, miss: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The recording rules' precision and its standard error, from the same sums (rows = replicates)."""
    w_tp, w_miss = (tp / pi).sum(1), (miss / pi).sum(1)
    v_tp, v_miss = (tp * (1 - pi) / pi**2).sum(1), (miss * (1 - pi) / pi**2).sum(1)
    ratio = w_tp / (w_tp + w_miss)
    return ratio, np.sqrt((1 - ratio) ** 2 * v_tp + ratio**2 * v_miss) / (w_tp + w_miss)


def test_precision_interval_covers_the_population_precision() -> None:
    """Poisson sampling with unequal π from a fixed population of flagged sessions: the 95% interval
    the rules build covers the population's precision in about 95% of samples."""
    rng = np.random.default_rng(7)
    sessions = 3000
    confirmed = rng.random(sessions) < 0.4  # the judge would agree on 40% of flagged sessions
    pi = np.where(rng.random(sessions) < 0.5, 0.1, 0.4)
    truth = confirmed.mean()
    sampled = rng.random((4000, sessions)) < pi
    ratio, stderr = _linearised_stderr(sampled * confirmed, sampled * ~confirmed, pi)
    coverage = np.mean(np.abs(ratio - truth) <= 1.96 * stderr)
    assert 0.93 <= coverage <= 0.97
