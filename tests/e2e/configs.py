"""Test copies of the shipped Prometheus and Alertmanager configuration, derived mechanically.

The end-to-end test cannot wait 15 minutes for a `for:` clause or a 5-minute group
interval, so the copies change exactly these things and nothing else:

- rule files: every group's `interval` is dropped (groups follow the global
  evaluation interval) and every alert's `for:` becomes `FOR_IN_TESTS`; every
  `expr`, label, annotation and range window stays as shipped;
- prometheus.yml: a 1 s evaluation interval and a 3 s scrape interval and timeout
  (a busy worker on a shared 2-core machine can take over a second to answer), the test's rule copies,
  Alertmanager and scrape targets, and one extra external label naming the run;
- alertmanager.yml: every webhook URL points at the test's receiver and the
  route's waits are 1 s.

`for:` semantics (no alert one step before the duration, an alert at it) are
covered by the promtool unit tests in tests/promtool/, not here.
"""

from __future__ import annotations

import copy
from typing import Any

FOR_IN_TESTS = "2s"
INTERVAL_IN_TESTS = "1s"
SCRAPE_IN_TESTS = "3s"


def shorten_rule_file(rules: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(rules)
    for group in result["groups"]:
        group.pop("interval", None)
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = FOR_IN_TESTS
    return result


def prometheus_config(
    shipped: dict[str, Any],
    *,
    rule_files: list[str],
    alertmanager: str,
    targets: list[str],
    run: str,
) -> dict[str, Any]:
    result = copy.deepcopy(shipped)
    result["global"].update(
        scrape_interval=SCRAPE_IN_TESTS, scrape_timeout=SCRAPE_IN_TESTS, evaluation_interval=INTERVAL_IN_TESTS
    )
    result["global"]["external_labels"]["e2e_run"] = run
    result["rule_files"] = rule_files
    result["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]}
    (job,) = result["scrape_configs"]
    job["static_configs"] = [{"targets": targets}]
    return result


def alertmanager_config(shipped: dict[str, Any], *, webhook_url: str) -> dict[str, Any]:
    result = copy.deepcopy(shipped)
    result["route"].update(group_wait=INTERVAL_IN_TESTS, group_interval=INTERVAL_IN_TESTS)
    for receiver in result["receivers"]:
        for webhook in receiver.get("webhook_configs", []):
            webhook["url"] = webhook_url
    return result
