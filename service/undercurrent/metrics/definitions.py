"""Every Prometheus metric the service exports, declared once.

Metrics are built against an injectable registry so tests use a fresh one.
Session and user ids never become label values.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, Info

OUTCOMES = ("accepted", "invalid", "duplicate", "late")
CLOSE_DELAY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 2700, 3600, 7200, 14400, 28800)
# Stages that wait out Redis or broker outages, and stages that can fail on a bug; their series exist
# from start-up so that increase() sees the first failure.
RETRY_STAGES = ("ingest-chat", "ingest-client", "ingest-otlp", "dead-letter", "close", "probe", "budget", "assign")
ERROR_STAGES = ("decode", "apply", "batch", "dead-letter", "close", "publish")
# What became of each span of an OTLP trace batch: turned into turns, not a GenAI span, a GenAI span
# without messages (its instrumentation records no content), or dead-lettered (not valid as turns).
OTLP_SPAN_OUTCOMES = ("mapped", "skipped", "empty", "invalid")
RISK_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
POSITION_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
SCORE_BUCKETS = (0, 10, 25, 50, 75, 90, 95, 99, 100)


class IngestMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.events = Counter(
            "undercurrent_events", "Events consumed, by topic, type and outcome.",
            ["topic", "type", "outcome"], registry=registry,
        )
        self.dlq = Counter(
            "undercurrent_dlq_messages", "Messages or envelope items sent to the dead-letter topic.",
            ["topic", "reason"], registry=registry,
        )
        self.batch_seconds = Histogram(
            "undercurrent_ingest_batch_duration_seconds", "Time to process one batch of Kafka messages.",
            ["topic"], registry=registry,
        )
        self.consumer_lag = Gauge(
            "undercurrent_consumer_lag",
            "Messages of an assigned input partition not yet processed (high-water mark minus next offset).",
            ["topic", "partition"], registry=registry,
        )
        self.consumer_offset = Gauge(
            "undercurrent_consumer_offset",
            "Next offset to process in an assigned input partition; flat while lag is positive means stuck.",
            ["topic", "partition"], registry=registry,
        )
        self.retries = Counter(
            "undercurrent_retries",
            "Steps retried or periodic tasks failed because Redis or the broker was unavailable.",
            ["stage"], registry=registry,
        )
        self.processing_errors = Counter(
            "undercurrent_processing_errors",
            "Messages or sessions that failed on a bug or unexpected data rather than on bad input.",
            ["stage"], registry=registry,
        )
        self.otlp_spans = Counter(
            "undercurrent_otlp_spans", "Spans of OTLP trace batches, by what became of them.",
            ["outcome"], registry=registry,
        )
        for stage in RETRY_STAGES:
            self.retries.labels(stage)
        for outcome in OTLP_SPAN_OUTCOMES:
            self.otlp_spans.labels(outcome)
        for stage in ERROR_STAGES:
            self.processing_errors.labels(stage)


class SessionMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.open = Gauge(
            "undercurrent_sessions_open",
            "Sessions open or closing in the shared store (the same value on every replica; aggregate with max).",
            registry=registry,
        )
        self.closed = Counter(
            "undercurrent_sessions_closed", "Sessions closed and published, by close reason.",
            ["feature", "domain", "reason", "release"], registry=registry,
        )
        self.close_delay = Histogram(
            "undercurrent_session_close_delay_seconds",
            "Wall-clock seconds from a session's last accepted event to its record being published.",
            buckets=CLOSE_DELAY_BUCKETS, registry=registry,
        )
        self.republished = Counter(
            "undercurrent_sessions_republished",
            "Session records published again because a claim's lease expired before it was finalised.",
            registry=registry,
        )
        self.late_in_record = Counter(
            "undercurrent_session_late_events",
            "Late events carried by published session records.", registry=registry,
        )
        self.closing = Gauge(
            "undercurrent_sessions_closing",
            "Sessions this worker has claimed and is closing now (at most one sweep batch).", registry=registry,
        )
        self.close_pool_ready = Gauge(
            "undercurrent_close_pool_ready",
            "1 while this worker builds session records in its close processes; 0 while it builds them on its "
            "event loop (close processes starting, restarting after one died, or sessions.close_workers = 0).",
            registry=registry,
        )
        self.close_pool_breaks = Counter(
            "undercurrent_close_pool_breaks",
            "Times a close process died or failed to start; the batch in hand was built on the event loop and "
            "new processes were started.", registry=registry,
        )
        self.release_baseline = Gauge(
            "undercurrent_release_baseline",
            "1 for the configured baseline release that UndercurrentReleaseRegression compares releases with.",
            ["release"], registry=registry,
        )


class DetectorMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.signals = Counter(
            "undercurrent_signal_sessions", "Closed sessions in which a heuristic signal fired.",
            ["signal", "feature", "domain", "release"], registry=registry,
        )
        self.archetypes = Counter(
            "undercurrent_heuristic_archetype_sessions",
            "Closed sessions flagged by the heuristic archetype rules (cheap estimates, not verdicts).",
            ["archetype", "visibility", "feature", "domain", "release"], registry=registry,
        )
        self.risk = Histogram(
            "undercurrent_session_risk_score", "Heuristic risk score of closed sessions.",
            ["feature"], buckets=RISK_BUCKETS, registry=registry,
        )
        self.seconds = Histogram(
            "undercurrent_detector_duration_seconds", "Time to run all session detectors on one session.",
            buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5), registry=registry,
        )
        self.risk_model = Info(
            "undercurrent_risk_model", "Version of the risk model the detectors score with.", registry=registry,
        )
        self.signals_by_language = Counter(
            "undercurrent_language_signal_sessions",
            "Closed sessions in which a heuristic signal fired, by the language of the user's words.",
            ["signal", "language"], registry=registry,
        )


class LanguageMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.sessions = Counter(
            "undercurrent_language_sessions",
            "Closed sessions by the language of the user's words ('und': too little text to tell).",
            ["feature", "language"], registry=registry,
        )
        self.seconds = Histogram(
            "undercurrent_language_duration_seconds", "Time to identify the language of one session.",
            buckets=(0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01), registry=registry,
        )


class SamplingMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.sampled = Counter(
            "undercurrent_judge_sampled_sessions", "Closed sessions chosen for the judge.",
            ["feature", "domain"], registry=registry,
        )
        self.inclusion = Histogram(
            "undercurrent_judge_inclusion_probability", "Inclusion probability π given to closed sessions.",
            buckets=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0), registry=registry,
        )
        self.floor_binding = Counter(
            "undercurrent_sampling_floor_binding",
            "Closed sessions whose π was held at the floor although the budget asked for less.",
            ["feature", "domain"], registry=registry,
        )
        self.budget_scale = Gauge(
            "undercurrent_judge_budget_scale", "Factor (0, 1] the judge budget applies to sampling rates.",
            registry=registry,
        )
        self.budget_remaining = Gauge(
            "undercurrent_judge_budget_remaining_usd",
            "Judge spend still allowed this hour at the current rate (USD per hour).", registry=registry,
        )


class JudgeMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.requests = Counter(
            "undercurrent_judge_requests", "Judge API requests by outcome.", ["model", "outcome"], registry=registry,
        )
        self.duration = Histogram(
            "undercurrent_judge_request_duration_seconds", "Judge API request latency, retries included.",
            ["model"], buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120), registry=registry,
        )
        self.tokens = Counter(
            "undercurrent_judge_tokens", "Judge tokens by kind (input, output, cache_write, cache_read).",
            ["model", "kind"], registry=registry,
        )
        self.cost = Counter(
            "undercurrent_judge_cost_usd", "Judge spend at list prices.", ["model"], registry=registry,
        )
        self.judged = Counter(
            "undercurrent_judged_sessions", "Sampled sessions that received a verdict, by quality.",
            ["feature", "domain", "quality"], registry=registry,
        )
        self.dead = Counter(
            "undercurrent_judge_dead_letters", "Sampled sessions the judge gave up on, by reason and stratum.",
            ["reason", "feature", "domain"], registry=registry,
        )
        self.retried = Counter(
            "undercurrent_judge_requeued",
            "Sampled sessions put on the judge retry topic after the judge API did not answer.",
            ["reason"], registry=registry,
        )
        self.ensembles = Counter(
            "undercurrent_judge_ensembles", "Sessions judged as an ensemble of several requests.", registry=registry,
        )
        self.disagreement = Counter(
            "undercurrent_judge_disagreement",
            "Ensembles whose votes on an archetype were not unanimous.", ["archetype"], registry=registry,
        )
        self.ensemble_weight = Counter(
            "undercurrent_judge_ensemble_weight",
            "Horvitz-Thompson weight 1/π of sessions judged as an ensemble of several requests.",
            registry=registry,
        )
        self.brier_variance = Counter(
            "undercurrent_judge_brier_variance",
            "1/π-weighted Brier variance of an ensemble's votes on an archetype, against its own majority; "
            "incoherence is its increase over that of undercurrent_judge_brier_error_total.",
            ["archetype"], registry=registry,
        )
        self.brier_error = Counter(
            "undercurrent_judge_brier_error",
            "1/π-weighted Brier error (bias² + variance) of an ensemble's votes on an archetype, "
            "against its own majority.",
            ["archetype"], registry=registry,
        )
        self.failure_weight = Counter(
            "undercurrent_failure_weight",
            "Horvitz-Thompson weight 1/π of judged failures; divide its increase by sessions closed.",
            ["archetype", "visibility", "feature", "domain", "release"], registry=registry,
        )
        self.failure_variance = Counter(
            "undercurrent_failure_weight_variance",
            "Variance term (1-π)/π² of judged failures, for the rate's standard error.",
            ["archetype", "visibility", "feature", "domain", "release"], registry=registry,
        )
        self.agreement_weight = Counter(
            "undercurrent_flag_agreement_weight",
            "Horvitz-Thompson weight 1/π of judged sessions by how a detector flag compares with the verdict "
            "(tp, fp, fn, tn); precision is tp/(tp+fp), recall tp/(tp+fn) over any window.",
            ["kind", "flag", "feature", "outcome"], registry=registry,
        )
        self.agreement_variance = Counter(
            "undercurrent_flag_agreement_weight_variance",
            "Variance term (1-π)/π² of the same sessions, for the linearised standard error of precision and recall.",
            ["kind", "flag", "feature", "outcome"], registry=registry,
        )
        self.agreement_sessions = Counter(
            "undercurrent_flag_agreement_sessions",
            "Judged sessions (unweighted) by how a detector flag compares with the verdict: the support.",
            ["kind", "flag", "feature", "outcome"], registry=registry,
        )
        self.consumer_lag = Gauge(
            "undercurrent_judge_queue_lag", "Judge requests waiting in the partition.", ["partition"],
            registry=registry,
        )
        self.retries = Counter(
            "undercurrent_judge_retries", "Judge requests re-handled after Redis or the broker failed.",
            ["stage"], registry=registry,
        )
        self.evaluation_events = Counter(
            "undercurrent_evaluation_events",
            "gen_ai.evaluation.result events sent to the OTLP endpoint, by outcome (exported, failed, dropped).",
            ["outcome"], registry=registry,
        )
        self.trajectories = TrajectoryMetrics(registry)


class TrajectoryMetrics:
    """Step-level verdicts on judged agent trajectories (see ``undercurrent.estimate.trajectories``)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.weight = Counter(
            "undercurrent_trajectory_weight",
            "Horvitz-Thompson weight 1/π of judged agent trajectories, by outcome (success: no major or "
            "critical step error); success / all is the trajectory success rate over any window.",
            ["feature", "outcome"], registry=registry,
        )
        self.variance = Counter(
            "undercurrent_trajectory_weight_variance",
            "Variance term (1-π)/π² of judged agent trajectories, for the success rate's standard error.",
            ["feature", "outcome"], registry=registry,
        )
        self.judged = Counter(
            "undercurrent_trajectories_judged", "Judged agent trajectories (unweighted), by outcome: the support.",
            ["feature", "outcome"], registry=registry,
        )
        self.step_error_weight = Counter(
            "undercurrent_step_error_weight",
            "Horvitz-Thompson weighted count y/π of erroneous agent steps; divide by the trajectory weight "
            "for errors per trajectory.",
            ["branch", "category", "severity", "feature"], registry=registry,
        )
        self.step_error_variance = Counter(
            "undercurrent_step_error_weight_variance",
            "Variance term (1-π)/π² · y² of erroneous agent steps, for the linearised standard error.",
            ["branch", "category", "severity", "feature"], registry=registry,
        )
        self.step_error_cross = Counter(
            "undercurrent_step_error_weight_cross",
            "Cross term (1-π)/π² · y of erroneous agent steps, for the linearised standard error.",
            ["branch", "category", "severity", "feature"], registry=registry,
        )
        self.first_error_position = Histogram(
            "undercurrent_trajectory_first_error_position",
            "Judged trajectories that went wrong (unweighted), by the share of their steps up to the first error.",
            ["feature"], buckets=POSITION_BUCKETS, registry=registry,
        )
        self.score = Histogram(
            "undercurrent_trajectory_score",
            "Final score of judged trajectories (unweighted): 100 minus the severity weights of their step errors.",
            ["feature"], buckets=SCORE_BUCKETS, registry=registry,
        )


class JudgeBatchMetrics:
    """The judge's Message Batches mode (``judge.mode=batch``)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.batches = Counter(
            "undercurrent_judge_batches",
            "Message Batches by event (submitted, collected, submit_failed, poll_failed).", ["event"],
            registry=registry,
        )
        self.sessions = Counter(
            "undercurrent_judge_batch_sessions", "Sampled sessions submitted in a Message Batch.", registry=registry,
        )
        self.open_sessions = Gauge(
            "undercurrent_judge_batch_open_sessions", "Sampled sessions waiting in the open batch, not yet submitted.",
            registry=registry,
        )
        self.pending = Gauge(
            "undercurrent_judge_batch_pending", "Submitted Message Batches not collected yet.", registry=registry,
        )
        self.turnaround = Histogram(
            "undercurrent_judge_batch_turnaround_seconds", "From submitting a Message Batch to collecting it.",
            buckets=(10, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400), registry=registry,
        )


class PredictionMetrics:
    """Ingest side of the model-assisted estimator (docs/estimation.md §7): every closed session, once."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        cell = ["archetype", "measure", "feature", "domain"]
        self.predicted = Counter(
            "undercurrent_predicted_failures",
            "Sum of the predicted failure probability f of closed sessions, by archetype and measure.",
            cell, registry=registry,
        )
        self.predicted_sq = Counter(
            "undercurrent_predicted_failures_sq", "Sum of f² over closed sessions.", cell, registry=registry,
        )
        self.predicted_sq_weight = Counter(
            "undercurrent_predicted_failures_sq_weight", "Sum of f²/π over closed sessions.", cell,
            registry=registry,
        )
        self.inclusion_weight = Counter(
            "undercurrent_inclusion_weight",
            "Sum of the inverse inclusion probability 1/π of closed sessions, sampled or not.",
            ["feature", "domain"], registry=registry,
        )


class ResidualMetrics:
    """Judge side of the model-assisted estimator (docs/estimation.md §7): every judged session, once.

    The residual Σ (y − f)/π is ``failure_weight − prediction_weight``; both parts only grow.
    """

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        cell = ["archetype", "measure", "feature", "domain"]
        self.failure_weight = Counter(
            "undercurrent_judged_failure_weight", "Sum of y/π over judged sessions (y = 1 for a judged failure).",
            cell, registry=registry,
        )
        self.failure_weight_sq = Counter(
            "undercurrent_judged_failure_weight_sq", "Sum of y/π² over judged sessions.", cell, registry=registry,
        )
        self.prediction_weight = Counter(
            "undercurrent_judged_prediction_weight",
            "Sum of f/π over judged sessions, f as predicted when the session closed.", cell, registry=registry,
        )
        self.hit_weight = Counter(
            "undercurrent_judged_hit_weight", "Sum of y·f/π over judged sessions.", cell, registry=registry,
        )
        self.hit_weight_sq = Counter(
            "undercurrent_judged_hit_weight_sq", "Sum of y·f/π² over judged sessions.", cell, registry=registry,
        )
