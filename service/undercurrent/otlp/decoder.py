"""The OTLP topic's decoder: one Kafka message (an OTLP trace batch) → turn events or rejects.

A batch that is not OTLP in the configured encoding is rejected whole (``malformed_otlp``); a
GenAI span that cannot become valid events is rejected alone (``schema``, its OTLP/JSON as the
body) and its siblings are kept; turns later than ``not_after_ms`` are rejected one by one
(``future_timestamp``), as on the other topics.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from google.protobuf import json_format

from ..events.decode import Decoded, Reject
from ..events.model import ts_millis
from .mapping import map_request
from .wire import Encoding, OtlpFormatError, parse_request

SpanCounter = Callable[[str, int], None]
"""Called with a span outcome and how many spans had it."""


class OtlpDecoder:
    def __init__(self, encoding: Encoding, *, max_message_bytes: int, count_spans: SpanCounter) -> None:
        self.encoding = encoding
        self.max_message_bytes = max_message_bytes
        self._count_spans = count_spans

    def decode(self, data: bytes, *, not_after_ms: int | None = None) -> Decoded:
        out = Decoded()
        if len(data) > self.max_message_bytes:
            detail = f"message is {len(data)} bytes; limit is {self.max_message_bytes}"
            out.rejects.append(Reject(data, "oversized", detail))
            return out
        try:
            mapped = map_request(parse_request(data, self.encoding))
        except OtlpFormatError as exc:
            out.rejects.append(Reject(data, "malformed_otlp", str(exc)))
            return out
        for outcome, n in mapped.spans.items():
            self._count_spans(outcome, n)
        for span, reason in mapped.bad_spans:
            out.rejects.append(Reject(json_format.MessageToJson(span).encode(), "schema", f"span: {reason}"))
        for event in mapped.events:
            if not_after_ms is not None and ts_millis(event.ts) > not_after_ms:
                body = msgspec.json.encode(event)
                out.rejects.append(Reject(body, "future_timestamp", f"ts {event.ts} is after {not_after_ms} ms"))
            else:
                out.events.append(event)
        return out
