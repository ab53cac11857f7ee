"""On-call overview: is anything failing invisibly right now, and where."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from . import queries as q
from .panels import FIELD_SCOPE, dashboard, evidence_link, matrix_panel, table_panel, timeseries_panel


def build(uid: str) -> db.Dashboard:
    invisible = evidence_link(**FIELD_SCOPE, archetype="any")
    by_archetype = evidence_link(**FIELD_SCOPE, archetype="${__field.labels.archetype}")
    return dashboard(
        uid,
        "Undercurrent / On-call overview",
        [
            (
                "Invisible failures",
                [
                    timeseries_panel(
                        "Invisible-failure rate, last hour, with 95% band (model-assisted estimate)",
                        [
                            (q.invisible_rate_assisted, "{{feature}} / {{domain}}"),
                            (q.invisible_rate_assisted_lower, "{{feature}} / {{domain}} lower 95%"),
                            (q.invisible_rate_assisted_upper, "{{feature}} / {{domain}} upper 95%"),
                        ],
                        "percentunit",
                        [invisible],
                        width=16,
                    ),
                    table_panel("Firing alerts", q.firing_alerts, links=[by_archetype], width=8),
                ],
            ),
            (
                "Where",
                [
                    matrix_panel(
                        "Failure rate by archetype and domain, last day (Horvitz–Thompson estimate)",
                        q.archetype_domain_matrix,
                        rows="archetype",
                        columns="domain",
                        unit="percentunit",
                    ),
                    table_panel(
                        "Top movers: last hour's lower 95% bound minus the trailing day's rate (model-assisted)",
                        q.top_movers,
                        "percentunit",
                        [by_archetype],
                        width=24,
                    ),
                ],
            ),
            (
                "Plain Horvitz–Thompson",
                [
                    timeseries_panel(
                        "Invisible-failure rate, last hour, with 95% band (plain Horvitz–Thompson estimate)",
                        [
                            (q.invisible_rate, "{{feature}} / {{domain}}"),
                            (q.invisible_rate_lower, "{{feature}} / {{domain}} lower 95%"),
                            (q.invisible_rate_upper, "{{feature}} / {{domain}} upper 95%"),
                        ],
                        "percentunit",
                        [invisible],
                        width=24,
                    ),
                ],
            ),
        ],
    )
