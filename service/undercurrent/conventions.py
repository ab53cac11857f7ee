"""The names Undercurrent exports to Prometheus and the names of the series its recording rules record.

Declared once here. The metric declarations (`metrics/definitions.py`), the rule generators, the release
comparison, the dashboards, the local stack's report and the benchmarks read them from this module, and
`tests/unit/test_conventions.py` checks that every name the hand-written rule files and the dashboards
query is one of them. Counters carry the `_total` suffix they are exposed with (prometheus-client accepts it
in the declaration); histograms their base name, read with `_bucket`, `_sum` and `_count`.
"""

from __future__ import annotations

# Consuming events (ingest worker)
EVENTS = "undercurrent_events_total"
DLQ_MESSAGES = "undercurrent_dlq_messages_total"
INGEST_BATCH_DURATION_SECONDS = "undercurrent_ingest_batch_duration_seconds"
CONSUMER_LAG = "undercurrent_consumer_lag"
CONSUMER_OFFSET = "undercurrent_consumer_offset"
RETRIES = "undercurrent_retries_total"
PROCESSING_ERRORS = "undercurrent_processing_errors_total"
OTLP_SPANS = "undercurrent_otlp_spans_total"

# Sessions and closing them
SESSIONS_OPEN = "undercurrent_sessions_open"
SESSIONS_CLOSED = "undercurrent_sessions_closed_total"
SESSION_CLOSE_DELAY_SECONDS = "undercurrent_session_close_delay_seconds"
SESSIONS_REPUBLISHED = "undercurrent_sessions_republished_total"
SESSION_LATE_EVENTS = "undercurrent_session_late_events_total"
SESSIONS_CLOSING = "undercurrent_sessions_closing"
CLOSE_POOL_READY = "undercurrent_close_pool_ready"
CLOSE_POOL_BREAKS = "undercurrent_close_pool_breaks_total"
RELEASE_BASELINE = "undercurrent_release_baseline"

# Inline detectors
SIGNAL_SESSIONS = "undercurrent_signal_sessions_total"
HEURISTIC_ARCHETYPE_SESSIONS = "undercurrent_heuristic_archetype_sessions_total"
SESSION_RISK_SCORE = "undercurrent_session_risk_score"
DETECTOR_DURATION_SECONDS = "undercurrent_detector_duration_seconds"
RISK_MODEL = "undercurrent_risk_model"
LANGUAGE_SIGNAL_SESSIONS = "undercurrent_language_signal_sessions_total"

# The language of the user's words
LANGUAGE_SESSIONS = "undercurrent_language_sessions_total"
LANGUAGE_DURATION_SECONDS = "undercurrent_language_duration_seconds"

# Sampling for the judge
JUDGE_SAMPLED_SESSIONS = "undercurrent_judge_sampled_sessions_total"
JUDGE_INCLUSION_PROBABILITY = "undercurrent_judge_inclusion_probability"
SAMPLING_FLOOR_BINDING = "undercurrent_sampling_floor_binding_total"
JUDGE_BUDGET_SCALE = "undercurrent_judge_budget_scale"
JUDGE_BUDGET_REMAINING_USD = "undercurrent_judge_budget_remaining_usd"

# The judge and the Horvitz-Thompson weights of its verdicts (judge worker)
JUDGE_REQUESTS = "undercurrent_judge_requests_total"
JUDGE_REQUEST_DURATION_SECONDS = "undercurrent_judge_request_duration_seconds"
JUDGE_TOKENS = "undercurrent_judge_tokens_total"
JUDGE_COST_USD = "undercurrent_judge_cost_usd_total"
JUDGED_SESSIONS = "undercurrent_judged_sessions_total"
JUDGE_DEAD_LETTERS = "undercurrent_judge_dead_letters_total"
JUDGE_REQUEUED = "undercurrent_judge_requeued_total"
JUDGE_ENSEMBLES = "undercurrent_judge_ensembles_total"
JUDGE_DISAGREEMENT = "undercurrent_judge_disagreement_total"
JUDGE_ENSEMBLE_WEIGHT = "undercurrent_judge_ensemble_weight_total"
JUDGE_BRIER_VARIANCE = "undercurrent_judge_brier_variance_total"
JUDGE_BRIER_ERROR = "undercurrent_judge_brier_error_total"
FAILURE_WEIGHT = "undercurrent_failure_weight_total"
FAILURE_WEIGHT_VARIANCE = "undercurrent_failure_weight_variance_total"
FLAG_AGREEMENT_WEIGHT = "undercurrent_flag_agreement_weight_total"
FLAG_AGREEMENT_WEIGHT_VARIANCE = "undercurrent_flag_agreement_weight_variance_total"
FLAG_AGREEMENT_SESSIONS = "undercurrent_flag_agreement_sessions_total"
JUDGE_QUEUE_LAG = "undercurrent_judge_queue_lag"
JUDGE_RETRIES = "undercurrent_judge_retries_total"
EVALUATION_EVENTS = "undercurrent_evaluation_events_total"

# Step-level verdicts on agent trajectories
TRAJECTORY_WEIGHT = "undercurrent_trajectory_weight_total"
TRAJECTORY_WEIGHT_VARIANCE = "undercurrent_trajectory_weight_variance_total"
TRAJECTORIES_JUDGED = "undercurrent_trajectories_judged_total"
STEP_ERROR_WEIGHT = "undercurrent_step_error_weight_total"
STEP_ERROR_WEIGHT_VARIANCE = "undercurrent_step_error_weight_variance_total"
STEP_ERROR_WEIGHT_CROSS = "undercurrent_step_error_weight_cross_total"
TRAJECTORY_FIRST_ERROR_POSITION = "undercurrent_trajectory_first_error_position"
TRAJECTORY_SCORE = "undercurrent_trajectory_score"

# The judge's Message Batches mode
JUDGE_BATCHES = "undercurrent_judge_batches_total"
JUDGE_BATCH_SESSIONS = "undercurrent_judge_batch_sessions_total"
JUDGE_BATCH_OPEN_SESSIONS = "undercurrent_judge_batch_open_sessions"
JUDGE_BATCH_PENDING = "undercurrent_judge_batch_pending"
JUDGE_BATCH_TURNAROUND_SECONDS = "undercurrent_judge_batch_turnaround_seconds"

# Model-assisted estimator, closing side: every closed session once
PREDICTED_FAILURES = "undercurrent_predicted_failures_total"
PREDICTED_FAILURES_SQ = "undercurrent_predicted_failures_sq_total"
PREDICTED_FAILURES_SQ_WEIGHT = "undercurrent_predicted_failures_sq_weight_total"
INCLUSION_WEIGHT = "undercurrent_inclusion_weight_total"

# Model-assisted estimator, judge side: every judged session once
JUDGED_FAILURE_WEIGHT = "undercurrent_judged_failure_weight_total"
JUDGED_FAILURE_WEIGHT_SQ = "undercurrent_judged_failure_weight_sq_total"
JUDGED_PREDICTION_WEIGHT = "undercurrent_judged_prediction_weight_total"
JUDGED_HIT_WEIGHT = "undercurrent_judged_hit_weight_total"
JUDGED_HIT_WEIGHT_SQ = "undercurrent_judged_hit_weight_sq_total"


# Recorded series follow Prometheus' `level:metric:operations` form: the labels kept, the metric, the
# operations applied (`feature_domain_archetype:undercurrent_failure_rate:ratio_rate1h_lower95`).
FAILURE_RATE = "undercurrent_failure_rate"
INVISIBLE_FAILURE_RATE = "undercurrent_invisible_failure_rate"
FAILURE_RATE_ASSISTED = "undercurrent_failure_rate_assisted"
FLAG_PRECISION = "undercurrent_flag_precision"
FLAG_RECALL = "undercurrent_flag_recall"
TRAJECTORY_SUCCESS = "undercurrent_trajectory_success"
STEP_ERRORS_PER_TRAJECTORY = "undercurrent_step_errors_per_trajectory"
JUDGE_INCOHERENCE = "undercurrent_judge_incoherence"
JUDGE_VOTE_VARIANCE = "undercurrent_judge_brier_variance"
"""The Brier variance of an ensemble's votes recorded as a mean per judged ensemble (`…:mean1h`)."""


def recorded(level: str, metric: str, operations: str) -> str:
    """A recording rule's name; an empty level (a sum over every label) leaves no prefix."""
    return f"{level}:{metric}:{operations}" if level else f"{metric}:{operations}"
