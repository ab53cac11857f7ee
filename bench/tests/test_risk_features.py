"""The centred out-of-fold score of bench/risk_features.py: the fitted weights' ranking, without fold intercepts."""

from __future__ import annotations

import numpy as np
import pytest
from bench.risk_features import centred_out_of_fold, unchanged, without

from undercurrent.calibration.fit import Example, FitOptions, fit_block
from undercurrent.detectors.bootstrap import auroc
from undercurrent.detectors.risk import RiskTerms


def runs(task: int, failed: int, count: int, signal: float | None) -> list[Example]:
    return [
        Example(source="s", group=f"task{task}", feature="agent", domain="unknown",
                inputs={} if signal is None else {"state_change": signal}, failed=i < failed)
        for i in range(count)
    ]


def test_held_out_groups_whose_runs_share_their_outcome_rank_by_the_weights_not_the_fold_intercept():
    """Planted: in every task the runs that wrote something failed and the others did not, but tasks differ in
    how many wrote. Each fold's intercept moves against the held-out tasks' failure rate; the weights do not."""
    rows = [row for task in range(10) for row in (runs(task, 1 + task % 4, 1 + task % 4, 1.0)
                                                   + runs(task, 0, 4 - task % 4, None))]
    failed = [e.failed for e in rows]
    fit = fit_block(rows, RiskTerms(), FitOptions(), with_domains=False)
    centred = centred_out_of_fold(rows, fit)
    assert auroc(centred.tolist(), failed) == pytest.approx(1.0)
    assert set(np.round(centred[[not e.inputs for e in rows]], 9)) == {0.0}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (unchanged, {"a": 1.0, "b": 0.5}),
        (without("a"), {"b": 0.5}),
        (without("c"), {"a": 1.0, "b": 0.5}),
    ],
)
def test_views_of_the_inputs(view, expected):
    example = Example(source="s", group="g", feature="chat", domain="unknown", inputs={"a": 1.0, "b": 0.5},
                      failed=True)
    assert view(example).inputs == expected
