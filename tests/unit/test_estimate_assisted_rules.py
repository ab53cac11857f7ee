from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from undercurrent import conventions as names
from undercurrent.estimate import assisted_rules as rules
from undercurrent.estimate.rules import WINDOWS


def _records() -> dict[str, str]:
    return {r["record"]: r["expr"] for g in rules.rule_groups()["groups"] for r in g["rules"]}


def test_rule_names_are_unique_and_the_file_parses() -> None:
    names = [r["record"] for g in rules.rule_groups()["groups"] for r in g["rules"]]
    assert len(names) == len(set(names))
    assert yaml.safe_load(rules.render())["groups"]


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("level", rules.LEVELS, ids=lambda level: level.cell)
@pytest.mark.parametrize("estimator", [*rules.ESTIMATORS, "chosen"])
@pytest.mark.parametrize("suffix", rules.BOUNDS)
def test_every_level_window_estimator_and_bound_is_recorded(window, level, estimator, suffix) -> None:
    assert rules.output(level, estimator, window, suffix) in _records()


@pytest.mark.parametrize(
    "counter",
    [
        names.JUDGE_SAMPLED_SESSIONS,
        names.JUDGED_SESSIONS,
        names.INCLUSION_WEIGHT,
        names.PREDICTED_FAILURES,
        names.PREDICTED_FAILURES_SQ,
        names.PREDICTED_FAILURES_SQ_WEIGHT,
        names.JUDGED_FAILURE_WEIGHT,
        names.JUDGED_FAILURE_WEIGHT_SQ,
        names.JUDGED_PREDICTION_WEIGHT,
        names.JUDGED_HIT_WEIGHT,
        names.JUDGED_HIT_WEIGHT_SQ,
    ],
)
def test_every_counter_is_read_through_increase_in_every_window(counter) -> None:
    exprs = "\n".join(_records().values())
    for window in WINDOWS:
        assert f"increase({counter}[{window}])" in exprs


def test_judge_sums_are_reweighted_by_the_response_ratio_of_their_stratum() -> None:
    records = _records()
    ratio = rules.response_ratio("1h")
    assert "clamp_max(" in records[ratio] and "* 0 + 1" in records[ratio]
    squared = rules.cell_sum(rules.LEVELS[0], "failure_weight_sq", "1h")
    assert records[squared].endswith(f"on (feature, domain) group_left () ({ratio} ^ 2)")


def test_rates_guard_against_levels_without_sessions() -> None:
    for level in rules.LEVELS:
        assert "> 0)" in _records()[rules.cell_sum(level, "closed", "1h")]


RULES_DIR = Path(__file__).resolve().parents[2] / "deploy/prometheus/rules"


def test_committed_rules_match_the_generator() -> None:
    assert (RULES_DIR / "assisted.yml").read_text() == rules.render(), (
        "regenerate: python -m undercurrent.estimate.assisted_rules > deploy/prometheus/rules/assisted.yml"
        " && make chart-rules"
    )


def test_no_other_shipped_rule_file_records_the_same_series() -> None:
    others = {
        r["record"]
        for path in RULES_DIR.glob("*.yml") if path.name != "assisted.yml"
        for g in yaml.safe_load(path.read_text())["groups"] for r in g["rules"] if "record" in r
    }
    assert others and set(_records()).isdisjoint(others)
