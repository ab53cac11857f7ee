from __future__ import annotations

from pathlib import Path

import pytest

from undercurrent.metrics.incoherence_rules import LEVELS, WINDOWS, render, rule_groups, rule_name

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "deploy/prometheus/rules/incoherence.yml"


def test_committed_rules_match_the_generator() -> None:
    assert COMMITTED.read_text() == render(), (
        "regenerate: python -m undercurrent.metrics.incoherence_rules > deploy/prometheus/rules/incoherence.yml"
        " and run `make chart-rules`"
    )


def test_the_chart_carries_the_same_rules() -> None:
    assert (ROOT / "helm/undercurrent/files/prometheus-rules/incoherence.yml").read_text() == render()


def _records() -> dict[str, str]:
    return {r["record"]: r["expr"] for g in rule_groups()["groups"] for r in g["rules"]}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("level", list(LEVELS))
def test_incoherence_filters_an_empty_error_so_nothing_erred_is_no_value(window: str, level: str) -> None:
    expr = _records()[rule_name(level, "incoherence:ratio_rate", window)]
    assert expr.endswith(f"(increase(undercurrent_judge_brier_error_total[{window}])) > 0)")
    assert rule_name(level, "brier_variance:mean", window) in _records()
