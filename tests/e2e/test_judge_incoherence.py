"""A judge ensemble that splits shows as incoherence in the real Prometheus; unanimous ensembles do not.

In the spike run one vote of one Drift session names walkaway (conftest.SPLIT_VOTE); its
ensemble's majority does not, so walkaway's votes are (0, 0, 1) against a reference of 0:
bias² = 1/9, variance = 2/9, at π = 1. Every other ensemble of both runs is unanimous.
"""

from __future__ import annotations

import pytest

from .conftest import ENSEMBLE_K, SPLIT_MARKER, Run
from .monitoring import query, value, wait_until

pytestmark = pytest.mark.timeout(480)  # includes starting both runs

WALKAWAY = '{archetype="walkaway"}'


def test_a_split_ensemble_is_counted_and_recorded_as_incoherence(runs: dict[str, Run]) -> None:
    spike = runs["spike"].prometheus.url
    # The dissenting vote goes to the first request that carries the marker: there must be one.
    with_marker = runs["spike"].judge.received_with(SPLIT_MARKER)
    assert len(with_marker) >= ENSEMBLE_K, (len(with_marker), len(runs["spike"].judge.received))
    incoherence = wait_until(
        lambda: value(spike, f"archetype:undercurrent_judge_incoherence:ratio_rate1h{WALKAWAY}"),
        timeout_s=60, what="the walkaway incoherence of the spike run recorded",
    )
    assert incoherence == pytest.approx(2 / 3)
    assert value(spike, f"sum(undercurrent_judge_brier_variance_total{WALKAWAY})") == pytest.approx(2 / 9)
    assert value(spike, f"sum(undercurrent_judge_brier_error_total{WALKAWAY})") == pytest.approx(1 / 3)
    assert value(spike, "sum(undercurrent_judge_brier_error_total)") == pytest.approx(1 / 3)


def test_unanimous_ensembles_give_no_incoherence_value_rather_than_zero(runs: dict[str, Run]) -> None:
    calm = runs["calm"].prometheus.url
    wait_until(lambda: value(calm, "undercurrent_judge_brier_variance:mean1h") is not None,
               timeout_s=60, what="the calm run's mean Brier variance recorded")
    assert value(calm, "undercurrent_judge_brier_variance:mean1h") == 0
    assert query(calm, "undercurrent_judge_incoherence:ratio_rate1h") == []
