"""Dashboards: committed JSON is fresh, structure is importable, every query parses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from dashboards.build import (
    DASHBOARDS,
    OUT_DIR,
    all_panel_queries,
    render,
    stale,
    substitute_variables,
    uid_for,
)

NAMES = sorted(DASHBOARDS)


def _panels(name: str) -> list[dict]:
    return [p for p in render(name)["panels"] if p["type"] != "row"]


def test_committed_json_matches_the_generators() -> None:
    assert stale() == [], "run `python -m dashboards.build`"


@pytest.mark.parametrize("name", NAMES)
def test_uid_is_derived_from_the_file_name(name: str) -> None:
    board = json.loads((OUT_DIR / f"{name}.json").read_text())
    assert board["uid"] == uid_for(name) and len(board["uid"]) <= 40


@pytest.mark.parametrize("name", NAMES)
def test_dashboard_is_templated_by_feature_and_domain(name: str) -> None:
    variables = {v["name"]: v for v in render(name)["templating"]["list"]}
    for label in ("feature", "domain"):
        assert variables[label]["query"] == f"label_values(undercurrent_sessions_closed_total, {label})"
        assert variables[label]["multi"] and variables[label]["includeAll"]
    assert variables["datasource"]["query"] == "prometheus"


@pytest.mark.parametrize("name", NAMES)
def test_every_panel_has_a_query_on_the_templated_datasource(name: str) -> None:
    for panel in _panels(name):
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"] and all(t["expr"] for t in panel["targets"]), panel["title"]


@pytest.mark.parametrize("name", NAMES)
def test_panel_ids_are_unique_and_panels_fit_the_grid(name: str) -> None:
    panels = render(name)["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    assert all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in panels)


@pytest.mark.parametrize("name", NAMES)
def test_data_links_open_the_evidence_view(name: str) -> None:
    links = [
        link["url"]
        for p in _panels(name)
        for link in p.get("fieldConfig", {}).get("defaults", {}).get("links", [])
    ]
    assert links
    assert all(url.startswith("${evidence_url}/sessions?") for url in links)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('x{feature=~"$feature"}', 'x{feature=~".+"}'),
        ('x{feature=~"$feature", domain=~"$domain"}', 'x{feature=~".+", domain=~".+"}'),
        ('x{featured="$features"}', 'x{featured="$features"}'),
    ],
)
def test_template_variables_are_filled_for_a_live_query(expr: str, expected: str) -> None:
    assert substitute_variables(expr) == expected


def test_every_panel_query_parses(tmp_path: Path) -> None:
    promtool = os.environ.get("PROMTOOL") or shutil.which("promtool")
    if not promtool:
        pytest.fail("promtool not found: install it with `apt-get install -y prometheus`", pytrace=False)
    queries = all_panel_queries()
    rules = [{"record": f"dashboard:query_{i}:check", "expr": expr} for i, (_, _, expr) in enumerate(queries)]
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {name for name, _, _ in queries} == set(DASHBOARDS)


# A failure-rate query reads one estimator's series; its panel title must say which.
ESTIMATOR_SERIES = {
    "model-assisted": ("undercurrent_failure_rate_assisted:",),
    "Horvitz–Thompson": ("undercurrent_failure_rate:", "undercurrent_invisible_failure_rate:",
                         "undercurrent_failure_weight_total"),
}


def test_every_failure_rate_panel_names_its_estimator() -> None:
    shown = set()
    for board, title, expr in all_panel_queries():
        for estimator, series in ESTIMATOR_SERIES.items():
            if any(s in expr for s in series):
                assert estimator in title, f"{board}: {title!r} shows the {estimator} estimate without saying so"
                shown.add(estimator)
    assert shown == set(ESTIMATOR_SERIES)
