"""The redaction close stage: the last stage, so no raw PII leaves in a published record.

Every free-text field of the record is redacted (turn texts, which hold tool-call arguments
and tool results too, step errors, edited answers, feedback comments, detector evidence),
and ``user_id`` is replaced by its keyed pseudonym. The judge request is the same record.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from ..privacy.pseudonym import pseudonym
from ..privacy.redact import Redact
from ..records.session import SessionRecord
from ..sessions.model import Behaviour, SessionSnapshot, TranscriptTurn


class RedactionStage:
    def __init__(self, redact: Redact, user_id_key: bytes) -> None:
        self.redact = redact
        self.user_id_key = user_id_key

    def __call__(self, snapshot: SessionSnapshot, record: SessionRecord) -> Sequence[str]:
        record.transcript = tuple(self._turn(t) for t in record.transcript)
        record.behaviours = tuple(self._behaviour(b) for b in record.behaviours)
        report = record.detectors
        if report is not None:
            signals = [msgspec.structs.replace(s, evidence=self.redact(s.evidence)) for s in report.signals]
            record.detectors = msgspec.structs.replace(report, signals=signals)
        if record.user_id is not None:
            record.user_id = pseudonym(record.user_id, self.user_id_key)
        record.redacted = True
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
