"""Every stratum counter the rule files read exists at zero before a worker counts anything.

``increase()`` and ``rate()`` take a series' first sample as their starting point, so an
increment that creates a series is not counted: a stratum's first sampled session would be
missing from the response ratio judged ÷ sampled, and every judged residual of that stratum
would be weighted as if none were missing. The workers are built as they start (no broker or
Redis is reached before they run) and their registries read back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from undercurrent.config import Settings
from undercurrent.metrics.labels import LabelBounds
from undercurrent.workers.ingest import create_ingest_app
from undercurrent.workers.judge import create_judge_app

RULES = Path(__file__).parents[2] / "deploy" / "prometheus" / "rules"
STRATUM = ("feature", "domain")


def _counters_read_by_rules() -> set[str]:
    text = "\n".join(p.read_text() for p in sorted(RULES.glob("*.yml")))
    return set(re.findall(r"\b(?:increase|rate)\((undercurrent_[a-z0-9_]+_total)\[", text))


def _series_at_start(settings: Settings) -> dict[str, set[tuple[str, str]]]:
    """Counter labelled by stratum -> the (feature, domain) pairs it has a zero series for, in either worker."""
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for create in (create_ingest_app, create_judge_app):
        registry = CollectorRegistry()
        create(settings, registry=registry)
        # A labelled metric with no series yet collects as an empty family: its label names are
        # read from the metric object itself.
        for name, metric in registry._names_to_collectors.items():
            if name.endswith("_total") and set(STRATUM) <= set(getattr(metric, "_labelnames", ())):
                pairs[name] |= set()
        for family in registry.collect():
            for sample in family.samples:
                if sample.name in pairs:
                    assert sample.value == 0, sample
                    pairs[sample.name].add((sample.labels["feature"], sample.labels["domain"]))
    return pairs


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(_env_file=None, labels={"features": ["search", "support"], "domains": ["legal", "unknown"]})  # type: ignore[call-arg]


def test_the_rules_read_stratum_counters() -> None:
    read = _counters_read_by_rules()
    assert {"undercurrent_judge_sampled_sessions_total", "undercurrent_judged_sessions_total",
            "undercurrent_sessions_closed_total", "undercurrent_predicted_failures_total"} <= read


def test_every_stratum_counter_the_rules_read_has_every_stratum_at_zero(settings: Settings) -> None:
    expected = set(LabelBounds(settings.labels.features, settings.labels.domains).pairs())
    at_start = _series_at_start(settings)
    stratum_counters = _counters_read_by_rules() & set(at_start)
    assert "undercurrent_judge_sampled_sessions_total" in stratum_counters
    missing = {name: len(expected - at_start[name]) for name in stratum_counters if expected - at_start[name]}
    assert not missing, f"(feature, domain) pairs without a series at start: {missing}"
