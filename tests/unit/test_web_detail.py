import msgspec
import pytest

from undercurrent.events import Copy, Edit, Feedback, Regenerate, Turn
from undercurrent.events.model import Event, Step
from undercurrent.judge.record import JudgeFailed
from undercurrent.sampling.inclusion import SamplingDecision
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.sessions.model import build_snapshot
from undercurrent.sessions.protocol import StoredSession
from undercurrent.web.detail import BehaviourItem, TurnItem, detail

from ..browser.seed import judged, report_of, signal, verdict


def failed(reason: str) -> JudgeFailed:
    return JudgeFailed(session_id="s", feature="default", domain=None, pi=0.25, reason=reason, detail="",
                       attempts=4, failed_at_ms=9_000)


def decision(sampled: bool, pi: float = 0.1) -> SamplingDecision:
    return SamplingDecision(sampled=sampled, pi=pi, pi_unscaled=pi, floor_binding=False, budget_scale=1.0,
                            policy_version="v1")


def stored(events: list[Event], results: dict[str, object] | None = None) -> StoredSession:
    snapshot = build_snapshot("s", [(e, False) for e in events], close_reason="end")
    kept = {stage: msgspec.json.encode(result) for stage, result in results.items()} if results else None
    return StoredSession(snapshot=snapshot, state="closed", last_wall_ms=0, closed_at_ms=9_000, results=kept)


def turn(i: int, ts: int, text: str = "hi", role: str = "user", **extra: object) -> Turn:
    return Turn(event_id=f"t{i}", session_id="s", ts=ts, role=role, text=text, turn=i, **extra)  # type: ignore[arg-type]


def shape(items: tuple[TurnItem | BehaviourItem, ...]) -> list[str]:
    return [f"#{i.index}" if isinstance(i, TurnItem) else i.type for i in items]


def upper(text: str) -> str:
    return text.upper()


@pytest.mark.parametrize(
    "behaviours, expected",
    [
        ([Copy(event_id="c", session_id="s", ts=1_500)], ["#0", "copy", "#1"]),
        ([Copy(event_id="c", session_id="s", ts=2_000)], ["#0", "#1", "copy"]),  # same ms: reacts to the turn
        ([Copy(event_id="c", session_id="s", ts=500)], ["copy", "#0", "#1"]),
        (
            [Regenerate(event_id="r", session_id="s", ts=9_000), Copy(event_id="c", session_id="s", ts=1_200)],
            ["#0", "copy", "#1", "regenerate"],
        ),
    ],
)
def test_behaviours_sit_between_turns_by_time(behaviours: list[Event], expected: list[str]) -> None:
    d = detail(stored([turn(0, 1_000), turn(1, 2_000, role="assistant"), *behaviours]), upper)
    assert shape(d.timeline) == expected


def test_gaps_are_measured_from_the_previous_item() -> None:
    d = detail(stored([turn(0, 1_000), Copy(event_id="c", session_id="s", ts=1_500), turn(1, 4_000)]), upper)
    assert [i.gap_ms for i in d.timeline] == [None, 500, 2_500]


def test_signals_and_judge_evidence_attach_to_their_turns() -> None:
    report = report_of([signal("user_corrects_ai", [1], "no that"), signal("walkaway", [], "left for 20 min")])
    results = {"close": {"detectors": report}, "judge": judged(verdict("drift", (0,), "drifted"))}
    d = detail(stored([turn(0, 1_000), turn(1, 2_000)], results), upper)
    first, second = d.timeline
    assert isinstance(first, TurnItem) and isinstance(second, TurnItem)
    assert (first.judged_as, [s.name for s in first.signals]) == (("drift",), [])
    assert (second.judged_as, [s.name for s in second.signals]) == ((), ["user_corrects_ai"])
    assert [s.name for s in d.session_signals] == ["walkaway"]


def test_every_free_text_goes_through_redaction() -> None:
    events: list[Event] = [
        turn(0, 1_000, "question", step=Step(kind="tool_call", tool="search", status="error", error="boom")),
        Edit(event_id="e", session_id="s", ts=1_100, final_text="edited", edit_ratio=0.5),
        Feedback(event_id="f", session_id="s", ts=1_200, value="rating", score=2, comment="meh"),
    ]
    results = {
        "close": {"detectors": report_of([signal("copy", [0], "evidence")])},
        "judge": judged(verdict("drift", (0,), "rationale", summary="summary")),
    }
    d = detail(stored(events, results), upper)
    t, edit, feedback = d.timeline
    assert isinstance(t, TurnItem) and isinstance(edit, BehaviourItem) and isinstance(feedback, BehaviourItem)
    assert (t.text, t.step, t.signals[0].evidence) == ("QUESTION", "tool_call · search · error · BOOM", "EVIDENCE")
    assert dict(edit.details) == {"edit ratio": "0.5", "final text": "EDITED"}
    assert dict(feedback.details) == {"value": "rating", "score": "2", "comment": "MEH"}
    assert d.verdict is not None
    assert (d.verdict.summary, d.verdict.findings[0].rationale) == ("SUMMARY", "RATIONALE")
    assert d.summary.judge_summary == "SUMMARY"


@pytest.mark.parametrize(
    "results, status",
    [
        (None, "no_decision"),
        ({"close": {"sampling": decision(False, pi=0.1)}}, "not_sampled"),
        ({"close": {"sampling": decision(True, pi=0.1)}}, "pending"),
        ({"close": {"sampling": decision(True)}, "judge": judged(verdict("drift", (0,), "r"))}, "judged"),
        ({"close": {"sampling": decision(True)}, "judge": failed("timeout")}, "failed"),
    ],
)
def test_judge_status(results: dict[str, object] | None, status: str) -> None:
    assert detail(stored([turn(0, 1_000)], results), upper).summary.judge_status == status


def test_a_judge_failure_says_why_and_shows_no_verdict() -> None:
    d = detail(stored([turn(0, 1_000)], {"close": {"sampling": decision(True)}, "judge": failed("timeout")}),
               upper)
    assert (d.summary.judge_status, d.summary.judge_failure, d.verdict) == ("failed", "timeout", None)


@pytest.mark.parametrize(
    "judge",
    [
        verdict("drift", (0,), "a bare verdict, never what the judge worker stores"),
        {"schema": "undercurrent.verdict/v2", "session_id": "s"},
    ],
    ids=["bare-verdict", "unknown-schema"],
)
def test_a_judge_record_of_another_shape_is_named_unreadable(judge: object) -> None:
    d = detail(stored([turn(0, 1_000)], {"close": {"sampling": decision(True)}, "judge": judge}), upper)
    assert (d.unreadable, d.verdict, d.summary.judge_status) == (("judge",), None, "pending")


def test_a_record_of_another_shape_is_reported_not_fatal() -> None:
    d = detail(stored([turn(0, 1_000)], {"close": {"detectors": {"signals": "oops"}}}), upper)
    assert d.unreadable == ("close",) and d.flags == () and d.summary.risk is None


async def test_an_open_session_shows_live_per_turn_signals(memory_store: MemorySessionStore) -> None:
    """On the in-memory session store: an open session read back, no Redis behaviour."""
    from undercurrent.events import Turn
    from undercurrent.sessions.protocol import EventTiming
    from undercurrent.web.detail import detail

    events = [
        Turn(event_id="o1", session_id="open1", ts=1_000, role="user", text="Write a haiku about rain."),
        Turn(event_id="o2", session_id="open1", ts=2_000, role="assistant",
             text="I'm sorry, but I can't help with that."),
    ]
    await memory_store.apply(events, [EventTiming(idle_ms=10**9, max_ms=10**10)] * 2, now_ms=3_000, open_ttl_s=60)
    stored = await memory_store.get("open1")
    assert stored is not None and stored.state == "open"
    view = detail(stored, lambda text: text)
    assert view.live is True
    shown = {sig.name for item in view.timeline for sig in getattr(item, "signals", ())}
    assert "ai_refuses_or_declines" in shown
