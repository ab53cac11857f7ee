"""Verdict → ``gen_ai.evaluation.result`` attributes and trace links: pure rules, tables of cases."""

from __future__ import annotations

from typing import Any

import pytest

from undercurrent.judge.verdict import ArchetypeFinding, Verdict
from undercurrent.otlp.evaluations import evaluated_link, evaluation_events
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.model import TraceLink, TranscriptTurn, trace_link

TRACE, SPAN = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"

LINK_CASES: list[tuple[dict[str, Any] | None, TraceLink | None]] = [
    (None, None),
    ({}, None),
    ({"topic": "billing"}, None),
    ({"trace_id": TRACE, "span_id": SPAN, "gen_ai.response.id": "msg_1"},
     TraceLink(trace_id=TRACE, span_id=SPAN, response_id="msg_1")),
    ({"trace_id": TRACE, "span_id": SPAN}, TraceLink(trace_id=TRACE, span_id=SPAN)),
    ({"gen_ai.response.id": "chatcmpl-9"}, TraceLink(response_id="chatcmpl-9")),
    ({"trace_id": TRACE, "gen_ai.response.id": "msg_1"}, TraceLink(response_id="msg_1")),  # no span: no parent
    ({"trace_id": TRACE.upper(), "span_id": SPAN}, None),  # W3C ids are lowercase hex
    ({"trace_id": "0" * 32, "span_id": SPAN}, None),  # the invalid all-zero id
    ({"trace_id": TRACE, "span_id": SPAN[:-1]}, None),
    ({"trace_id": TRACE, "span_id": SPAN, "gen_ai.response.id": 7}, TraceLink(trace_id=TRACE, span_id=SPAN)),
    ({"gen_ai.response.id": ""}, None),
]


@pytest.mark.parametrize(("attrs", "expected"), LINK_CASES)
def test_trace_link_of_turn_attrs(attrs: dict[str, Any] | None, expected: TraceLink | None) -> None:
    assert trace_link(attrs) == expected


def link(n: int) -> TraceLink:
    return TraceLink(trace_id=TRACE, span_id=f"{n:016x}", response_id=f"msg_{n}")


def turn(index: int, role: str, traced: bool = True) -> TranscriptTurn:
    return TranscriptTurn(index=index, role=role, text="…", ts_ms=index, event_id=f"e{index}",
                          trace=link(index) if traced else None)


SESSION = (turn(0, "user"), turn(1, "assistant"), turn(2, "user"), turn(3, "assistant"),
           turn(4, "assistant", traced=False), turn(5, "user"))

EVALUATED_CASES = [
    ((1, 2), link(1)),  # the last traced answer among the evidence
    ((1, 3), link(3)),
    ((3, 4), link(3)),  # an untraced answer is passed over
    ((0, 2, 5), link(3)),  # no answer in the evidence: the session's last traced answer
    ((), link(3)),  # `none` has no evidence
    ((4,), link(3)),
]


@pytest.mark.parametrize(("evidence", "expected"), EVALUATED_CASES)
def test_evaluated_response(evidence: tuple[int, ...], expected: TraceLink) -> None:
    assert evaluated_link(SESSION, evidence) == expected


def test_a_session_without_traced_answers_has_no_evaluated_span() -> None:
    assert evaluated_link((turn(0, "user"), turn(1, "assistant", traced=False)), (1,)) is None


def verdict(visibility: str, *findings: tuple[str, tuple[int, ...], str]) -> Verdict:
    failure = visibility != "none"
    return Verdict(
        quality="poor" if failure else "good", failure_visibility=visibility,  # type: ignore[arg-type]
        archetypes=tuple(ArchetypeFinding(archetype=a, evidence_turns=e, rationale=r)  # type: ignore[arg-type]
                         for a, e, r in findings),
        domain="general_knowledge", failure_origin="capability" if failure else "none", summary="…",
    )


EVENT_CASES = [
    (  # no failure: one `none` event scored 0
        verdict("none", ("none", (), "Answered what was asked.")),
        [("none", 0.0, "none", "Answered what was asked.", "msg_3", "good")],
    ),
    (  # one event per archetype, each on its own evidence
        verdict("invisible", ("confidence_trap", (1,), "Stated a wrong fee."), ("walkaway", (3, 5), "Left.")),
        [("confidence_trap", 1.0, "invisible", "Stated a wrong fee.", "msg_1", "poor"),
         ("walkaway", 1.0, "invisible", "Left.", "msg_3", "poor")],
    ),
    (  # the rationale leaves the process redacted
        verdict("visible", ("silent_mismatch", (3,), "Mailed jane.doe@example.com the wrong plan.")),
        [("silent_mismatch", 1.0, "visible", "Mailed [EMAIL] the wrong plan.", "msg_3", "poor")],
    ),
]


@pytest.mark.parametrize(("judged", "expected"), EVENT_CASES)
def test_verdict_to_evaluation_event_attributes(judged: Verdict, expected: list[tuple[Any, ...]]) -> None:
    events = evaluation_events(judged, SESSION, session_id="s-1", judged_at_ms=1_700_000_000_000, redact=Redactor())
    keys = ("gen_ai.evaluation.name", "gen_ai.evaluation.score.value", "gen_ai.evaluation.score.label",
            "gen_ai.evaluation.explanation", "gen_ai.response.id", "undercurrent.verdict.quality")
    assert [tuple(e.attributes[k] for k in keys) for e in events] == expected
    assert {(e.attributes["gen_ai.conversation.id"], e.timestamp_ms) for e in events} == {("s-1", 1_700_000_000_000)}
    assert [e.link.response_id if e.link else None for e in events] == [x[4] for x in expected]


def test_an_untraced_session_yields_events_without_response_id_or_span() -> None:
    judged = verdict("invisible", ("drift", (1,), "Drifted."))
    (event,) = evaluation_events(judged, (turn(0, "user", False), turn(1, "assistant", False)), session_id="s",
                                 judged_at_ms=1, redact=Redactor())
    assert event.link is None and "gen_ai.response.id" not in event.attributes
    assert event.attributes["gen_ai.evaluation.name"] == "drift"

