"""Kafka connection options (TLS, SASL) and the faust app factory, from settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faust
from aiokafka.helpers import create_ssl_context

from ..config import KafkaSettings, Settings


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """aiokafka client arguments (connection and security) shared by every client of the project."""
    options: dict[str, Any] = {
        "bootstrap_servers": kafka.bootstrap,
        "security_protocol": kafka.security_protocol,
    }
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = create_ssl_context(
            cafile=kafka.ssl_cafile, certfile=kafka.ssl_certfile, keyfile=kafka.ssl_keyfile
        )
    if kafka.security_protocol in ("SASL_PLAINTEXT", "SASL_SSL"):
        if kafka.sasl_mechanism is None or kafka.sasl_username is None or kafka.sasl_password is None:
            protocol = kafka.security_protocol
            raise ValueError(f"{protocol} needs sasl_mechanism, sasl_username and sasl_password")
        options["sasl_mechanism"] = kafka.sasl_mechanism
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = kafka.sasl_password.get_secret_value()
    return options


def faust_broker_options(kafka: KafkaSettings) -> dict[str, Any]:
    """The same security settings as :func:`client_options`, in the shape ``faust.App`` takes."""
    options = client_options(kafka)
    if kafka.security_protocol == "PLAINTEXT":
        return {}
    if kafka.security_protocol == "SSL":
        return {"broker_credentials": faust.SSLCredentials(options["ssl_context"])}
    return {
        "broker_credentials": faust.SASLCredentials(
            username=options["sasl_plain_username"],
            password=options["sasl_plain_password"],
            ssl_context=options.get("ssl_context"),
            mechanism=options["sasl_mechanism"],
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
        broker_session_timeout=kafka.session_timeout_s,
        broker_heartbeat_interval=1.0,
        consumer_auto_offset_reset="earliest",
        datadir=Path(settings.data_dir) / f"{app_id}-data",
        producer_max_request_size=kafka.max_request_bytes,
        **options,
    )
