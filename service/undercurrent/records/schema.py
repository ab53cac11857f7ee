"""JSON Schema files of the output records, generated from the msgspec structs.

``python -m undercurrent.records.schema`` rewrites ``schemas/``; a test fails when
the committed files and the structs disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..events.schema import json_schema, write
from ..judge.record import JudgeFailed, VerdictRecord
from .session import CloseResults, SessionRecord

SCHEMA_DIR = Path(__file__).parent / "schemas"
BASE_ID = "https://undercurrent.dev/schemas/records/v1/"
RECORDS: dict[str, Any] = {
    "session.json": SessionRecord,
    "close-results.json": CloseResults,
    "verdict.json": VerdictRecord,
    "judge-failure.json": JudgeFailed,
}
"""File name → record: published sessions and judge requests, the close results kept in Redis,
verdicts (published and kept), and why the judge gave up on a session (kept)."""


def schemas() -> dict[str, dict[str, Any]]:
    return {name: json_schema(BASE_ID, name, type_) for name, type_ in RECORDS.items()}


if __name__ == "__main__":
    write(SCHEMA_DIR, schemas())
