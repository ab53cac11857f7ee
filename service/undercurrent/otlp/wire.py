"""OTLP trace batches as the OpenTelemetry Collector's Kafka exporter writes them.

``otlp_proto`` is an ``ExportTraceServiceRequest`` in protobuf bytes; ``otlp_json`` is the
OTLP/JSON mapping of the same message, which differs from protobuf's own JSON mapping in one
place that matters: trace and span ids are hex strings, not base64. They are turned into
base64 before parsing. Unknown fields are ignored, as OTLP receivers must.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Literal

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

Encoding = Literal["otlp_proto", "otlp_json"]
_ID_FIELDS = ("traceId", "spanId", "parentSpanId")


class OtlpFormatError(ValueError):
    """The bytes are not an OTLP trace batch in the expected encoding."""


def parse_request(data: bytes, encoding: Encoding) -> ExportTraceServiceRequest:
    request = ExportTraceServiceRequest()
    if encoding == "otlp_proto":
        try:
            request.ParseFromString(data)
        except (DecodeError, RecursionError) as exc:
            raise OtlpFormatError(f"not an OTLP protobuf trace batch: {exc}") from exc
        return request
    try:
        body = json.loads(data)
        if not isinstance(body, dict):
            raise OtlpFormatError("OTLP/JSON trace batch must be an object")
        json_format.ParseDict(_ids_to_base64(body), request, ignore_unknown_fields=True)
    except (ValueError, RecursionError, json_format.ParseError) as exc:
        if isinstance(exc, OtlpFormatError):
            raise
        raise OtlpFormatError(f"not an OTLP/JSON trace batch: {exc}") from exc
    return request


def _ids_to_base64(body: dict[str, Any]) -> dict[str, Any]:
    for resource_spans in _list(body.get("resourceSpans")):
        for scope_spans in _list(_dict(resource_spans).get("scopeSpans")):
            for span in _list(_dict(scope_spans).get("spans")):
                for item in [_dict(span), *map(_dict, _list(_dict(span).get("links")))]:
                    for name in _ID_FIELDS:
                        if isinstance(item.get(name), str):
                            item[name] = _hex_to_base64(item[name], name)
    return body


def _hex_to_base64(value: str, name: str) -> str:
    try:
        return base64.b64encode(bytes.fromhex(value)).decode()
    except ValueError as exc:
        raise OtlpFormatError(f"{name} {value[:64]!r} is not hex") from exc


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
