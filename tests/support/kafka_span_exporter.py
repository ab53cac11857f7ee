"""A span exporter that writes what the OpenTelemetry Collector's Kafka exporter writes.

Each export call becomes one Kafka message holding an ``ExportTraceServiceRequest`` in protobuf
bytes (the exporter's ``otlp_proto`` encoding), built by the OTLP exporters' own encoder, so the
worker reads exactly the bytes a Collector would have put on the topic.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from aiokafka.errors import KafkaError
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from tests.integration.harness import produce

RETRY_S = 120.0


class KafkaOtlpExporter(SpanExporter):
    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.batches: list[bytes] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Called from the SDK's processor thread, which runs no event loop of its own.

        Retried until the topic exists (the worker creates it when it starts), as the Collector's
        exporter retries a failed send.
        """
        data = encode_spans(spans).SerializeToString()
        deadline = time.monotonic() + RETRY_S
        while True:
            try:
                asyncio.run(produce(self.bootstrap, [(self.topic, "otlp", data)]))
                break
            except KafkaError:
                if time.monotonic() > deadline:
                    return SpanExportResult.FAILURE
                time.sleep(1)
        self.batches.append(data)
        return SpanExportResult.SUCCESS
