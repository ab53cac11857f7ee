"""The redaction close stage: the last stage, so no raw PII leaves in a published record.

Every free-text field of the record is redacted (turn texts, which hold tool-call arguments
and tool results too, step errors, edited answers, feedback comments, detector evidence),
and ``user_id`` is replaced by its keyed pseudonym. The judge request is the same record.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

import msgspec
from pydantic import SecretStr

from ..sessions.model import Behaviour, SessionSnapshot, TranscriptTurn
from .pseudonym import pseudonym
from .redact import Redact

# stdlib logging, rendered like every structlog line (undercurrent.logs): close processes import this
# module and need no structlog.
log = logging.getLogger(__name__)


def user_id_key(configured: SecretStr | None) -> bytes:
    """The configured pseudonym key, or a random one for this process only (with a warning)."""
    if configured is not None:
        return configured.get_secret_value().encode()
    log.warning(
        "UNDERCURRENT_REDACTION__USER_ID_KEY is not set: user ids are hashed with a random key of this "
        "process, so one user gets a different pseudonym on every replica and after every restart"
    )
    return secrets.token_bytes(32)


class RedactionStage:
    def __init__(self, redact: Redact, user_id_key: bytes) -> None:
        self.redact = redact
        self.user_id_key = user_id_key

    def __call__(self, snapshot: SessionSnapshot, record: dict[str, Any]) -> Sequence[str]:
        record["transcript"] = [self._turn(t) for t in record["transcript"]]
        record["behaviours"] = [self._behaviour(b) for b in record["behaviours"]]
        report = record.get("detectors")
        if report is not None:
            signals = [msgspec.structs.replace(s, evidence=self.redact(s.evidence)) for s in report.signals]
            record["detectors"] = msgspec.structs.replace(report, signals=signals)
        if record.get("user_id") is not None:
            record["user_id"] = pseudonym(record["user_id"], self.user_id_key)
        record["redacted"] = True
        return ()

    def _optional(self, text: str | None) -> str | None:
        return self.redact(text) if text else text

    def _turn(self, turn: TranscriptTurn) -> TranscriptTurn:
        text, step = self.redact(turn.text), turn.step
        if step is not None and step.error:
            # A tool result's error is often its text: redact that once.
            error = text if step.error == turn.text else self.redact(step.error)
            step = msgspec.structs.replace(step, error=error)
        return msgspec.structs.replace(turn, text=text, step=step)

    def _behaviour(self, behaviour: Behaviour) -> Behaviour:
        return msgspec.structs.replace(
            behaviour, final_text=self._optional(behaviour.final_text), comment=self._optional(behaviour.comment)
        )
