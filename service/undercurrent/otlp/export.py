"""Evaluation events out through the OpenTelemetry SDK: logs API → batch processor → OTLP/HTTP.

The judge only hands events to a bounded queue; the SDK's batch processor exports them from its
own thread, so a slow, failing or absent receiver never blocks or fails a verdict. Every event is
counted once by what became of it (``undercurrent_evaluation_events_total{outcome}``):
``exported``, ``failed`` (the receiver refused it or could not be reached within the timeout,
after the exporter's own retries), ``dropped`` (the queue was full).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter, LogRecordExportResult
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, set_span_in_context
from prometheus_client import Counter

from ..config import EvaluationExportSettings
from .evaluations import EVENT_NAME, EvaluationEvent

log = structlog.get_logger(__name__)
OUTCOMES = ("exported", "failed", "dropped")


class _Counted(LogRecordExporter):
    """The OTLP exporter, with the events in flight (queued or exporting) bounded and every outcome counted."""

    def __init__(self, inner: LogRecordExporter, events: Counter, capacity: int) -> None:
        self.inner = inner
        self.events = events
        self.capacity = capacity
        self.in_flight = 0
        self.lock = threading.Lock()

    def reserve(self) -> bool:
        with self.lock:
            if self.in_flight >= self.capacity:
                return False
            self.in_flight += 1
            return True

    def release(self, n: int, outcome: str) -> None:
        with self.lock:
            self.in_flight -= n
        self.events.labels(outcome).inc(n)

    def export(self, batch: Sequence[Any]) -> LogRecordExportResult:
        try:
            result = self.inner.export(batch)
        except Exception:  # the SDK would log and carry on; count it as failed too
            log.warning("evaluation events export raised", exc_info=True)
            result = LogRecordExportResult.FAILURE
        self.release(len(batch), "exported" if result is LogRecordExportResult.SUCCESS else "failed")
        return result

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


class EvaluationExporter:
    """Emits ``gen_ai.evaluation.result`` events; :meth:`emit` never blocks on the network and never raises."""

    def __init__(self, settings: EvaluationExportSettings, events: Counter, *, service_name: str) -> None:
        assert settings.endpoint is not None
        otlp = OTLPLogExporter(
            endpoint=settings.endpoint,
            headers={name: value.get_secret_value() for name, value in settings.headers.items()},
            timeout=settings.timeout_s,
        )
        self.counted = _Counted(otlp, events, settings.max_queue_size)
        self.provider = LoggerProvider(resource=Resource.create({"service.name": service_name}),
                                       shutdown_on_exit=False)
        self.provider.add_log_record_processor(BatchLogRecordProcessor(
            self.counted,
            schedule_delay_millis=settings.schedule_delay_s * 1000,
            max_export_batch_size=min(settings.max_export_batch_size, settings.max_queue_size),
            export_timeout_millis=settings.timeout_s * 1000,
            max_queue_size=settings.max_queue_size,
        ))
        self.logger = self.provider.get_logger("undercurrent.judge")

    def emit(self, events: Iterable[EvaluationEvent]) -> None:
        for event in events:
            if not self.counted.reserve():
                self.counted.events.labels("dropped").inc()
                continue
            try:
                self.logger.emit(
                    timestamp=event.timestamp_ms * 1_000_000,
                    context=_span_context(event),
                    severity_number=SeverityNumber.INFO,
                    attributes=event.attributes,
                    event_name=EVENT_NAME,
                )
            except Exception:
                log.warning("evaluation event not emitted", exc_info=True)
                self.counted.release(1, "failed")

    def shutdown(self) -> None:
        """Export what is queued (bounded by the timeout), then stop the processor's thread."""
        self.provider.shutdown()


def _span_context(event: EvaluationEvent) -> Any:
    """A context whose current span is the evaluated one, so the record is parented to it; None without one."""
    link = event.link
    if link is None or link.trace_id is None or link.span_id is None:
        return None
    span = SpanContext(int(link.trace_id, 16), int(link.span_id, 16), is_remote=True,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED))
    return set_span_in_context(NonRecordingSpan(span))
