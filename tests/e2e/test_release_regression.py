"""A release with extra failures regresses against the baseline release; the same traffic as two releases does not.

Both runs replay the same conversations as releases m@v1 (the configured baseline) and m@v2
(tests/e2e/conftest.py); in the spike run m@v2 also carries the Drift scenarios. This proves
the wiring from the contract's model and prompt_version through the release label, the
per-release estimation rules and UndercurrentReleaseRegression to Alertmanager, and that
`undercurrent compare` reads the same difference from Prometheus' HTTP API.
"""

from __future__ import annotations

import re
import time

import pytest
from typer.testing import CliRunner

from undercurrent.cli.main import app

from .conftest import BASELINE, CANDIDATE, MODEL, Run
from .monitoring import Webhook, query, wait_until
from .test_drift_alert import _left

pytestmark = pytest.mark.timeout(480)  # includes starting both runs

ALERT = "UndercurrentReleaseRegression"
BASE, CAND = f"{MODEL}@{BASELINE}", f"{MODEL}@{CANDIDATE}"


def _compare(run: Run) -> dict[str, str]:
    """`undercurrent compare` over the run's Prometheus (in this process): its table rows by archetype."""
    result = CliRunner().invoke(
        app, ["compare", "--baseline", BASE, "--candidate", CAND, "--window", "1h", "--prometheus", run.prometheus.url]
    )
    assert result.exit_code == 0, result.output
    assert f"{CAND} against {BASE}" in result.output
    return {m.group(1): line for line in result.output.splitlines() if (m := re.search(r"archetype (\w+)", line))}


def test_the_release_with_extra_drift_regresses(runs: dict[str, Run], webhook: tuple[Webhook, str]) -> None:
    received = wait_until(lambda: webhook[0].received(alertname=ALERT, e2e_run="spike", archetype="drift"),
                          timeout_s=_left(runs["spike"]), what=f"{ALERT} for drift from the spike run")
    assert {a["labels"]["release"] for a in received} == {CAND}

    rows = _compare(runs["spike"])
    assert "higher" in rows["drift"], rows


def test_the_same_traffic_as_two_releases_does_not_regress(
    runs: dict[str, Run], webhook: tuple[Webhook, str]
) -> None:
    calm = runs["calm"]
    time.sleep(_left(calm))

    rows = _compare(calm)
    assert rows and not [row for row in rows.values() if "higher" in row or "lower" in row], rows
    assert query(calm.prometheus.url, f'ALERTS{{alertname="{ALERT}"}}') == []
    assert webhook[0].received(alertname=ALERT, e2e_run="calm") == []
    closed = query(calm.prometheus.url, "sum by (release) (undercurrent_sessions_closed_total)")
    assert {s["metric"]["release"]: float(s["value"][1]) for s in closed} == {
        BASE: calm.sessions / 2, CAND: calm.sessions / 2, "other": 0.0,
    }
