"""Every Prometheus metric the service exports, declared once.

Metrics are built against an injectable registry so tests use a fresh one.
Session and user ids never become label values.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

OUTCOMES = ("accepted", "invalid", "duplicate", "late")
CLOSE_DELAY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 2700, 3600, 7200, 14400, 28800)
RISK_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


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
            "undercurrent_consumer_lag", "Messages behind the partition's high-water mark.",
            ["topic", "partition"], registry=registry,
        )


class SessionMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.open = Gauge(
            "undercurrent_sessions_open",
            "Sessions open or closing in the shared store (the same value on every replica; aggregate with max).",
            registry=registry,
        )
        self.closed = Counter(
            "undercurrent_sessions_closed", "Sessions closed and published, by close reason.",
            ["feature", "domain", "reason"], registry=registry,
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


class DetectorMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.signals = Counter(
            "undercurrent_signal_sessions", "Closed sessions in which a heuristic signal fired.",
            ["signal", "feature", "domain"], registry=registry,
        )
        self.archetypes = Counter(
            "undercurrent_heuristic_archetype_sessions",
            "Closed sessions flagged by the heuristic archetype rules (cheap estimates, not verdicts).",
            ["archetype", "visibility", "feature", "domain"], registry=registry,
        )
        self.risk = Histogram(
            "undercurrent_session_risk_score", "Heuristic risk score of closed sessions.",
            ["feature"], buckets=RISK_BUCKETS, registry=registry,
        )
        self.seconds = Histogram(
            "undercurrent_detector_duration_seconds", "Time to run all session detectors on one session.",
            buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5), registry=registry,
        )
