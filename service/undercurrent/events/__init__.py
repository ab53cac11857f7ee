"""Event contract v1 and its decoder."""

from .decode import Decoded, EventDecoder, Reject
from .model import (
    CLIENT_TYPES,
    Abandon,
    Accept,
    Copy,
    Edit,
    Event,
    Feedback,
    Regenerate,
    SessionEnd,
    Step,
    StopGeneration,
    Turn,
    Undo,
    ts_millis,
)

__all__ = [
    "CLIENT_TYPES",
    "Abandon",
    "Accept",
    "Copy",
    "Decoded",
    "Edit",
    "Event",
    "EventDecoder",
    "Feedback",
    "Regenerate",
    "Reject",
    "SessionEnd",
    "Step",
    "StopGeneration",
    "Turn",
    "Undo",
    "ts_millis",
]
