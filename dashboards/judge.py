"""Judge: how much is sampled and covered, what it costs, how fast and how consistent it is."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard as db

from . import queries as q
from .panels import (
    FIELD_SCOPE,
    VARIABLE_SCOPE,
    dashboard,
    evidence_link,
    matrix_panel,
    table_panel,
    timeseries_panel,
)


def build(uid: str) -> db.Dashboard:
    judged = evidence_link(**FIELD_SCOPE)
    disagreed = evidence_link(**VARIABLE_SCOPE, archetype="${__field.labels.archetype}")
    return dashboard(
        uid,
        "Undercurrent / Judge",
        [
            (
                "Sampling",
                [
                    timeseries_panel(
                        "Share of closed sessions judged, last hour",
                        [(q.judge_sample_rate, "{{feature}}")],
                        "percentunit",
                        [evidence_link(feature="${__field.labels.feature}")],
                    ),
                    table_panel("Coverage per stratum, last day", q.judge_coverage, "percentunit", [judged]),
                ],
            ),
            (
                "Cost and health",
                [
                    timeseries_panel(
                        "Spend per hour", [(q.judge_spend_per_hour, "{{model}}")], "currencyUSD", width=8
                    ),
                    timeseries_panel(
                        "Budget remaining", [(q.judge_budget_remaining, "remaining")], "currencyUSD", width=8
                    ),
                    timeseries_panel(
                        "Tokens per second", [(q.judge_tokens, "{{model}} {{kind}}")], "short", width=8
                    ),
                    timeseries_panel(
                        "Request latency",
                        [(q.judge_latency(0.5), "{{model}} p50"), (q.judge_latency(0.95), "{{model}} p95")],
                        "s",
                    ),
                    timeseries_panel(
                        "Failed requests per second", [(q.judge_errors, "{{model}} {{outcome}}")], "reqps"
                    ),
                    timeseries_panel(
                        "Sampled sessions retried and given up, last hour (by reason)",
                        [(q.judge_retried, "retried: {{reason}}"), (q.judge_given_up, "given up: {{reason}}")],
                        "short",
                        width=24,
                    ),
                    timeseries_panel(
                        "Self-disagreement: share of ensembles that split, last hour",
                        [(q.judge_disagreement, "{{archetype}}")],
                        "percentunit",
                        [disagreed],
                        width=24,
                    ),
                    timeseries_panel(
                        "Incoherence of judge ensembles against their own majority, last hour "
                        "(share of the Brier error that is disagreement)",
                        [(q.judge_incoherence, "{{archetype}}"), (q.judge_incoherence_overall, "all archetypes")],
                        "percentunit",
                        [disagreed],
                    ),
                    timeseries_panel(
                        "Brier variance of the votes per judged ensemble, last hour",
                        [(q.judge_brier_variance, "{{archetype}}")],
                        "short",
                        [disagreed],
                    ),
                ],
            ),
            (
                "Detector agreement with the judge",
                [
                    matrix_panel(
                        "Precision of each detector flag: share of flagged sessions the judge confirms, last day",
                        q.agreement_bounds("precision"), "flag", "bound", "percentunit",
                    ),
                    matrix_panel(
                        "Recall of each detector flag: share of the judge's findings it flagged, last day",
                        q.agreement_bounds("recall"), "flag", "bound", "percentunit",
                    ),
                    matrix_panel(
                        "Judged sessions behind each ratio (support), last day",
                        q.agreement_support, "flag", "measure", "none",
                    ),
                ],
            ),
        ],
    )
