"""Every panel query of every committed dashboard runs against the end-to-end Prometheus and returns data."""

from __future__ import annotations

import json

import pytest
from dashboards.build import DASHBOARDS, OUT_DIR, all_panel_queries, substitute_variables

from .conftest import Run
from .monitoring import query, wait_until

pytestmark = pytest.mark.timeout(480)  # includes starting both runs

# (dashboard, panel title) -> why the panel cannot have data in a fresh Prometheus after one replay.


def _committed_queries(name: str) -> list[tuple[str, str]]:
    board = json.loads((OUT_DIR / f"{name}.json").read_text())
    panels = [p for p in board["panels"] if p["type"] != "row"]
    assert panels and all(p.get("targets") for p in panels), f"{name}: a panel without a query"
    return [(p["title"], substitute_variables(t["expr"])) for p in panels for t in p["targets"]]


@pytest.fixture(scope="module")
def prometheus(runs: dict[str, Run]) -> str:
    """The spike run's Prometheus, once its Drift alert fires (so the firing-alerts panel has a series)."""
    url = runs["spike"].prometheus.url
    wait_until(lambda: query(url, 'ALERTS{alertstate="firing", alertname="UndercurrentDriftSpike"}'),
               timeout_s=60, what="UndercurrentDriftSpike firing in the spike run")
    return url


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_panel_query_returns_data_after_a_replay(name: str, prometheus: str) -> None:
    committed = _committed_queries(name)
    assert committed == [(title, expr) for board, title, expr in all_panel_queries() if board == name]

    empty, failed = [], []
    for title, expr in committed:
        try:
            result = query(prometheus, expr)
        except ValueError as exc:
            failed.append(f"{title}: {exc}")
            continue
        if not result:
            empty.append(f"{title}: {expr}")
    assert failed == [], "queries Prometheus rejects:\n" + "\n".join(failed)
    assert empty == [], "queries without data:\n" + "\n".join(empty)
