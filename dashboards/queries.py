"""Every PromQL expression the dashboards show, by name. Layout modules never write PromQL.

`$feature` and `$domain` are Grafana multi-value variables (regex matchers).
"""

from __future__ import annotations

from undercurrent import conventions as names

SCOPE = 'feature=~"$feature", domain=~"$domain"'
FAILURE_RATE = names.recorded("feature_domain_archetype", names.FAILURE_RATE, "ratio_rate")
INVISIBLE_RATE = names.recorded("feature_domain_archetype", names.INVISIBLE_FAILURE_RATE, "ratio_rate")
# The model-assisted estimate (docs/estimation.md §7-§10); ``measure`` selects all or invisible failures.
ASSISTED_RATE = names.recorded("feature_domain_archetype_measure", names.FAILURE_RATE_ASSISTED, "ratio_rate")


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
    f"sum by (archetype, domain) (increase({names.FAILURE_WEIGHT}"
    f"{{{SCOPE}, {NAMED_ARCHETYPES}}}[1d]))\n"
    f"/ on (domain) group_left sum by (domain) (increase({names.SESSIONS_CLOSED}"
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
    f"{names.JUDGE_SAMPLED_SESSIONS}{{{SCOPE}}}",
    f"{names.SESSIONS_CLOSED}{{{SCOPE}}}",
    "1h",
)
judge_coverage = _ratio_by(
    "feature, domain",
    f"{names.JUDGE_SAMPLED_SESSIONS}{{{SCOPE}}}",
    f"{names.SESSIONS_CLOSED}{{{SCOPE}}}",
    "1d",
)
judge_spend_per_hour = f"sum by (model) (rate({names.JUDGE_COST_USD}[1h])) * 3600"
judge_budget_remaining = names.JUDGE_BUDGET_REMAINING_USD
judge_errors = f'sum by (model, outcome) (rate({names.JUDGE_REQUESTS}{{outcome!="ok"}}[5m]))'
judge_tokens = f"sum by (model, kind) (rate({names.JUDGE_TOKENS}[5m]))"
judge_given_up = f"sum by (reason) (increase({names.JUDGE_DEAD_LETTERS}{{{SCOPE}}}[1h]))"
judge_retried = f"sum by (reason) (increase({names.JUDGE_REQUEUED}[1h]))"
judge_disagreement = (
    f"sum by (archetype) (increase({names.JUDGE_DISAGREEMENT}[1h]))\n"
    f"/ ignoring (archetype) group_left sum(increase({names.JUDGE_ENSEMBLES}[1h]))"
)

# Incoherence of judge ensembles against their own majority (recording rules in incoherence.yml)
judge_incoherence = names.recorded("archetype", names.JUDGE_INCOHERENCE, "ratio_rate1h")
judge_incoherence_overall = names.recorded("", names.JUDGE_INCOHERENCE, "ratio_rate1h")
judge_brier_variance = names.recorded("archetype", names.JUDGE_VOTE_VARIANCE, "mean1h")

AGREEMENT_LEVEL = "kind_flag"
FLAG_MEASURES = {"precision": names.FLAG_PRECISION, "recall": names.FLAG_RECALL}


def _labelled(series: dict[str, str], label: str) -> str:
    """Several series as one vector, each tagged with ``label`` = its key, for a matrix panel."""
    parts = [f'label_replace({expr}, "{label}", "{value}", "", "")' for value, expr in series.items()]
    return f"sum by (kind, flag, {label}) (\n  " + "\n  or ".join(parts) + "\n)"


def agreement_bounds(measure: str) -> str:
    """A flag's precision or recall against the judge over the last day with its 95% bounds."""
    rule = names.recorded(AGREEMENT_LEVEL, FLAG_MEASURES[measure], "ratio_rate1d")
    return _labelled({"lower 95%": f"{rule}_lower95", "estimate": rule, "upper 95%": f"{rule}_upper95"}, "bound")


agreement_support = _labelled(
    {m: names.recorded(AGREEMENT_LEVEL, metric, "support1d") for m, metric in FLAG_MEASURES.items()}, "measure"
)


def judge_latency(quantile: float) -> str:
    return (
        f"histogram_quantile({quantile}, "
        f"sum by (model, le) (rate({names.JUDGE_REQUEST_DURATION_SECONDS}_bucket[5m])))"
    )


# Releases: `${baseline:regex}` and `${candidate:regex}` are single-value variables, regex-escaped.
RELEASE_RATE = names.recorded("release_archetype", names.FAILURE_RATE, "ratio_rate")
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
release_sessions = f"sum by (release) (increase({names.SESSIONS_CLOSED}{{{SCOPE}, {RELEASES}}}[1h]))"

# Pipeline
events_per_second = f"sum by (topic, outcome) (rate({names.EVENTS}[5m]))"
consumer_lag = f"sum by (topic, partition) ({names.CONSUMER_LAG})"
dlq_per_second = f"sum by (topic, reason) (rate({names.DLQ_MESSAGES}[5m]))"
sessions_open = f"max({names.SESSIONS_OPEN})"  # every replica reports the same shared count
session_closes = f"sum by (reason) (rate({names.SESSIONS_CLOSED}{{{SCOPE}}}[5m]))"


def close_delay(quantile: float) -> str:
    return (
        f"histogram_quantile({quantile}, "
        f"sum by (le) (rate({names.SESSION_CLOSE_DELAY_SECONDS}_bucket[5m])))"
    )
