"""The names in `undercurrent.conventions` are the names the workers export, and every name the rule files and
the dashboards query is one of them or a series a rule records.

A metric renamed in one place and not the other would leave an alert or a panel silently empty: Prometheus
answers a query for a series that does not exist with no data, not with an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from undercurrent import conventions
from undercurrent.config import Settings
from undercurrent.workers.ingest import create_ingest_app
from undercurrent.workers.judge import create_judge_app

ROOT = Path(__file__).parents[2]
RULE_FILES = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
DASHBOARDS = sorted((ROOT / "dashboards" / "json").glob("*.json"))
SERIES = re.compile(r"\b(?:[a-z_][a-z0-9_]*:)?undercurrent_[a-z0-9_:]*")
HISTOGRAM_SAMPLES = ("_bucket", "_sum", "_count")


def _exported() -> dict[str, str]:
    """Every metric the ingest and judge workers declare → its type (batch mode declares the batch metrics too)."""
    families: dict[str, str] = {}
    settings = Settings(_env_file=None, judge={"mode": "batch"})  # type: ignore[call-arg]
    for create in (create_ingest_app, create_judge_app):
        registry = CollectorRegistry()
        create(settings, registry=registry)
        families |= {family.name: family.type for family in registry.collect()}
    return {f"{name}_total" if kind == "counter" else name: kind for name, kind in families.items()}


def _declared() -> set[str]:
    return {value for key, value in vars(conventions).items() if key.isupper() and isinstance(value, str)}


def _rules() -> Iterator[dict[str, str]]:
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            yield from group["rules"]


def _dashboard_queries(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expr", "query", "definition") and isinstance(value, str):
                yield value
            else:
                yield from _dashboard_queries(value)
    elif isinstance(node, list):
        for item in node:
            yield from _dashboard_queries(item)


def _queried() -> dict[str, set[str]]:
    """Series name → the files whose expressions read it."""
    found: dict[str, set[str]] = {}
    expressions = [(rule["expr"], "rules") for rule in _rules()]
    expressions += [(q, path.name) for path in DASHBOARDS for q in _dashboard_queries(json.loads(path.read_text()))]
    for expr, source in expressions:
        for name in SERIES.findall(expr):
            found.setdefault(name, set()).add(source)
    return found


@pytest.fixture(scope="module")
def exported() -> dict[str, str]:
    return _exported()


def test_every_exported_metric_is_named_in_the_conventions(exported: dict[str, str]) -> None:
    assert set(exported) - _declared() == set()


def test_every_name_in_the_conventions_is_exported_or_recorded(exported: dict[str, str]) -> None:
    recorded_metrics = {rule["record"].split(":")[-2] for rule in _rules() if "record" in rule}
    assert _declared() - set(exported) - recorded_metrics == set()


def test_every_series_a_rule_or_dashboard_queries_exists(exported: dict[str, str]) -> None:
    recorded = {rule["record"] for rule in _rules() if "record" in rule}
    samples = set(exported)
    histograms = [name for name, kind in exported.items() if kind == "histogram"]
    samples |= {f"{name}{suffix}" for name in histograms for suffix in HISTOGRAM_SAMPLES}
    samples |= {f"{name}_info" for name, kind in exported.items() if kind == "info"}
    missing = {name: sorted(where) for name, where in _queried().items() if name not in samples | recorded}
    assert missing == {}


def test_the_queries_read_counters_histograms_and_recorded_series() -> None:
    """The check above has something to check: each kind of name occurs in the files it reads."""
    queried = _queried()
    assert conventions.SESSIONS_CLOSED in queried
    assert f"{conventions.SESSION_CLOSE_DELAY_SECONDS}_bucket" in queried
    assert conventions.recorded("feature_domain_archetype", conventions.FAILURE_RATE, "ratio_rate1h_lower95") in queried


@pytest.mark.parametrize(
    ("level", "metric", "operations", "expected"),
    [
        ("archetype", "undercurrent_x", "ratio_rate1h", "archetype:undercurrent_x:ratio_rate1h"),
        ("", "undercurrent_x", "ratio_rate1h", "undercurrent_x:ratio_rate1h"),
    ],
)
def test_recorded_names_follow_level_metric_operations(level: str, metric: str, operations: str, expected: str) -> None:
    assert conventions.recorded(level, metric, operations) == expected
