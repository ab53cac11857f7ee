"""Closed sessions for the evidence-view tests, written through the real session store.

Stage results are built from the producers' own structs (CloseResults with its
DetectorReport and SamplingDecision, and the judge worker's VerdictRecord and JudgeFailed records), so
the view reads here exactly what the workers store, and a change to their shape
shows up here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from undercurrent.detectors.model import ArchetypeFlag, DetectorReport, Signal
from undercurrent.events import Copy, Regenerate, SessionEnd, Turn
from undercurrent.events.model import Event, Step
from undercurrent.judge.cost import Usage
from undercurrent.judge.record import JudgeFailed, JudgeRecord, VerdictRecord
from undercurrent.judge.steps import StepVerdict, Trajectory
from undercurrent.judge.verdict import ArchetypeFinding, Verdict
from undercurrent.records.session import CloseResults
from undercurrent.sampling.inclusion import SamplingDecision
from undercurrent.sessions.protocol import EventTiming, SessionStore
from undercurrent.vocabulary import ARCHETYPES

BASE_MS = 1_736_935_200_000  # 2025-01-15T10:00:00Z
PI = 0.25
_TIMING = EventTiming(idle_ms=60_000, max_ms=3_600_000)


@dataclass(frozen=True)
class Seed:
    session_id: str
    turns: Sequence[tuple[str, str]]
    closed_at_ms: int
    feature: str = "default"
    domain: str | None = None
    behaviours: Sequence[Event] = ()
    report: DetectorReport | None = None
    sampled: bool | None = None
    verdict: Verdict | None = None
    judge_failure: str | None = None
    start_ms: int = BASE_MS
    votes: int = 1
    split: tuple[str, ...] = ()
    """Archetypes on which the judge's ``votes`` verdicts did not agree."""
    steps: dict[int, Step] | None = None

    def events(self) -> list[Event]:
        turns: list[Event] = [
            Turn(
                event_id=f"{self.session_id}-t{i}",
                session_id=self.session_id,
                ts=self.start_ms + i * 20_000,
                role=role,  # type: ignore[arg-type]
                text=text,
                turn=i,
                feature=self.feature,
                domain=self.domain,
                step=(self.steps or {}).get(i),
            )
            for i, (role, text) in enumerate(self.turns)
        ]
        end = SessionEnd(
            event_id=f"{self.session_id}-end",
            session_id=self.session_id,
            ts=self.start_ms + len(self.turns) * 20_000 + 60_000,
            feature=self.feature,
        )
        return [*turns, *self.behaviours, end]

    def close_results(self) -> bytes:
        sampling = None
        if self.sampled is not None:
            sampling = SamplingDecision(
                sampled=self.sampled,
                pi=PI,
                pi_unscaled=PI,
                floor_binding=False,
                budget_scale=1.0,
                policy_version="test",
            )
        report = self.report or report_of()
        return msgspec.json.encode(CloseResults(domain=report.domain, domain_source=report.domain_source,
                                                detectors=report, sampling=sampling))


    def judge_record(self) -> JudgeRecord | None:
        """What the judge worker stores for this session: its verdict, or why it gave up."""
        if self.verdict is not None:
            return judged(self.verdict, self.session_id, self.feature, self.domain, self.closed_at_ms + 5_000,
                          votes=self.votes, split=self.split)
        if self.judge_failure is not None:
            return JudgeFailed(
                session_id=self.session_id, feature=self.feature, domain=self.domain, pi=PI,
                reason=self.judge_failure, detail="scripted failure", attempts=4, failed_at_ms=self.closed_at_ms,
            )
        return None


def judged(v: Verdict, session_id: str = "s", feature: str = "default", domain: str | None = None,
           at_ms: int = BASE_MS, *, votes: int = 1, split: tuple[str, ...] = ()) -> VerdictRecord:
    return VerdictRecord(
        session_id=session_id, feature=feature, domain=domain, pi=PI, model="claude-sonnet-4-6", verdict=v,
        votes=votes, disagreement={name: name in split for name in ARCHETYPES} if votes > 1 else {},
        usage=Usage(input_tokens=1200, output_tokens=150), judged_at_ms=at_ms,
    )


def report_of(
    signals: Sequence[Signal] = (),
    flags: Sequence[ArchetypeFlag] = (),
    *,
    visibility: str = "none",
    risk: float = 0.05,
    domain: str = "general_knowledge",
) -> DetectorReport:
    return DetectorReport(
        signals=list(signals),
        archetypes=list(flags),
        visibility=visibility,  # type: ignore[arg-type]
        risk=risk,
        domain=domain,
        domain_source="classifier",
        versions={},
    )


def signal(name: str, turns: list[int], evidence: str, score: float = 0.8) -> Signal:
    return Signal(name=name, turns=turns, score=score, evidence=evidence, detector=name)


def flag(archetype: str, *signals: str, score: float = 0.7) -> ArchetypeFlag:
    return ArchetypeFlag(archetype=archetype, score=score, signals=list(signals))


def verdict(
    archetype: str,
    turns: tuple[int, ...],
    rationale: str,
    *,
    visibility: str = "invisible",
    quality: str = "poor",
    summary: str = "The answer missed what the user needed.",
) -> Verdict:
    origin = "none" if visibility == "none" else "interactional"
    return Verdict(
        quality=quality,  # type: ignore[arg-type]
        failure_visibility=visibility,  # type: ignore[arg-type]
        archetypes=(ArchetypeFinding(archetype=archetype, evidence_turns=turns, rationale=rationale),),
        domain="creative_writing",
        failure_origin=origin,  # type: ignore[arg-type]
        summary=summary,
    )


async def seed(store: SessionStore, seeds: Sequence[Seed]) -> None:
    """Ingest, close, finalise and (where given) judge each session, in the order given."""
    now = max(s.start_ms for s in seeds) + 3_600_000
    for s in seeds:
        events = s.events()
        await store.apply(events, [_TIMING] * len(events), now_ms=now, open_ttl_s=3600)
    claimed = await store.claim_due(now_ms=now, grace_ms=0, limit=len(seeds) + 10, lease_ms=60_000)
    assert {c.session_id for c in claimed} == {s.session_id for s in seeds}
    for s in seeds:
        await store.finalize([(s.session_id, s.close_results())], now_ms=s.closed_at_ms, retention_s=3600)
        record = s.judge_record()
        if record is not None:
            await store.attach(s.session_id, "judge", msgspec.json.encode(record), retention_s=3600)


def drift_session(closed_at_ms: int = BASE_MS + 600_000) -> Seed:
    """A judged Drift: the cover letter turned into a story, the user pushed back, regenerated, copied."""
    return Seed(
        session_id="drift-1",
        feature="writer",
        domain="creative_writing",
        closed_at_ms=closed_at_ms,
        turns=[
            ("user", "Write a formal cover letter for a junior data analyst role. Reply to jane.doe@example.com."),
            ("assistant", "Once upon a time, a young analyst dreamed of spreadsheets..."),
            ("user", "That is not what I asked for, I need a formal cover letter."),
            ("assistant", "The analyst's journey continued through valleys of data..."),
        ],
        behaviours=[
            Regenerate(event_id="drift-1-regen", session_id="drift-1", ts=BASE_MS + 70_000, turn=3, feature="writer"),
            Copy(event_id="drift-1-copy", session_id="drift-1", ts=BASE_MS + 75_000, turn=3, feature="writer"),
        ],
        report=report_of(
            [
                signal("user_corrects_ai", [2], '"That is not what I asked"'),
                signal("regenerate", [3], "user asked for another answer", score=0.7),
            ],
            [flag("drift", "user_corrects_ai", "regenerate")],
            visibility="visible",
            risk=0.82,
            domain="creative_writing",
        ),
        sampled=True,
        verdict=verdict(
            "drift",
            (1, 3),
            "The assistant turned a formal cover letter into a story and kept going after the correction.",
        ),
    )


def spiral_session(closed_at_ms: int = BASE_MS + 500_000) -> Seed:
    """A heuristic Death Spiral, sampled, with the verdict still pending."""
    return Seed(
        session_id="spiral-1",
        feature="search",
        domain="software_development",
        closed_at_ms=closed_at_ms,
        turns=[
            ("user", "How do I pin a Python dependency?"),
            ("assistant", "Use a version specifier in requirements.txt."),
            ("user", "No, how do I pin a Python dependency with its hashes?"),
            ("assistant", "Use a version specifier in requirements.txt."),
        ],
        report=report_of(
            [signal("user_repeats_request", [2], "re-asks turn 0"), signal("repetition", [3], "same as turn 1")],
            [flag("death_spiral", "user_repeats_request", "repetition")],
            visibility="visible",
            risk=0.7,
            domain="software_development",
        ),
        sampled=True,
    )


def quiet_session(closed_at_ms: int = BASE_MS + 400_000) -> Seed:
    """Nothing flagged, not sampled."""
    return Seed(
        session_id="ok-1",
        feature="writer",
        domain="creative_writing",
        closed_at_ms=closed_at_ms,
        turns=[("user", "Give me a rhyme for orange."), ("assistant", "Door hinge, loosely.")],
        sampled=False,
    )


def failed_session(closed_at_ms: int = BASE_MS + 300_000) -> Seed:
    """Sampled, but the judge gave up after its attempts (rate limited every time)."""
    return Seed(
        session_id="failed-1",
        feature="search",
        domain="software_development",
        closed_at_ms=closed_at_ms,
        turns=[("user", "What does HTTP 429 mean?"), ("assistant", "Too many requests.")],
        sampled=True,
        judge_failure="rate_limited",
    )


def agent_session(closed_at_ms: int = BASE_MS + 700_000) -> Seed:
    """An airline agent run, judged step by step with scripted step verdicts (test data, not a judgement)."""
    wrong = {
        3: ("tool_failure", "major", "The lookup failed: the reservation id was mistyped."),
        5: ("action_without_confirmation", "critical", "Cancelled before the user said yes."),
    }
    steps = tuple(
        StepVerdict(turn=t, correct=False, category=wrong[t][0], severity=wrong[t][1], rationale=wrong[t][2])
        if t in wrong else StepVerdict(turn=t, correct=True)
        for t in (2, 3, 4, 5, 6, 7)
    )  # fmt: skip
    judged_run = msgspec.structs.replace(
        verdict("confidence_trap", (5, 7), "Reported success of an action the user never approved.",
                summary="The agent cancelled a booking without confirmation."),
        domain="travel_hospitality",
        trajectory=Trajectory(steps=steps, first_error_turn=3),
    )  # fmt: skip
    return Seed(
        session_id="agent-1",
        feature="airline",
        domain="travel_hospitality",
        closed_at_ms=closed_at_ms,
        turns=[
            ("system", "# Airline Agent Policy. Act only on an explicit yes."),
            ("user", "Please cancel reservation ZFA04Y, my email is jane.doe@example.com."),
            ("assistant", 'get_reservation_details({"reservation_id": "ZFA0Y"})'),
            ("tool", "Error: reservation not found"),
            ("assistant", 'get_reservation_details({"reservation_id": "ZFA04Y"})'),
            ("assistant", 'cancel_reservation({"reservation_id": "ZFA04Y"})'),
            ("tool", '{"status": "cancelled"}'),
            ("assistant", "Your reservation ZFA04Y has been cancelled."),
        ],
        steps={
            2: Step(kind="tool_call", tool="get_reservation_details"),
            3: Step(kind="tool_result", tool="get_reservation_details", status="error",
                    error="Error: reservation not found"),
            4: Step(kind="tool_call", tool="get_reservation_details"),
            5: Step(kind="tool_call", tool="cancel_reservation"),
            6: Step(kind="tool_result", tool="cancel_reservation", status="ok"),
        },
        report=report_of(
            [signal("action_without_confirmation", [5], "cancel_reservation without a yes")],
            visibility="invisible", risk=0.6, domain="travel_hospitality",
        ),
        sampled=True,
        verdict=judged_run,
    )  # fmt: skip
