"""Releases: two releases' failure signatures side by side (docs/releases.md)."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from . import queries as q
from .panels import dashboard, evidence_link, matrix_panel, release_variable, timeseries_panel


def build(uid: str) -> db.Dashboard:
    by_archetype = evidence_link(archetype="${__data.fields.archetype}")
    return dashboard(
        uid,
        "Undercurrent / Releases",
        [
            (
                "Failure signatures, last 6 hours (rate per archetype with its 95% interval)",
                [
                    matrix_panel("Baseline: $baseline (Horvitz–Thompson)", q.release_signature("baseline"),
                                 "archetype", "bound", "percentunit", [by_archetype], width=12),
                    matrix_panel("Candidate: $candidate (Horvitz–Thompson)", q.release_signature("candidate"),
                                 "archetype", "bound", "percentunit", [by_archetype], width=12),
                ],
            ),
            (
                "Over time",
                [
                    timeseries_panel(
                        "Failure rate (any archetype, Horvitz–Thompson), last hour, with 95% band",
                        [
                            (q.release_any_rate, "{{release}}"),
                            (q.release_any_lower, "{{release}} lower 95%"),
                            (q.release_any_upper, "{{release}} upper 95%"),
                        ],
                        "percentunit",
                        [evidence_link(archetype="any")],
                    ),
                    timeseries_panel("Closed sessions per hour", [(q.release_sessions, "{{release}}")], "short"),
                ],
            ),
        ],
        extra_variables=[release_variable("baseline", "Baseline release"),
                         release_variable("candidate", "Candidate release")],
    )
