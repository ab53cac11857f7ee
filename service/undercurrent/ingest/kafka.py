"""Kafka connection options (TLS, SASL) and the faust app factory, from settings."""

from __future__ import annotations

from typing import Any

import faust
from aiokafka.helpers import create_ssl_context

from ..config import KafkaSettings, Settings


def faust_broker_options(kafka: KafkaSettings) -> dict[str, Any]:
    """``faust.App`` keyword arguments for the configured security protocol."""
    if kafka.security_protocol == "PLAINTEXT":
        return {}
    ssl_context = None
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        ssl_context = create_ssl_context(
            cafile=kafka.ssl_cafile, certfile=kafka.ssl_certfile, keyfile=kafka.ssl_keyfile
        )
    if kafka.security_protocol == "SSL":
        return {"broker_credentials": faust.SSLCredentials(ssl_context)}
    password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    return {
        "broker_credentials": faust.SASLCredentials(
            username=kafka.sasl_username,
            password=password,
            ssl_context=ssl_context,
            mechanism=kafka.sasl_mechanism or "PLAIN",
        )
    }


def faust_app(app_id: str, settings: Settings, **options: Any) -> faust.App:
    """A faust app on raw bytes with the service's broker, security and rebalance settings."""
    kafka = settings.kafka
    return faust.App(
        app_id,
        broker=f"kafka://{kafka.bootstrap}",
        **faust_broker_options(kafka),
        value_serializer="raw",
        key_serializer="raw",
        web_enabled=False,
        store="memory://",
        topic_partitions=kafka.partitions,
        topic_replication_factor=1,
        broker_rebalance_timeout=kafka.rebalance_timeout_s,
        broker_session_timeout=max(10.0, kafka.rebalance_timeout_s),
        broker_heartbeat_interval=1.0,
        consumer_auto_offset_reset="earliest",
        **options,
    )
