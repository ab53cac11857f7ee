"""The redaction close stage: the last stage, so no raw PII leaves in a published record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from .model import SessionSnapshot


class RedactionStage:
    def __init__(self, redact: Callable[[str], str]) -> None:
        self.redact = redact

    def __call__(self, snapshot: SessionSnapshot, record: dict[str, Any]) -> Sequence[str]:
        r = self.redact
        record["transcript"] = [msgspec.structs.replace(t, text=r(t.text)) for t in record["transcript"]]
        record["behaviours"] = [
            msgspec.structs.replace(
                b,
                final_text=r(b.final_text) if b.final_text else b.final_text,
                comment=r(b.comment) if b.comment else b.comment,
            )
            for b in record["behaviours"]
        ]
        report = record.get("detectors")
        if report is not None:
            signals = [msgspec.structs.replace(s, evidence=r(s.evidence)) for s in report.signals]
            record["detectors"] = msgspec.structs.replace(report, signals=signals)
        record["redacted"] = True
        return ()
