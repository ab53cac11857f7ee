"""aiokafka client arguments from :class:`~undercurrent.config.KafkaSettings`.

Shared by every aiokafka client of the project (producers and consumers take the
same connection and security arguments).
"""

from __future__ import annotations

from typing import Any

from aiokafka.helpers import create_ssl_context

from ..config import KafkaSettings


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
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
