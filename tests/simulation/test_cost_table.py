"""The cost table in docs/estimation.md: its figures are what sampling at those numbers achieves.

``python -m tests.simulation.cost_table`` prints the table; these tests hold the
claims the documentation draws from it.
"""

from __future__ import annotations

import pytest
from bench.judge_cost import usd_per_day

from .cost_table import CHECK_REPETITIONS, HALF_WIDTH, ROWS, check, needed

BY_LABEL = {row.label: row for row in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.label)
def test_sampling_at_the_computed_numbers_achieves_the_design_variance(row) -> None:
    """With 1,000 repetitions a variance estimate carries about ±4.5% of Monte Carlo error; ±15% is 3.3 of it."""
    result = check(row)
    assert result.judged == pytest.approx(needed(row).max(), rel=1e-6)
    assert 0.85 <= result.achieved_variance / result.design_variance <= 1.15, (CHECK_REPETITIONS, result)
    # The published score interval is a little wider than 1.96 standard errors, never narrower.
    assert HALF_WIDTH * 0.995 <= result.mean_half_width <= HALF_WIDTH * 1.1, result


def test_better_predictions_need_fewer_judged_sessions() -> None:
    order = [
        "plain HT, π uniform",
        "model-assisted, today's flag scores, π uniform",
        "model-assisted, today's flags recalibrated, π uniform",
        "model-assisted, calibrated AUROC 0.75, π uniform",
        "model-assisted, calibrated AUROC 0.80, π uniform",
        "model-assisted, calibrated AUROC 0.90, π uniform",
    ]
    judged = [needed(BY_LABEL[label]).max() for label in order]
    assert judged == sorted(judged, reverse=True), judged


@pytest.mark.parametrize("auroc", ["0.75", "0.80", "0.90"])
def test_allocation_by_residual_spread_never_costs_more_than_uniform(auroc: str) -> None:
    uniform = needed(BY_LABEL[f"model-assisted, calibrated AUROC {auroc}, π uniform"]).max()
    spread = needed(BY_LABEL[f"model-assisted, calibrated AUROC {auroc}, π from residual spread"]).max()
    assert spread <= uniform


def test_five_dollars_a_day_needs_batch_judging_on_the_small_model_and_calibrated_predictions() -> None:
    def daily(label: str, model: str, *, cache_hit: bool) -> float:
        return usd_per_day(needed(BY_LABEL[label]).max(), model, cache_hit=cache_hit, batch=True)

    haiku, calibrated = "claude-haiku-4-5", "model-assisted, calibrated AUROC 0.75, π uniform"
    assert daily(calibrated, haiku, cache_hit=True) <= 5
    # with every prompt-cache write paid, AUROC 0.75 is not enough; 0.90 is
    assert daily(calibrated, haiku, cache_hit=False) > 5
    assert daily("model-assisted, calibrated AUROC 0.90, π uniform", haiku, cache_hit=False) <= 5
    assert daily("plain HT, π uniform", haiku, cache_hit=True) > 5
    assert daily("model-assisted, today's flag scores, π uniform", haiku, cache_hit=True) > 5
    best = "model-assisted, calibrated AUROC 0.90, π from residual spread"
    assert daily(best, "claude-sonnet-4-6", cache_hit=True) > 5
