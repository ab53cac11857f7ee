"""Every Prometheus metric the service exports, declared once.

Metrics are built against an injectable registry so tests use a fresh one.
Session and user ids never become label values.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, Info

from .. import conventions as names

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
            names.EVENTS, "Events consumed, by topic, type and outcome.",
            ["topic", "type", "outcome"], registry=registry,
        )
        self.dlq = Counter(
            names.DLQ_MESSAGES, "Messages or envelope items sent to the dead-letter topic.",
            ["topic", "reason"], registry=registry,
        )
        self.batch_seconds = Histogram(
            names.INGEST_BATCH_DURATION_SECONDS, "Time to process one batch of Kafka messages.",
            ["topic"], registry=registry,
        )
        self.consumer_lag = Gauge(
            names.CONSUMER_LAG,
            "Messages of an assigned input partition not yet processed (high-water mark minus next offset).",
            ["topic", "partition"], registry=registry,
        )
        self.consumer_offset = Gauge(
            names.CONSUMER_OFFSET,
            "Next offset to process in an assigned input partition; flat while lag is positive means stuck.",
            ["topic", "partition"], registry=registry,
        )
        self.retries = Counter(
            names.RETRIES,
            "Steps retried or periodic tasks failed because Redis or the broker was unavailable.",
            ["stage"], registry=registry,
        )
        self.processing_errors = Counter(
            names.PROCESSING_ERRORS,
            "Messages or sessions that failed on a bug or unexpected data rather than on bad input.",
            ["stage"], registry=registry,
        )
        self.otlp_spans = Counter(
            names.OTLP_SPANS, "Spans of OTLP trace batches, by what became of them.",
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
            names.SESSIONS_OPEN,
            "Sessions open or closing in the shared store (the same value on every replica; aggregate with max).",
            registry=registry,
        )
        self.closed = Counter(
            names.SESSIONS_CLOSED, "Sessions closed and published, by close reason.",
            ["feature", "domain", "reason", "release"], registry=registry,
        )
        self.close_delay = Histogram(
            names.SESSION_CLOSE_DELAY_SECONDS,
            "Wall-clock seconds from a session's last accepted event to its record being published.",
            buckets=CLOSE_DELAY_BUCKETS, registry=registry,
        )
        self.republished = Counter(
            names.SESSIONS_REPUBLISHED,
            "Session records published again because a claim's lease expired before it was finalised.",
            registry=registry,
        )
        self.late_in_record = Counter(
            names.SESSION_LATE_EVENTS,
            "Late events carried by published session records.", registry=registry,
        )
        self.closing = Gauge(
            names.SESSIONS_CLOSING,
            "Sessions this worker has claimed and is closing now (at most one sweep batch).", registry=registry,
        )
        self.close_pool_ready = Gauge(
            names.CLOSE_POOL_READY,
            "1 while this worker builds session records in its close processes; 0 while it builds them on its "
            "event loop (close processes starting, restarting after one died, or sessions.close_workers = 0).",
            registry=registry,
        )
        self.close_pool_breaks = Counter(
            names.CLOSE_POOL_BREAKS,
            "Times a close process died or failed to start; the batch in hand was built on the event loop and "
            "new processes were started.", registry=registry,
        )
        self.release_baseline = Gauge(
            names.RELEASE_BASELINE,
            "1 for the configured baseline release that UndercurrentReleaseRegression compares releases with.",
            ["release"], registry=registry,
        )


class DetectorMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.signals = Counter(
            names.SIGNAL_SESSIONS, "Closed sessions in which a heuristic signal fired.",
            ["signal", "feature", "domain", "release"], registry=registry,
        )
        self.archetypes = Counter(
            names.HEURISTIC_ARCHETYPE_SESSIONS,
            "Closed sessions flagged by the heuristic archetype rules (cheap estimates, not verdicts).",
            ["archetype", "visibility", "feature", "domain", "release"], registry=registry,
        )
        self.risk = Histogram(
            names.SESSION_RISK_SCORE, "Heuristic risk score of closed sessions.",
            ["feature"], buckets=RISK_BUCKETS, registry=registry,
        )
        self.seconds = Histogram(
            names.DETECTOR_DURATION_SECONDS, "Time to run all session detectors on one session.",
            buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5), registry=registry,
        )
        self.risk_model = Info(
            names.RISK_MODEL, "Version of the risk model the detectors score with.", registry=registry,
        )
        self.signals_by_language = Counter(
            names.LANGUAGE_SIGNAL_SESSIONS,
            "Closed sessions in which a heuristic signal fired, by the language of the user's words.",
            ["signal", "language"], registry=registry,
        )


class LanguageMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.sessions = Counter(
            names.LANGUAGE_SESSIONS,
            "Closed sessions by the language of the user's words ('und': too little text to tell).",
            ["feature", "language"], registry=registry,
        )
        self.seconds = Histogram(
            names.LANGUAGE_DURATION_SECONDS, "Time to identify the language of one session.",
            buckets=(0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01), registry=registry,
        )


class SamplingMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.sampled = Counter(
            names.JUDGE_SAMPLED_SESSIONS, "Closed sessions chosen for the judge.",
            ["feature", "domain"], registry=registry,
        )
        self.inclusion = Histogram(
            names.JUDGE_INCLUSION_PROBABILITY, "Inclusion probability π given to closed sessions.",
            buckets=(0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0), registry=registry,
        )
        self.floor_binding = Counter(
            names.SAMPLING_FLOOR_BINDING,
            "Closed sessions whose π was held at the floor although the budget asked for less.",
            ["feature", "domain"], registry=registry,
        )
        self.budget_scale = Gauge(
            names.JUDGE_BUDGET_SCALE, "Factor (0, 1] the judge budget applies to sampling rates.",
            registry=registry,
        )
        self.budget_remaining = Gauge(
            names.JUDGE_BUDGET_REMAINING_USD,
            "Judge spend still allowed this hour at the current rate (USD per hour).", registry=registry,
        )


class JudgeMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.requests = Counter(
            names.JUDGE_REQUESTS, "Judge API requests by outcome.", ["model", "outcome"], registry=registry,
        )
        self.duration = Histogram(
            names.JUDGE_REQUEST_DURATION_SECONDS, "Judge API request latency, retries included.",
            ["model"], buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120), registry=registry,
        )
        self.tokens = Counter(
            names.JUDGE_TOKENS, "Judge tokens by kind (input, output, cache_write, cache_read).",
            ["model", "kind"], registry=registry,
        )
        self.cost = Counter(
            names.JUDGE_COST_USD, "Judge spend at list prices.", ["model"], registry=registry,
        )
        self.judged = Counter(
            names.JUDGED_SESSIONS, "Sampled sessions that received a verdict, by quality.",
            ["feature", "domain", "quality"], registry=registry,
        )
        self.dead = Counter(
            names.JUDGE_DEAD_LETTERS, "Sampled sessions the judge gave up on, by reason and stratum.",
            ["reason", "feature", "domain"], registry=registry,
        )
        self.retried = Counter(
            names.JUDGE_REQUEUED,
            "Sampled sessions put on the judge retry topic after the judge API did not answer.",
            ["reason"], registry=registry,
        )
        self.ensembles = Counter(
            names.JUDGE_ENSEMBLES, "Sessions judged as an ensemble of several requests.", registry=registry,
        )
        self.disagreement = Counter(
            names.JUDGE_DISAGREEMENT,
            "Ensembles whose votes on an archetype were not unanimous.", ["archetype"], registry=registry,
        )
        self.ensemble_weight = Counter(
            names.JUDGE_ENSEMBLE_WEIGHT,
            "Horvitz-Thompson weight 1/π of sessions judged as an ensemble of several requests.",
            registry=registry,
        )
        self.brier_variance = Counter(
            names.JUDGE_BRIER_VARIANCE,
            "1/π-weighted Brier variance of an ensemble's votes on an archetype, against its own majority; "
            "incoherence is its increase over that of undercurrent_judge_brier_error_total.",
            ["archetype"], registry=registry,
        )
        self.brier_error = Counter(
            names.JUDGE_BRIER_ERROR,
            "1/π-weighted Brier error (bias² + variance) of an ensemble's votes on an archetype, "
            "against its own majority.",
            ["archetype"], registry=registry,
        )
        self.failure_weight = Counter(
            names.FAILURE_WEIGHT,
            "Horvitz-Thompson weight 1/π of judged failures; divide its increase by sessions closed.",
            ["archetype", "visibility", "feature", "domain", "release"], registry=registry,
        )
        self.failure_variance = Counter(
            names.FAILURE_WEIGHT_VARIANCE,
            "Variance term (1-π)/π² of judged failures, for the rate's standard error.",
            ["archetype", "visibility", "feature", "domain", "release"], registry=registry,
        )
        self.agreement_weight = Counter(
            names.FLAG_AGREEMENT_WEIGHT,
            "Horvitz-Thompson weight 1/π of judged sessions by how a detector flag compares with the verdict "
            "(tp, fp, fn, tn); precision is tp/(tp+fp), recall tp/(tp+fn) over any window.",
            ["kind", "flag", "feature", "outcome"], registry=registry,
        )
        self.agreement_variance = Counter(
            names.FLAG_AGREEMENT_WEIGHT_VARIANCE,
            "Variance term (1-π)/π² of the same sessions, for the linearised standard error of precision and recall.",
            ["kind", "flag", "feature", "outcome"], registry=registry,
        )
        self.agreement_sessions = Counter(
            names.FLAG_AGREEMENT_SESSIONS,
            "Judged sessions (unweighted) by how a detector flag compares with the verdict: the support.",
            ["kind", "flag", "feature", "outcome"], registry=registry,
        )
        self.consumer_lag = Gauge(
            names.JUDGE_QUEUE_LAG, "Judge requests waiting in the partition.", ["partition"],
            registry=registry,
        )
        self.retries = Counter(
            names.JUDGE_RETRIES, "Judge requests re-handled after Redis or the broker failed.",
            ["stage"], registry=registry,
        )
        self.evaluation_events = Counter(
            names.EVALUATION_EVENTS,
            "gen_ai.evaluation.result events sent to the OTLP endpoint, by outcome (exported, failed, dropped).",
            ["outcome"], registry=registry,
        )
        self.trajectories = TrajectoryMetrics(registry)


class TrajectoryMetrics:
    """Step-level verdicts on judged agent trajectories (see ``undercurrent.estimate.trajectories``)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.weight = Counter(
            names.TRAJECTORY_WEIGHT,
            "Horvitz-Thompson weight 1/π of judged agent trajectories, by outcome (success: no major or "
            "critical step error); success / all is the trajectory success rate over any window.",
            ["feature", "outcome"], registry=registry,
        )
        self.variance = Counter(
            names.TRAJECTORY_WEIGHT_VARIANCE,
            "Variance term (1-π)/π² of judged agent trajectories, for the success rate's standard error.",
            ["feature", "outcome"], registry=registry,
        )
        self.judged = Counter(
            names.TRAJECTORIES_JUDGED, "Judged agent trajectories (unweighted), by outcome: the support.",
            ["feature", "outcome"], registry=registry,
        )
        self.step_error_weight = Counter(
            names.STEP_ERROR_WEIGHT,
            "Horvitz-Thompson weighted count y/π of erroneous agent steps; divide by the trajectory weight "
            "for errors per trajectory.",
            ["branch", "category", "severity", "feature"], registry=registry,
        )
        self.step_error_variance = Counter(
            names.STEP_ERROR_WEIGHT_VARIANCE,
            "Variance term (1-π)/π² · y² of erroneous agent steps, for the linearised standard error.",
            ["branch", "category", "severity", "feature"], registry=registry,
        )
        self.step_error_cross = Counter(
            names.STEP_ERROR_WEIGHT_CROSS,
            "Cross term (1-π)/π² · y of erroneous agent steps, for the linearised standard error.",
            ["branch", "category", "severity", "feature"], registry=registry,
        )
        self.first_error_position = Histogram(
            names.TRAJECTORY_FIRST_ERROR_POSITION,
            "Judged trajectories that went wrong (unweighted), by the share of their steps up to the first error.",
            ["feature"], buckets=POSITION_BUCKETS, registry=registry,
        )
        self.score = Histogram(
            names.TRAJECTORY_SCORE,
            "Final score of judged trajectories (unweighted): 100 minus the severity weights of their step errors.",
            ["feature"], buckets=SCORE_BUCKETS, registry=registry,
        )


class JudgeBatchMetrics:
    """The judge's Message Batches mode (``judge.mode=batch``)."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.batches = Counter(
            names.JUDGE_BATCHES,
            "Message Batches by event (submitted, collected, submit_failed, poll_failed).", ["event"],
            registry=registry,
        )
        self.sessions = Counter(
            names.JUDGE_BATCH_SESSIONS, "Sampled sessions submitted in a Message Batch.", registry=registry,
        )
        self.open_sessions = Gauge(
            names.JUDGE_BATCH_OPEN_SESSIONS, "Sampled sessions waiting in the open batch, not yet submitted.",
            registry=registry,
        )
        self.pending = Gauge(
            names.JUDGE_BATCH_PENDING, "Submitted Message Batches not collected yet.", registry=registry,
        )
        self.turnaround = Histogram(
            names.JUDGE_BATCH_TURNAROUND_SECONDS, "From submitting a Message Batch to collecting it.",
            buckets=(10, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400), registry=registry,
        )


class PredictionMetrics:
    """Ingest side of the model-assisted estimator (docs/estimation.md §7): every closed session, once."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        cell = ["archetype", "measure", "feature", "domain"]
        self.predicted = Counter(
            names.PREDICTED_FAILURES,
            "Sum of the predicted failure probability f of closed sessions, by archetype and measure.",
            cell, registry=registry,
        )
        self.predicted_sq = Counter(
            names.PREDICTED_FAILURES_SQ, "Sum of f² over closed sessions.", cell, registry=registry,
        )
        self.predicted_sq_weight = Counter(
            names.PREDICTED_FAILURES_SQ_WEIGHT, "Sum of f²/π over closed sessions.", cell,
            registry=registry,
        )
        self.inclusion_weight = Counter(
            names.INCLUSION_WEIGHT,
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
            names.JUDGED_FAILURE_WEIGHT, "Sum of y/π over judged sessions (y = 1 for a judged failure).",
            cell, registry=registry,
        )
        self.failure_weight_sq = Counter(
            names.JUDGED_FAILURE_WEIGHT_SQ, "Sum of y/π² over judged sessions.", cell, registry=registry,
        )
        self.prediction_weight = Counter(
            names.JUDGED_PREDICTION_WEIGHT,
            "Sum of f/π over judged sessions, f as predicted when the session closed.", cell, registry=registry,
        )
        self.hit_weight = Counter(
            names.JUDGED_HIT_WEIGHT, "Sum of y·f/π over judged sessions.", cell, registry=registry,
        )
        self.hit_weight_sq = Counter(
            names.JUDGED_HIT_WEIGHT_SQ, "Sum of y·f/π² over judged sessions.", cell, registry=registry,
        )
