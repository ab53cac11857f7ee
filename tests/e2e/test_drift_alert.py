"""A Drift spike pages through a real Prometheus and Alertmanager; the same traffic without it does not.

What this proves is the wiring (worker metrics → model-assisted recording rules →
UndercurrentDriftSpike → Alertmanager → webhook) and that the rule tells a spike
from ordinary traffic. The rule copies run with `for: 2s` and 1 s group intervals
(tests/e2e/configs.py); range windows, thresholds and the baseline logic are as
shipped. That the alert waits out its real `for:` duration is tested with promtool
in tests/promtool/alerts_test.yml.
"""

from __future__ import annotations

import time

import pytest
import yaml

from .conftest import Run
from .corpus import DOMAIN, FEATURE
from .monitoring import PROMETHEUS_DIR, Webhook, query, value, wait_until

pytestmark = pytest.mark.timeout(480)  # includes starting both runs

ALERT = "UndercurrentDriftSpike"
FLOOR = 0.05
# Rule evaluation (1 s) + for (2 s) + Alertmanager group_wait (1 s), with a wide margin.
OBSERVE_S = 30.0
DRIFT_RATE = (  # the model-assisted bound the alert reads
    "feature_domain_archetype_measure:undercurrent_failure_rate_assisted:ratio_rate1h_lower95"
    f'{{feature="{FEATURE}", domain="{DOMAIN}", archetype="drift", measure="failure"}}'
)
EXTERNAL = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())["global"]["external_labels"]


def test_a_drift_spike_reaches_the_webhook_with_its_links(runs: dict[str, Run], webhook: tuple[Webhook, str]) -> None:
    received = wait_until(lambda: webhook[0].received(alertname=ALERT, e2e_run="spike"),
                          timeout_s=_left(runs["spike"]), what=f"{ALERT} from the spike run at the webhook")

    alert = received[0]
    assert (alert["labels"]["feature"], alert["labels"]["domain"]) == (FEATURE, DOMAIN)
    assert alert["labels"]["severity"] == "critical"
    assert alert["annotations"]["runbook_url"] == f"{EXTERNAL['runbook_base_url']}#undercurrentdriftspike"
    assert alert["annotations"]["evidence_url"] == (
        f"{EXTERNAL['evidence_base_url']}/sessions?feature={FEATURE}&domain={DOMAIN}&archetype=drift"
    )


def test_the_same_traffic_without_the_spike_does_not_page(
    runs: dict[str, Run], webhook: tuple[Webhook, str]
) -> None:
    calm = runs["calm"]
    time.sleep(_left(calm))

    rate = value(calm.prometheus.url, DRIFT_RATE)
    assert rate is not None and rate < FLOOR, f"drift estimate of the calm run: {rate}"
    closed = value(calm.prometheus.url, f'sum(undercurrent_sessions_closed_total{{feature="{FEATURE}"}})')
    assert closed == calm.sessions
    assert query(calm.prometheus.url, f'ALERTS{{alertname="{ALERT}"}}') == []
    assert webhook[0].received(alertname=ALERT, e2e_run="calm") == []


def _left(run: Run) -> float:
    """What remains of the observation period that starts when the run's traffic was fully judged."""
    return max(0.0, run.judged_at + OBSERVE_S - time.monotonic())
