"""Report assembly: JSON encoding, multilingual input, domain, versions and the live view."""

import msgspec
import pytest

from undercurrent.detectors import (
    DETECTORS,
    DetectorConfig,
    DetectorReport,
    run_session_detectors,
    run_turn_detectors,
)
from undercurrent.sessions.model import Behaviour, SessionSnapshot, TranscriptTurn


def snapshot(*texts: str, domain: str | None = None, close="idle", behaviours=(), feature="default"):
    turns = tuple(
        TranscriptTurn(
            index=i, role="user" if i % 2 == 0 else "assistant", text=t, ts_ms=1000 * (i + 1), event_id=f"e{i}"
        )
        for i, t in enumerate(texts)
    )
    return SessionSnapshot(
        session_id="s",
        feature=feature,
        domain=domain,
        user_id=None,
        turns=turns,
        behaviours=tuple(behaviours),
        opened_ms=1000,
        last_event_ms=1000 * len(texts),
        close_reason=close,
    )


MULTILINGUAL = [
    ("서울 날씨 어때요?", "오늘 서울은 맑고 기온은 20도입니다.", "아니요, 틀렸어요!"),
    ("北京有什么好吃的？", "北京烤鸭很有名。", "谢谢！"),
    ("ما هي عاصمة فرنسا؟", "عاصمة فرنسا هي باريس.", "شكرا جزيلا"),
    ("🙂🙂🙂", "😀" * 500, "👍"),
    ("", "", ""),
    ("\x00\ufffd\u202e", "```", "   "),
]


@pytest.mark.parametrize("texts", MULTILINGUAL)
def test_any_language_or_empty_text_yields_a_report_that_round_trips_as_json(texts):
    report = run_session_detectors(snapshot(*texts))
    decoded = msgspec.json.decode(msgspec.json.encode(report), type=DetectorReport)
    assert decoded == report
    assert 0.0 <= report.risk <= 1.0


def test_empty_session_has_no_signals_and_unknown_domain():
    report = run_session_detectors(snapshot())
    assert report.signals == []
    assert (report.domain, report.domain_source, report.visibility) == ("unknown", "classifier", "none")


def test_valid_producer_domain_wins_over_classifier():
    report = run_session_detectors(snapshot("fix my python function", domain="legal"))
    assert (report.domain, report.domain_source) == ("legal", "producer")


def test_invalid_producer_domain_falls_back_to_classifier():
    report = run_session_detectors(snapshot("my python function throws an exception", domain="not-a-vertical"))
    assert (report.domain, report.domain_source) == ("software_development", "classifier")


def test_report_lists_every_detector_version():
    report = run_session_detectors(snapshot("hi", "hello"))
    assert report.versions == {d.name: d.version for d in DETECTORS}


def test_live_view_skips_session_level_detectors():
    snap = snapshot("Where is my refund?", "Refunds vary.")
    session_only = {d.name for d in DETECTORS if d.scope == "session"}
    assert "walkaway" in {s.name for s in run_session_detectors(snap).signals}
    assert not session_only & {s.name for s in run_turn_detectors(snap)}


def test_walkaway_gap_is_configurable_per_feature():
    snap = snapshot("cheap flights", "Lisbon is in Portugal.", close="end", feature="search")
    closed_ms = snap.last_event_ms + 90_000
    short = DetectorConfig(walkaway_gap_by_feature={"search": 60})
    names = lambda cfg: {s.name for s in run_session_detectors(snap, cfg, closed_ms=closed_ms).signals}  # noqa: E731
    assert "walkaway" in names(short)
    assert "walkaway" not in names(DetectorConfig())


def test_signal_evidence_masks_email_addresses():
    snap = snapshot("Email me", "Sure.", "No, that's wrong, write to jane.doe@example.com instead")
    evidence = " ".join(s.evidence for s in run_session_detectors(snap).signals)
    assert "jane.doe@example.com" not in evidence


def test_long_texts_are_bounded():
    huge = "word " * 200_000
    report = run_session_detectors(snapshot(huge, huge, huge, huge))
    assert isinstance(report, DetectorReport)


def test_edit_ratio_is_computed_from_final_text_when_missing():
    edit = Behaviour(type="edit", ts_ms=5000, event_id="b", turn=1, final_text="completely different words here")
    report = run_session_detectors(snapshot("draft it", "Dear sir, regards.", behaviours=[edit], close=None))
    assert "large_edit" in {s.name for s in report.signals}
