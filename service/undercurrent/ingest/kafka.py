"""Kafka connection options (TLS, SASL), the faust app factory and consumer lag, from settings."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class PartitionProgress:
    tp: Any
    next_offset: int
    lag: int


async def partition_progress(
    consumer: Any, topics: Collection[str], processed: Mapping[Any, int]
) -> list[PartitionProgress]:
    """Next offset to process and messages behind the high-water mark, for every assigned partition of
    ``topics``, including partitions nothing was processed from since start-up (a partition stuck on its
    first message must show its lag too). Asks the broker for high-water marks: fails while it is down.
    """
    assigned = sorted((tp for tp in consumer.assignment() if tp.topic in topics), key=lambda tp: tp[:2])
    if not assigned:
        return []
    highwaters = await consumer.highwaters(*assigned)
    # faust keeps the group's committed offsets per partition (read at assignment, updated on commit)
    committed = consumer._committed_offset
    out = []
    for tp in assigned:
        done = processed.get(tp)
        next_offset = max(done + 1 if done is not None else 0, committed.get(tp) or 0)
        highwater = highwaters.get(tp)
        if highwater is not None:
            out.append(PartitionProgress(tp, next_offset, max(0, highwater - next_offset)))
    return out


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
