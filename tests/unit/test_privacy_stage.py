"""The redaction close stage and the user id pseudonyms (pure)."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from pydantic import SecretStr, ValidationError

from undercurrent.config import RedactionSettings
from undercurrent.detectors.model import DetectorReport, Signal
from undercurrent.events import Edit, Feedback, Turn
from undercurrent.events.model import Step
from undercurrent.ingest.redact import RedactionStage
from undercurrent.privacy.pseudonym import pseudonym, user_id_key
from undercurrent.records.session import SessionRecord, session_record
from undercurrent.sessions.model import build_snapshot

KEY = b"k" * 32


def shout(text: str) -> str:
    return f"<{text}>"


def closed_record(**turn_fields: object) -> SessionRecord:
    events = [
        Turn(event_id="t", session_id="s", ts=10, role="tool", text="result", user_id="jane@example.org",
             **turn_fields),
        Edit(event_id="e", session_id="s", ts=20, final_text="edited"),
        Feedback(event_id="f", session_id="s", ts=30, value="thumbs_down", comment="no good"),
        Feedback(event_id="g", session_id="s", ts=40, value="thumbs_up"),
    ]
    snapshot = build_snapshot("s", [(e, False) for e in events])
    record = session_record(snapshot, closed_at_ms=50)
    record.detectors = DetectorReport(
        signals=[Signal(name="n", turns=[0], score=1.0, evidence="quoted", detector="d")], archetypes=[],
        visibility="none", risk=0.0, domain="d", domain_source="classifier", versions={},
    )
    RedactionStage(shout, KEY)(snapshot, record)
    return record


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (lambda r: r.transcript[0].text, "<result>"),
        (lambda r: r.behaviours[0].final_text, "<edited>"),
        (lambda r: r.behaviours[1].comment, "<no good>"),
        (lambda r: r.behaviours[2].comment, None),
        (lambda r: r.detectors.signals[0].evidence, "<quoted>"),
        (lambda r: r.user_id, pseudonym("jane@example.org", KEY)),
        (lambda r: r.redacted, True),
    ],
    ids=["turn-text", "edit-final-text", "feedback-comment", "no-comment", "evidence", "user-id", "marked"],
)
def test_every_free_text_field_is_redacted(path, expected) -> None:
    assert path(closed_record()) == expected


@pytest.mark.parametrize(
    ("step", "error"),
    [
        (Step(kind="tool_result", tool="pay", status="error", error="card declined"), "<card declined>"),
        (Step(kind="tool_result", tool="pay", status="error", error="result"), "<result>"),
        (Step(kind="tool_result", tool="pay", status="ok"), None),
    ],
    ids=["own-error", "error-equal-to-text", "no-error"],
)
def test_step_errors_are_redacted(step: Step, error: str | None) -> None:
    turn = closed_record(step=step).transcript[0]
    assert turn.step.error == error and turn.step.tool == "pay"


def test_pseudonym_is_hmac_sha256_under_the_key() -> None:
    digest = hmac.new(KEY, b"jane@example.org", hashlib.sha256).hexdigest()
    assert pseudonym("jane@example.org", KEY) == f"hmac-sha256:{digest}"
    assert pseudonym("jane@example.org", b"another key 0123") != pseudonym("jane@example.org", KEY)


def test_the_configured_key_is_used() -> None:
    assert user_id_key(SecretStr("0123456789abcdef")) == b"0123456789abcdef"


def test_without_a_key_each_process_draws_its_own() -> None:
    first, second = user_id_key(None), user_id_key(None)
    assert len(first) == 32 and first != second


def test_a_short_key_is_refused_and_a_key_never_shows_in_settings() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters"):
        RedactionSettings(user_id_key="short")
    settings = RedactionSettings(user_id_key="0123456789abcdef-secret")
    assert "secret" not in repr(settings) and "secret" not in str(settings.model_dump())
