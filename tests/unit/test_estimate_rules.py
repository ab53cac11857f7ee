from __future__ import annotations

from pathlib import Path

import pytest

from undercurrent.estimate.rules import LEVELS, MEASURES, WINDOWS, render, rule_groups, rule_name

COMMITTED = Path(__file__).resolve().parents[2] / "deploy/prometheus/rules/estimates.yml"


def test_committed_rules_match_the_generator() -> None:
    assert COMMITTED.read_text() == render(), (
        "regenerate: python -m undercurrent.estimate.rules > deploy/prometheus/rules/estimates.yml"
    )


def _records() -> dict[str, str]:
    return {r["record"]: r["expr"] for g in rule_groups()["groups"] for r in g["rules"]}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("level", LEVELS, ids=lambda level: level.name)
@pytest.mark.parametrize("measure", MEASURES, ids=lambda measure: measure.metric)
@pytest.mark.parametrize("suffix", ["", "_stderr", "_lower95", "_upper95"])
def test_every_level_window_and_bound_is_recorded(window: str, level, measure, suffix: str) -> None:
    assert rule_name(level, measure, window, suffix) in _records()


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        (
            "feature_domain_archetype:undercurrent_failure_rate:ratio_rate1h",
            "sum by (feature, domain, archetype)",
        ),
        ("feature_archetype:undercurrent_failure_rate:ratio_rate6h", "sum by (feature) (increase("),
        ("archetype:undercurrent_failure_rate:ratio_rate1d", "/ on () group_left ()"),
        ("archetype:undercurrent_invisible_failure_rate:ratio_rate5m", 'visibility=~"invisible|mixed"'),
        (
            "feature_archetype:undercurrent_failure_rate:ratio_rate1h_stderr",
            "sqrt(sum by (feature, archetype)",
        ),
    ],
)
def test_rule_expressions(record: str, fragment: str) -> None:
    assert fragment in _records()[record]


def test_rates_guard_against_windows_without_sessions() -> None:
    rates = [expr for name, expr in _records().items() if "increase(" in expr and ":ratio_rate" in name]
    assert rates and all(expr.endswith("> 0)") for expr in rates)
