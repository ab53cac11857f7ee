from __future__ import annotations

from pathlib import Path

import pytest

from undercurrent.estimate.agreement_rules import LEVELS, MEASURES, WINDOWS, render, rule_groups, rule_name

COMMITTED = Path(__file__).resolve().parents[2] / "deploy/prometheus/rules/agreement.yml"


def test_committed_rules_match_the_generator() -> None:
    assert COMMITTED.read_text() == render(), (
        "regenerate: python -m undercurrent.estimate.agreement_rules > deploy/prometheus/rules/agreement.yml"
    )


def _records() -> dict[str, str]:
    return {r["record"]: r["expr"] for g in rule_groups()["groups"] for r in g["rules"]}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.metric)
@pytest.mark.parametrize("suffix", ["", "_stderr", "_lower95", "_upper95", "support"])
def test_every_level_window_bound_and_support_is_recorded(window: str, level: str, measure, suffix: str) -> None:
    assert rule_name(level, measure, window, suffix) in _records()


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        ("kind_flag:undercurrent_flag_precision:ratio_rate1d", 'outcome=~"tp|fp"'),
        ("kind_flag_feature:undercurrent_flag_recall:ratio_rate7d", "sum by (kind, flag, feature)"),
        ("kind_flag:undercurrent_flag_recall:ratio_rate1d", 'outcome=~"tp|fn"'),
        ("kind_flag:undercurrent_flag_recall:support1d", "undercurrent_flag_agreement_sessions_total"),
    ],
)
def test_rule_reads_the_right_outcomes_and_level(record: str, fragment: str) -> None:
    assert fragment in _records()[record]


def test_groups_are_evaluated_within_the_lookback_so_alerts_always_see_a_value() -> None:
    assert {g["interval"] for g in rule_groups()["groups"]} == {"5m"}
