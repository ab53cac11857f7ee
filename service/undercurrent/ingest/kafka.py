"""Kafka connection options (TLS, SASL) for the faust worker, from settings."""

from __future__ import annotations

from typing import Any

import faust
from aiokafka.helpers import create_ssl_context

from ..config import KafkaSettings


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
