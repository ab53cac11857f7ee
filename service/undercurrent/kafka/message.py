"""Consumed Kafka messages and the dead letters made from them.

A dead letter carries the original bytes when they fit in one producer request;
otherwise their head, marked truncated. Its headers always name the reason, the
validator's detail, the source coordinates and the original size, so even a cut
body can be traced back to the exact input message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..events import Reject

# Record-batch framing and per-record overhead beyond key, value and headers, with room to spare.
RECORD_OVERHEAD_BYTES = 512
DETAIL_MAX_CHARS = 1000

Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Message:
    """The parts of a consumed Kafka message the pipeline needs."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class DeadLetter:
    source_topic: str
    reason: str
    key: bytes | None
    value: bytes
    headers: Headers


def value_budget(max_request_bytes: int, key: bytes | None, headers: Headers) -> int:
    """Largest value that fits in one producer request beside this key and these headers."""
    header_bytes = sum(len(name) + len(value) for name, value in headers)
    return max(0, max_request_bytes - RECORD_OVERHEAD_BYTES - len(key or b"") - header_bytes)


def dead_letter(message: Message, reject: Reject, *, max_request_bytes: int) -> DeadLetter:
    headers = [
        ("undercurrent-reason", reject.reason.encode()),
        ("undercurrent-detail", reject.detail[:DETAIL_MAX_CHARS].encode()),
        ("undercurrent-source", f"{message.topic}/{message.partition}/{message.offset}".encode()),
        ("undercurrent-original-bytes", str(len(reject.raw)).encode()),
    ]
    truncated = ("undercurrent-truncated", b"true")
    budget = value_budget(max_request_bytes, message.key, [*headers, truncated])
    value = reject.raw
    if len(value) > budget:
        value = value[:budget]
        headers.append(truncated)
    return DeadLetter(message.topic, reject.reason, message.key, value, headers)
