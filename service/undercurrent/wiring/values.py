"""The values every process derives from the settings the same way: a worker, its close processes,
the judge worker and the evidence view bound labels and redact text alike."""

from __future__ import annotations

from ..config import Settings
from ..metrics.labels import LabelBounds
from ..privacy.redact import Redactor


def label_bounds(settings: Settings) -> LabelBounds:
    return LabelBounds(settings.labels.features, settings.labels.domains)


def redactor(settings: Settings) -> Redactor:
    """The configured extra patterns on top of the built-in ones."""
    return Redactor(extra_patterns=settings.redaction.extra_patterns)


def usage_log_key(settings: Settings) -> str:
    """The Redis stream judge workers append their usage to and samplers read the budget from."""
    return f"{settings.redis_key_prefix}:judge:usage"
