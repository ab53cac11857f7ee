"""Typed settings, read from ``UNDERCURRENT_*`` environment variables.

Nested fields use ``__`` as the delimiter, e.g.
``UNDERCURRENT_SESSIONS__IDLE_TIMEOUT_S=900`` or
``UNDERCURRENT_SESSIONS__IDLE_TIMEOUT_BY_FEATURE='{"search": 300}'``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_USER_ID_KEY_CHARS = 16


class KafkaSettings(BaseModel):
    bootstrap: str = "127.0.0.1:9092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    partitions: int = Field(4, ge=1, description="partitions for topics the service creates")
    max_request_bytes: int = Field(
        1_048_576, ge=65_536,
        description="largest record the service produces (keep ≤ the broker's message.max.bytes); "
        "dead letters and session records are cut to fit",
    )
    rebalance_timeout_s: float = Field(6.0, gt=0, description="how long a rebalance waits for members to rejoin")
    session_timeout_s: float = Field(
        10.0,
        ge=3.0,
        description="a member without a heartbeat (every second) for this long leaves the group; "
        "some brokers hold a new group's first join for about half of it",
    )


class TopicSettings(BaseModel):
    chat: str = "undercurrent.chat"
    client: str = "undercurrent.client"
    otlp: str = "undercurrent.otlp"
    sessions: str = "undercurrent.sessions"
    dlq: str = "undercurrent.dlq"
    judge_requests: str = "undercurrent.judge.requests"
    judge_verdicts: str = "undercurrent.judge.verdicts"
    judge_dlq: str = "undercurrent.judge.dlq"
    judge_retry: str = "undercurrent.judge.retry"


class SessionSettings(BaseModel):
    idle_timeout_s: float = Field(1800.0, gt=0, description="event-time idle gap that closes a session")
    idle_timeout_by_feature: dict[str, float] = Field(default_factory=dict)
    max_duration_s: float = Field(6 * 3600.0, gt=0)
    close_grace_s: float = Field(
        5.0, ge=0, description="wall-clock quiet time a session needs before it may close"
    )
    retention_s: int = Field(7 * 24 * 3600, gt=0, description="how long closed sessions stay in Redis")
    sweep_interval_s: float = Field(1.0, gt=0)
    sweep_batch: int = Field(100, ge=1)
    close_workers: int = Field(
        1, ge=0, description="processes that run the close stages off the ingest loop; 0 runs them on it "
        "(so does the worker while they start)"
    )
    claim_lease_s: float = Field(60.0, gt=0, description="a claimed close not published by then is retried")
    max_future_skew_s: float = Field(
        300.0, ge=0, description="events further ahead of the worker's clock are dead-lettered (future_timestamp)"
    )
    watermark_quiet_s: float = Field(
        30.0, gt=0, description="an input partition with no traffic for this long stops holding closes back"
    )

    def idle_timeout_for(self, feature: str) -> float:
        return self.idle_timeout_by_feature.get(feature, self.idle_timeout_s)


class IngestSettings(BaseModel):
    max_message_bytes: int = Field(
        1_048_576, gt=0, description="larger input messages are dead-lettered (oversized), their body cut to fit"
    )
    batch_max_messages: int = Field(500, ge=1, description="Kafka messages per fetch, handled as one batch")
    fetch_max_wait_ms: int = Field(
        100, ge=0, description="how long the broker may hold a fetch of the input topics for new records"
    )


class OtlpSettings(BaseModel):
    encoding: Literal["otlp_proto", "otlp_json"] = Field(
        "otlp_proto", description="how the Collector's Kafka exporter encodes trace batches on the OTLP topic"
    )


class EvaluationExportSettings(BaseModel):
    """Verdicts sent out as OpenTelemetry ``gen_ai.evaluation.result`` events (OTLP/HTTP protobuf logs)."""

    endpoint: str | None = Field(
        None, description="OTLP/HTTP logs URL, e.g. http://otel-collector:4318/v1/logs; unset: nothing is exported"
    )
    headers: dict[str, SecretStr] = Field(default_factory=dict, description="sent with every export (auth)")
    timeout_s: float = Field(10.0, gt=0, description="per export request, retries included")
    max_queue_size: int = Field(2048, ge=1, description="events waiting for export; beyond it new ones are dropped")
    max_export_batch_size: int = Field(512, ge=1)
    schedule_delay_s: float = Field(1.0, gt=0, description="longest wait before a partial batch is exported")


class LabelSettings(BaseModel):
    """Allow-lists that keep metric label cardinality bounded; anything else is ``other``."""

    features: list[str] = Field(default_factory=lambda: ["default"])
    domains: list[str] | None = Field(
        None, description="allowed domain label values; None means the taxonomy's verticals"
    )
    languages: list[str] = Field(
        default_factory=lambda: ["en", "zh", "ko", "ja", "es", "de", "fr", "pt", "ru"],
        description="language label values (ISO 639-1) besides 'other' and 'und' (too little text to tell)",
    )


class ReleaseSettings(BaseModel):
    """The ``release`` label (``model@prompt_version``): named releases plus ``other``; see docs/releases.md."""

    allow: list[str] = Field(
        default_factory=list, description="releases that always keep their name (series exist from start-up)"
    )
    top_n: int = Field(5, ge=0, le=50, description="further releases named by recent traffic; the rest are 'other'")
    min_sessions: int = Field(20, ge=1, description="recent sessions a release needs before it takes a top-N slot")
    baseline: str | None = Field(
        None, description="the release UndercurrentReleaseRegression compares every other release with"
    )

    def names(self) -> list[str]:
        """Allow-listed releases, the baseline included."""
        return sorted({*self.allow, *([self.baseline] if self.baseline else [])})


class DetectorSettings(BaseModel):
    enabled: bool = True
    walkaway_gap_s: float = Field(600.0, gt=0, description="quiet time after an assistant turn that counts as leaving")
    walkaway_gap_by_feature: dict[str, float] = Field(default_factory=dict)
    risk_model: str | None = Field(
        None, description="risk model file written by `undercurrent calibrate`; None means the one shipped"
    )


class SamplingSettings(BaseModel):
    """Who the judge sees. Every closed session gets π ≥ ``floor`` > 0."""

    policy_version: str = "v1"
    salt: str = "undercurrent-v1"
    floor: float = Field(0.01, gt=0, le=1)
    base_rate: float = Field(0.05, gt=0, le=1)
    full_risk_rate: float = Field(0.5, gt=0, le=1)
    feature_min_rates: dict[str, float] = Field(default_factory=dict)
    domain_min_rates: dict[str, float] = Field(default_factory=dict)
    requests_per_minute: float = Field(50.0, gt=0, description="judge request budget, all replicas together")
    usd_per_hour: float = Field(5.0, gt=0, description="judge spend budget, all replicas together")
    budget_refresh_s: float = Field(5.0, gt=0)


class JudgeSettings(BaseModel):
    model: str = "claude-sonnet-4-6"
    base_url: str | None = Field(None, description="defaults to the SDK's ANTHROPIC_BASE_URL handling")
    max_tokens: int = Field(1024, gt=0)
    temperature: float | None = Field(None, ge=0, le=1)
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0)
    concurrency: int = Field(4, ge=1)
    requests_per_minute: float = Field(50.0, gt=0, description="per judge worker")
    ensemble_k: int = Field(1, ge=1, le=9)
    price_overrides: dict[str, dict[str, float]] = Field(default_factory=dict)
    batch_max_messages: int = Field(16, ge=1)
    retry_max_attempts: int = Field(
        4, ge=1, description="attempts per session (the first included) when the judge API does not answer"
    )
    retry_backoff_s: float = Field(15.0, ge=0, description="wait before the second attempt; doubles after")
    retry_backoff_max_s: float = Field(120.0, ge=0, description="longest wait between attempts")
    breaker_threshold: int = Field(5, ge=1, description="consecutive API failures that open the circuit")
    breaker_ttl_s: float = Field(30.0, gt=0, description="how long the open circuit fails calls at once")
    mode: Literal["interactive", "batch"] = Field(
        "interactive", description="batch: judge through the Message Batches API at half the price, within 24 h"
    )
    batch_max_sessions: int = Field(500, ge=1, description="sessions per Message Batch (submitted when full)")
    batch_max_age_s: float = Field(300.0, gt=0, description="longest a session waits in an open batch")
    batch_poll_s: float = Field(30.0, gt=0, description="first wait before polling a batch; doubles per poll")
    batch_poll_max_s: float = Field(600.0, gt=0, description="longest wait between polls of a batch")


class RedactionSettings(BaseModel):
    """PII redaction of text that leaves the process (published records, judge requests, the evidence view)."""

    extra_patterns: dict[str, str] = Field(default_factory=dict, description="label -> regex")
    user_id_key: SecretStr | None = Field(
        None,
        description="HMAC-SHA256 key for user id pseudonyms (at least 16 characters, the same on every replica); "
        "unset: a random key per process, with a warning",
    )

    @field_validator("user_id_key")
    @classmethod
    def _long_enough(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None and len(key.get_secret_value()) < MIN_USER_ID_KEY_CHARS:
            raise ValueError(f"must have at least {MIN_USER_ID_KEY_CHARS} characters (try `openssl rand -hex 32`)")
        return key


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UNDERCURRENT_", env_nested_delimiter="__", extra="ignore")

    app_id: str = "undercurrent"
    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    redis_key_prefix: str = "uc"
    redis_cluster: bool = Field(
        False,
        description="redis_url names a node of a Redis Cluster: sessions are spread over one hash tag per "
        "input partition (kafka.partitions of them); false: one Redis primary",
    )
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    topics: TopicSettings = Field(default_factory=TopicSettings)
    sessions: SessionSettings = Field(default_factory=SessionSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    otlp: OtlpSettings = Field(default_factory=OtlpSettings)
    labels: LabelSettings = Field(default_factory=LabelSettings)
    releases: ReleaseSettings = Field(default_factory=ReleaseSettings)
    detectors: DetectorSettings = Field(default_factory=DetectorSettings)
    sampling: SamplingSettings = Field(default_factory=SamplingSettings)
    judge: JudgeSettings = Field(default_factory=JudgeSettings)
    evaluation_export: EvaluationExportSettings = Field(default_factory=EvaluationExportSettings)
    redaction: RedactionSettings = Field(default_factory=RedactionSettings)
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9464
    log_format: Literal["json", "console", "auto"] = "auto"
    log_level: str = "INFO"
    data_dir: str = Field("./var", description="the workers' working files (faust keeps its app directory here)")
