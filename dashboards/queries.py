"""Every PromQL expression the dashboards show, by name. Layout modules never write PromQL.

`$feature` and `$domain` are Grafana multi-value variables (regex matchers).
"""

from __future__ import annotations

SCOPE = 'feature=~"$feature", domain=~"$domain"'
FAILURE_RATE = "feature_domain_archetype:undercurrent_failure_rate:ratio_rate"
INVISIBLE_RATE = "feature_domain_archetype:undercurrent_invisible_failure_rate:ratio_rate"
# The model-assisted estimate (docs/estimation.md §7-§10); ``measure`` selects all or invisible failures.
ASSISTED_RATE = "feature_domain_archetype_measure:undercurrent_failure_rate_assisted:ratio_rate"


def estimate(window: str, matchers: str, suffix: str = "", rate: str = FAILURE_RATE) -> str:
    return f"{rate}{window}{suffix}{{{SCOPE}, {matchers}}}"


def _ratio_by(by: str, numerator: str, denominator: str, window: str) -> str:
    return (
        f"sum by ({by}) (increase({numerator}[{window}]))\n"
        f"/ on ({by}) sum by ({by}) (increase({denominator}[{window}]))"
    )


# On-call overview
ANY = 'archetype="any"'
invisible_rate = estimate("1h", ANY, rate=INVISIBLE_RATE)
invisible_rate_lower = estimate("1h", ANY, "_lower95", INVISIBLE_RATE)
invisible_rate_upper = estimate("1h", ANY, "_upper95", INVISIBLE_RATE)
INVISIBLE_ANY = f'{ANY}, measure="invisible_failure"'
invisible_rate_assisted = estimate("1h", INVISIBLE_ANY, rate=ASSISTED_RATE)
invisible_rate_assisted_lower = estimate("1h", INVISIBLE_ANY, "_lower95", ASSISTED_RATE)
invisible_rate_assisted_upper = estimate("1h", INVISIBLE_ANY, "_upper95", ASSISTED_RATE)
NAMED_ARCHETYPES = 'archetype!="any"'
NAMED_FAILURES = f'{NAMED_ARCHETYPES}, measure="failure"'
archetype_domain_matrix = (
    "sum by (archetype, domain) (increase(undercurrent_failure_weight_total"
    f"{{{SCOPE}, {NAMED_ARCHETYPES}}}[1d]))\n"
    "/ on (domain) group_left sum by (domain) (increase(undercurrent_sessions_closed_total"
    f"{{{SCOPE}}}[1d]))"
)
firing_alerts = (
    "sum by (alertname, severity, feature, domain, archetype) "
    '(ALERTS{alertstate="firing", alertname=~"Undercurrent.*"})'
)
top_movers = (
    f"topk(10, {estimate('1h', NAMED_FAILURES, '_lower95', ASSISTED_RATE)}\n"
    f"- {estimate('1d', NAMED_FAILURES, rate=ASSISTED_RATE)})"
)

# Feature SLO
slo_sli_1h = 'slo:sli_error:ratio_rate1h{feature=~"$feature"}'
slo_sli_1d = 'slo:sli_error:ratio_rate1d{feature=~"$feature"}'
slo_max_rate = 'slo:error_budget:ratio{feature=~"$feature"}'
slo_budget_remaining = 'slo:period_error_budget_remaining:ratio{feature=~"$feature"}'


def slo_burn_rate(window: str) -> str:
    return (
        f'slo:sli_error:ratio_rate{window}{{feature=~"$feature"}}\n'
        f'/ on (slo, feature) slo:error_budget:ratio{{feature=~"$feature"}}'
    )


# Judge
judge_sample_rate = _ratio_by(
    "feature",
    f"undercurrent_judge_sampled_sessions_total{{{SCOPE}}}",
    f"undercurrent_sessions_closed_total{{{SCOPE}}}",
    "1h",
)
judge_coverage = _ratio_by(
    "feature, domain",
    f"undercurrent_judge_sampled_sessions_total{{{SCOPE}}}",
    f"undercurrent_sessions_closed_total{{{SCOPE}}}",
    "1d",
)
judge_spend_per_hour = "sum by (model) (rate(undercurrent_judge_cost_usd_total[1h])) * 3600"
judge_budget_remaining = "undercurrent_judge_budget_remaining_usd"
judge_errors = 'sum by (model, outcome) (rate(undercurrent_judge_requests_total{outcome!="ok"}[5m]))'
judge_tokens = "sum by (model, kind) (rate(undercurrent_judge_tokens_total[5m]))"
judge_given_up = f"sum by (reason) (increase(undercurrent_judge_dead_letters_total{{{SCOPE}}}[1h]))"
judge_retried = "sum by (reason) (increase(undercurrent_judge_requeued_total[1h]))"
judge_disagreement = (
    "sum by (archetype) (increase(undercurrent_judge_disagreement_total[1h]))\n"
    "/ ignoring (archetype) group_left sum(increase(undercurrent_judge_ensembles_total[1h]))"
)

# Incoherence of judge ensembles against their own majority (recording rules in incoherence.yml)
judge_incoherence = "archetype:undercurrent_judge_incoherence:ratio_rate1h"
judge_incoherence_overall = "undercurrent_judge_incoherence:ratio_rate1h"
judge_brier_variance = "archetype:undercurrent_judge_brier_variance:mean1h"

AGREEMENT_LEVEL = "kind_flag"


def _labelled(series: dict[str, str], label: str) -> str:
    """Several series as one vector, each tagged with ``label`` = its key, for a matrix panel."""
    parts = [f'label_replace({expr}, "{label}", "{value}", "", "")' for value, expr in series.items()]
    return f"sum by (kind, flag, {label}) (\n  " + "\n  or ".join(parts) + "\n)"


def agreement_bounds(measure: str) -> str:
    """A flag's precision or recall against the judge over the last day with its 95% bounds."""
    rule = f"{AGREEMENT_LEVEL}:undercurrent_flag_{measure}:ratio_rate1d"
    return _labelled({"lower 95%": f"{rule}_lower95", "estimate": rule, "upper 95%": f"{rule}_upper95"}, "bound")


agreement_support = _labelled(
    {m: f"{AGREEMENT_LEVEL}:undercurrent_flag_{m}:support1d" for m in ("precision", "recall")}, "measure"
)


def judge_latency(quantile: float) -> str:
    return (
        f"histogram_quantile({quantile}, "
        "sum by (model, le) (rate(undercurrent_judge_request_duration_seconds_bucket[5m])))"
    )


# Releases: `${baseline:regex}` and `${candidate:regex}` are single-value variables, regex-escaped.
RELEASE_RATE = "release_archetype:undercurrent_failure_rate:ratio_rate"
RELEASES = 'release=~"${baseline:regex}|${candidate:regex}"'


def release_signature(variable: str, window: str = "6h") -> str:
    """One release's failure rate per archetype with its 95% bounds, tagged ``bound``, for a matrix panel."""
    selector = f'{{release=~"${{{variable}:regex}}"}}'
    bounds = {
        "lower 95%": f"{RELEASE_RATE}{window}_lower95{selector}",
        "estimate": f"{RELEASE_RATE}{window}{selector}",
        "upper 95%": f"{RELEASE_RATE}{window}_upper95{selector}",
    }
    parts = [f'label_replace({expr}, "bound", "{value}", "", "")' for value, expr in bounds.items()]
    return "sum by (archetype, bound) (\n  " + "\n  or ".join(parts) + "\n)"


release_any_rate = f'{RELEASE_RATE}1h{{{RELEASES}, archetype="any"}}'
release_any_lower = f'{RELEASE_RATE}1h_lower95{{{RELEASES}, archetype="any"}}'
release_any_upper = f'{RELEASE_RATE}1h_upper95{{{RELEASES}, archetype="any"}}'
release_sessions = f"sum by (release) (increase(undercurrent_sessions_closed_total{{{SCOPE}, {RELEASES}}}[1h]))"

# Pipeline
events_per_second = "sum by (topic, outcome) (rate(undercurrent_events_total[5m]))"
consumer_lag = "sum by (topic, partition) (undercurrent_consumer_lag)"
dlq_per_second = "sum by (topic, reason) (rate(undercurrent_dlq_messages_total[5m]))"
sessions_open = "max(undercurrent_sessions_open)"  # every replica reports the same shared count
session_closes = f"sum by (reason) (rate(undercurrent_sessions_closed_total{{{SCOPE}}}[5m]))"


def close_delay(quantile: float) -> str:
    return (
        f"histogram_quantile({quantile}, "
        "sum by (le) (rate(undercurrent_session_close_delay_seconds_bucket[5m])))"
    )
