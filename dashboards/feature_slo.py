"""Feature SLO: SLI against objective, error budget remaining, burn rates."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from . import queries as q
from .panels import VARIABLE_SCOPE, dashboard, evidence_link, stat_panel, timeseries_panel


def build(uid: str) -> db.Dashboard:
    sessions = evidence_link(feature="${__field.labels.feature}", domain=VARIABLE_SCOPE["domain"])
    return dashboard(
        uid,
        "Undercurrent / Feature SLO",
        [
            (
                "Objective",
                [
                    timeseries_panel(
                        "SLI: failure rate against the objective (Horvitz–Thompson estimate)",
                        [
                            (q.slo_sli_1h, "{{slo}} 1h"),
                            (q.slo_sli_1d, "{{slo}} 1d"),
                            (q.slo_max_rate, "{{slo}} objective (max rate)"),
                        ],
                        "percentunit",
                        [sessions],
                        width=18,
                    ),
                    stat_panel(
                        "Error budget remaining", [(q.slo_budget_remaining, "{{slo}}")], "percentunit"
                    ),
                ],
            ),
            (
                "Burn",
                [
                    timeseries_panel(
                        "Burn rate (1 = budget lasts exactly the period)",
                        [(q.slo_burn_rate(w), f"{{{{slo}}}} {w}") for w in ("1h", "6h", "1d", "3d")],
                        "x",
                        [sessions],
                        width=24,
                    ),
                ],
            ),
        ],
    )
