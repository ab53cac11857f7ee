from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from undercurrent.cli.main import app
from undercurrent.metrics.slo_rules import (
    generate,
    parse_spec,
    reachable_tiers,
    rule_groups,
    sli_expr,
    windows,
)

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "deploy/slo/features.yaml"
GENERATED = ROOT / "deploy/prometheus/rules/slo_features.yml"


def _spec(max_rate: float = 0.1, **objective: object) -> dict:
    return {
        "period": "28d",
        "features": [
            {"feature": "search", "objectives": [{"name": "drift", "max_rate": max_rate, **objective}]}
        ],
    }


def _rules(document: dict) -> list[dict]:
    return [rule for group in rule_groups(parse_spec(document)) for rule in group["rules"]]


@pytest.mark.parametrize(
    ("max_rate", "tiers"),
    [
        (0.001, [("1h", "5m"), ("6h", "30m"), ("1d", "2h"), ("3d", "6h")]),
        (0.10, [("6h", "30m"), ("1d", "2h"), ("3d", "6h")]),
        (0.15, [("6h", "30m"), ("1d", "2h"), ("3d", "6h")]),
        (0.20, [("1d", "2h"), ("3d", "6h")]),
        (0.50, [("3d", "6h")]),
    ],
)
def test_burn_tiers_whose_threshold_reaches_100_percent_are_dropped(max_rate, tiers) -> None:
    assert [(t.long, t.short) for t in reachable_tiers(max_rate)] == tiers


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("28d", ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d")),
        ("30d", ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")),
        ("3d", ("5m", "30m", "1h", "2h", "6h", "1d", "3d")),
    ],
)
def test_sli_windows_include_the_period_once(period, expected) -> None:
    assert windows(period) == expected


@pytest.mark.parametrize(
    ("objective", "selector"),
    [
        ({"archetype": "walkaway"}, '{feature="search", archetype="walkaway"}'),
        ({"visibility": ["invisible"]}, '{feature="search", archetype="any", visibility="invisible"}'),
        (
            {"visibility": ["invisible", "mixed"]},
            '{feature="search", archetype="any", visibility=~"invisible|mixed"}',
        ),
    ],
)
def test_sli_counts_only_the_objective_failures(objective, selector) -> None:
    spec = parse_spec(_spec(**objective))
    expr = sli_expr("search", spec.features[0].objectives[0], "1h")
    assert f"undercurrent_failure_weight_total{selector}[1h]" in expr
    assert 'undercurrent_sessions_closed_total{feature="search"}[1h]' in expr


@pytest.mark.parametrize(
    "document",
    [
        _spec(max_rate=0),
        _spec(max_rate=1),
        _spec(archetype="visible_failure"),
        _spec(visibility=["none"]),
        {**_spec(), "period": "4w"},
        {**_spec(), "features": []},
        _spec(threshold=0.2),
    ],
    ids=[
        "zero-rate",
        "full-rate",
        "unknown-archetype",
        "none-visibility",
        "weeks",
        "no-features",
        "extra-key",
    ],
)
def test_invalid_specs_are_rejected(document) -> None:
    with pytest.raises(ValidationError):
        parse_spec(document)


def test_each_alert_compares_both_windows_against_factor_times_budget() -> None:
    alerts = [r for r in _rules(_spec(max_rate=0.2)) if "alert" in r]
    assert [(a["labels"]["long"], a["labels"]["severity"], a["for"]) for a in alerts] == [
        ("1d", "warning", "1h"),
        ("3d", "warning", "3h"),
    ]
    assert alerts[0]["expr"].count("> (3 * 0.2)") == 2


def test_budget_remaining_derives_from_the_period_burn_rate() -> None:
    by_name = {r["record"]: r for r in _rules(_spec(max_rate=0.25)) if "record" in r}
    assert by_name["slo:error_budget:ratio"]["expr"] == "vector(0.25)"
    assert by_name["slo:objective:ratio"]["expr"] == "vector(0.75)"
    assert "slo:sli_error:ratio_rate28d" in by_name["slo:period_burn_rate:ratio"]["expr"]
    assert by_name["slo:period_error_budget_remaining:ratio"]["expr"].startswith("1 - slo:period_burn_rate")


def test_output_is_headed_do_not_edit_and_is_valid_yaml() -> None:
    text = generate(yaml.safe_dump(_spec()))
    assert text.splitlines()[0].startswith("# Generated") and "do not edit" in text.splitlines()[0]
    assert yaml.safe_load(text)["groups"][0]["name"] == "undercurrent-slo-search-drift"


def test_committed_rules_match_the_spec() -> None:
    assert GENERATED.read_text() == generate(SPEC.read_text()), "run `undercurrent slo generate`"


def test_check_flag_fails_on_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "slo.yml"
    out.write_text("groups: []\n")
    args = ["slo", "generate", "--spec", str(SPEC), "--out", str(out)]
    assert CliRunner().invoke(app, [*args, "--check"]).exit_code == 1
    assert CliRunner().invoke(app, args).exit_code == 0
    assert CliRunner().invoke(app, [*args, "--check"]).exit_code == 0
