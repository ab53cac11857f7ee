"""The mechanical transformation that makes test copies of the shipped configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .configs import FOR_IN_TESTS, alertmanager_config, prometheus_config, shorten_rule_file

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULE_FILES = sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))


def _without_timing(rules: dict) -> dict:
    return {
        "groups": [
            {**{k: v for k, v in g.items() if k != "interval"},
             "rules": [{k: v for k, v in r.items() if k != "for"} for r in g["rules"]]}
            for g in rules["groups"]
        ]
    }


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ({"name": "g", "interval": "5m", "rules": [{"alert": "A", "expr": "x > 1", "for": "15m"}]},
         {"name": "g", "rules": [{"alert": "A", "expr": "x > 1", "for": FOR_IN_TESTS}]}),
        ({"name": "g", "rules": [{"record": "r:x:rate1d", "expr": "rate(x[1d])"}]},
         {"name": "g", "rules": [{"record": "r:x:rate1d", "expr": "rate(x[1d])"}]}),
        ({"name": "g", "rules": [{"alert": "A", "expr": "absent(x)"}]},
         {"name": "g", "rules": [{"alert": "A", "expr": "absent(x)"}]}),
    ],
)
def test_only_intervals_and_for_durations_change(group: dict, expected: dict) -> None:
    assert shorten_rule_file({"groups": [group]}) == {"groups": [expected]}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_shipped_rule_files_keep_every_expression_label_and_annotation(path: Path) -> None:
    shipped = yaml.safe_load(path.read_text())
    shortened = shorten_rule_file(shipped)
    assert _without_timing(shortened) == _without_timing(shipped)
    assert all(r.get("for", FOR_IN_TESTS) == FOR_IN_TESTS for g in shortened["groups"] for r in g["rules"])


def test_prometheus_copy_keeps_the_link_labels_and_adds_the_run() -> None:
    shipped = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    config = prometheus_config(shipped, rule_files=["r.yml"], alertmanager="127.0.0.1:1", targets=["127.0.0.1:2"],
                               run="spike")
    assert config["global"]["external_labels"] == {**shipped["global"]["external_labels"], "e2e_run": "spike"}
    assert config["global"]["evaluation_interval"] == "1s"
    assert config["scrape_configs"][0]["job_name"] == shipped["scrape_configs"][0]["job_name"]
    assert config["scrape_configs"][0]["static_configs"] == [{"targets": ["127.0.0.1:2"]}]


def test_alertmanager_copy_sends_every_receiver_to_the_test_webhook() -> None:
    shipped = yaml.safe_load((DEPLOY / "alertmanager" / "alertmanager.yml").read_text())
    config = alertmanager_config(shipped, webhook_url="http://127.0.0.1:1/alerts")
    urls = {w["url"] for r in config["receivers"] for w in r["webhook_configs"]}
    assert urls == {"http://127.0.0.1:1/alerts"}
    assert config["route"]["group_by"] == shipped["route"]["group_by"]
    assert (config["route"]["group_wait"], config["route"]["group_interval"]) == ("1s", "1s")
