"""The evaluation events exporter against a real OTLP/HTTP receiver, an absent one, and no configuration."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from prometheus_client import CollectorRegistry

from tests.support.otlp_receiver import OtlpLogReceiver
from undercurrent.config import EvaluationExportSettings, Settings
from undercurrent.metrics.definitions import JudgeMetrics
from undercurrent.otlp.evaluations import EvaluationEvent
from undercurrent.otlp.export import EvaluationExporter
from undercurrent.sessions.model import TraceLink
from undercurrent.wiring.connections import evaluation_exporter

TRACE, SPAN = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"


@pytest.fixture
async def receiver() -> AsyncIterator[OtlpLogReceiver]:
    async with OtlpLogReceiver() as server:
        yield server


def event(name: str, link: TraceLink | None) -> EvaluationEvent:
    return EvaluationEvent(attributes={"gen_ai.evaluation.name": name, "gen_ai.evaluation.score.value": 1.0},
                           link=link, timestamp_ms=1_700_000_000_123)


def counts(registry: CollectorRegistry) -> dict[str, float]:
    """Events by outcome; a series never incremented counts 0."""
    return {outcome: registry.get_sample_value("undercurrent_evaluation_events_total", {"outcome": outcome}) or 0.0
            for outcome in ("exported", "failed", "dropped")}


def test_nothing_is_exported_without_an_endpoint() -> None:
    settings = Settings()
    assert settings.evaluation_export.endpoint is None
    assert evaluation_exporter(settings, JudgeMetrics(CollectorRegistry()).evaluation_events) is None


async def test_events_reach_the_receiver_parented_to_their_span_or_unparented(receiver: OtlpLogReceiver) -> None:
    registry = CollectorRegistry()
    metrics = JudgeMetrics(registry)
    settings = Settings(app_id="acme", evaluation_export=EvaluationExportSettings(
        endpoint=receiver.endpoint, schedule_delay_s=0.05))
    exporter = evaluation_exporter(settings, metrics.evaluation_events)
    assert exporter is not None
    exporter.emit([event("drift", TraceLink(trace_id=TRACE, span_id=SPAN, response_id="msg_1")),
                   event("walkaway", TraceLink(response_id="msg_2")), event("none", None)])
    received = {r.attributes["gen_ai.evaluation.name"]: r for r in await receiver.wait_for(3)}
    await asyncio.to_thread(exporter.shutdown)
    drift = received["drift"].record
    assert (drift.trace_id.hex(), drift.span_id.hex(), drift.time_unix_nano) == (TRACE, SPAN, 1_700_000_000_123_000_000)
    assert {(r.record.trace_id, r.record.span_id) for n, r in received.items() if n != "drift"} == {(b"", b"")}
    assert {r.record.event_name for r in received.values()} == {"gen_ai.evaluation.result"}
    assert {r.resource["service.name"] for r in received.values()} == {"acme-judge"}
    assert counts(registry) == {"exported": 3, "failed": 0, "dropped": 0}


async def test_an_unreachable_receiver_neither_blocks_nor_raises_and_every_event_is_counted() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}/v1/logs"
    registry = CollectorRegistry()
    metrics = JudgeMetrics(registry)
    exporter = EvaluationExporter(
        EvaluationExportSettings(endpoint=endpoint, max_queue_size=2, timeout_s=0.5, schedule_delay_s=0.05),
        metrics.evaluation_events, service_name="judge",
    )
    exporter.emit([event(f"e{i}", None) for i in range(5)])  # two fit the queue, three are dropped
    assert counts(registry)["dropped"] == 3
    await asyncio.to_thread(exporter.shutdown)
    assert counts(registry) == {"exported": 0, "failed": 2, "dropped": 3}
