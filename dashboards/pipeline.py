"""Pipeline: ingestion rate, lag, dead letters, session closes and their delay."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from . import queries as q
from .panels import VARIABLE_SCOPE, dashboard, evidence_link, timeseries_panel


def build(uid: str) -> db.Dashboard:
    return dashboard(
        uid,
        "Undercurrent / Pipeline",
        [
            (
                "Ingestion",
                [
                    timeseries_panel(
                        "Events per second", [(q.events_per_second, "{{topic}} {{outcome}}")], "ops"
                    ),
                    timeseries_panel("Consumer lag", [(q.consumer_lag, "{{topic}}/{{partition}}")], "short"),
                    timeseries_panel(
                        "Dead-lettered per second", [(q.dlq_per_second, "{{topic}} {{reason}}")], "ops"
                    ),
                ],
            ),
            (
                "Sessions",
                [
                    timeseries_panel("Open sessions", [(q.sessions_open, "open")], "short"),
                    timeseries_panel(
                        "Session closes per second",
                        [(q.session_closes, "{{reason}}")],
                        "ops",
                        [evidence_link(**VARIABLE_SCOPE)],
                    ),
                    timeseries_panel(
                        "Close delay",
                        [(q.close_delay(0.5), "p50"), (q.close_delay(0.95), "p95")],
                        "s",
                        width=24,
                    ),
                ],
            ),
        ],
    )
