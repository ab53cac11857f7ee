"""What the judge keeps with a session and publishes: a verdict, or why there is none.

The judge worker writes these records and the evidence view reads them back,
both through the structs below, so the stored shape cannot drift between
writer and reader. ``schema`` tags which record it is; a record of an unknown
schema is reported as unreadable rather than misread.
"""

from __future__ import annotations

import msgspec

from .cost import Usage
from .verdict import Verdict

VERDICT_SCHEMA = "undercurrent.verdict/v1"
FAILED_SCHEMA = "undercurrent.judge-failure/v1"


class VerdictRecord(msgspec.Struct, frozen=True, kw_only=True, tag_field="schema", tag=VERDICT_SCHEMA):
    """A verdict on one sampled session (``undercurrent.judge.verdicts`` and the session's ``judge`` result)."""

    session_id: str
    feature: str
    domain: str | None
    pi: float
    model: str
    verdict: Verdict
    votes: int
    disagreement: dict[str, bool]
    usage: Usage
    judged_at_ms: int


class JudgeFailed(msgspec.Struct, frozen=True, kw_only=True, tag_field="schema", tag=FAILED_SCHEMA):
    """A sampled session the judge gave up on; the same facts travel as headers of its dead letter."""

    session_id: str
    feature: str
    domain: str | None
    pi: float
    reason: str
    detail: str
    attempts: int
    failed_at_ms: int


JudgeRecord = VerdictRecord | JudgeFailed
