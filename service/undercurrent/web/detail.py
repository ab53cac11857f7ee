"""One session laid out for reading: turns and behaviour events on one timeline.

Behaviour events go between the turns by event time (an event at the same
millisecond as a turn reacts to it, so it follows the turn). Detector signals
are attached to the turns they cite, and the judge's evidence turns are marked.
For an agent trajectory each step carries the judge's step verdict and the
running score after it. Every free text passes through ``redact`` here, so
templates only ever see redacted text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..detectors import ArchetypeFlag, Signal, run_turn_detectors
from ..events.model import Step
from ..judge.record import VerdictRecord
from ..judge.steps import BRANCH_OF, Trajectory, final_score, first_error_position, running_scores, succeeded
from ..judge.verdict import Verdict
from ..privacy.redact import Redact
from ..sessions.model import Behaviour, TranscriptTurn
from ..sessions.protocol import StoredSession
from .records import read_results
from .summary import SessionSummary, summarize


@dataclass(frozen=True, slots=True)
class SignalView:
    name: str
    score: float
    evidence: str
    turns: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StepVerdictView:
    turn: int
    correct: bool
    category: str | None
    branch: str | None
    severity: str | None
    rationale: str
    score: int
    """The trajectory's running score after this step."""
    first_error: bool


@dataclass(frozen=True, slots=True)
class TrajectoryView:
    steps: tuple[StepVerdictView, ...]
    score: int
    succeeded: bool
    errors: int
    first_error_turn: int | None
    first_error_position: float | None


@dataclass(frozen=True, slots=True)
class TurnItem:
    index: int
    role: str
    text: str
    ts_ms: int
    gap_ms: int | None
    signals: tuple[SignalView, ...]
    judged_as: tuple[str, ...]
    finish_reason: str | None = None
    model: str | None = None
    step: str | None = None
    step_verdict: StepVerdictView | None = None
    late: bool = False
    kind: str = "turn"


@dataclass(frozen=True, slots=True)
class BehaviourItem:
    type: str
    ts_ms: int
    gap_ms: int | None
    turn: int | None
    details: tuple[tuple[str, str], ...]
    late: bool = False
    kind: str = "behaviour"


@dataclass(frozen=True, slots=True)
class FindingView:
    archetype: str
    evidence_turns: tuple[int, ...]
    rationale: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    quality: str
    visibility: str
    origin: str
    domain: str
    summary: str
    findings: tuple[FindingView, ...]
    trajectory: TrajectoryView | None = None


@dataclass(frozen=True, slots=True)
class SessionDetail:
    summary: SessionSummary
    timeline: tuple[TurnItem | BehaviourItem, ...]
    session_signals: tuple[SignalView, ...]
    flags: tuple[ArchetypeFlag, ...]
    verdict: VerdictView | None
    unreadable: tuple[str, ...]
    live: bool = False


def detail(stored: StoredSession, redact: Redact) -> SessionDetail:
    results = read_results(stored)
    report = results.close.detectors if results.close else None
    live = report is None and stored.state == "open"
    found = run_turn_detectors(stored.snapshot) if live else (report.signals if report else [])
    signals = [_signal_view(s, redact) for s in found]
    verdict = _verdict_view(results.judge.verdict, redact) if isinstance(results.judge, VerdictRecord) else None
    turns = stored.snapshot.turns
    known = {t.index for t in turns}
    return SessionDetail(
        summary=summarize(stored, redact),
        timeline=timeline(turns, stored.snapshot.behaviours, signals, verdict, redact),
        session_signals=tuple(s for s in signals if not known.intersection(s.turns)),
        flags=tuple(report.archetypes) if report else (),
        verdict=verdict,
        unreadable=results.unreadable,
        live=live,
    )


def timeline(
    turns: tuple[TranscriptTurn, ...],
    behaviours: tuple[Behaviour, ...],
    signals: list[SignalView],
    verdict: VerdictView | None,
    redact: Redact,
) -> tuple[TurnItem | BehaviourItem, ...]:
    pending = sorted(behaviours, key=lambda b: b.ts_ms)
    ordered: list[TranscriptTurn | Behaviour] = []
    for turn in turns:
        while pending and pending[0].ts_ms < turn.ts_ms:
            ordered.append(pending.pop(0))
        ordered.append(turn)
    ordered.extend(pending)
    items: list[TurnItem | BehaviourItem] = []
    previous_ms: int | None = None
    for entry in ordered:
        gap = None if previous_ms is None or entry.ts_ms < previous_ms else entry.ts_ms - previous_ms
        previous_ms = entry.ts_ms
        if isinstance(entry, TranscriptTurn):
            items.append(_turn_item(entry, gap, signals, verdict, redact))
        else:
            items.append(_behaviour_item(entry, gap, redact))
    return tuple(items)


def _turn_item(
    turn: TranscriptTurn, gap: int | None, signals: list[SignalView], verdict: VerdictView | None, redact: Redact
) -> TurnItem:
    findings = verdict.findings if verdict else ()
    steps = verdict.trajectory.steps if verdict and verdict.trajectory else ()
    return TurnItem(
        index=turn.index,
        role=turn.role,
        text=redact(turn.text),
        ts_ms=turn.ts_ms,
        gap_ms=gap,
        signals=tuple(s for s in signals if turn.index in s.turns),
        judged_as=tuple(f.archetype for f in findings if turn.index in f.evidence_turns),
        finish_reason=turn.finish_reason,
        model=turn.model,
        step=_step_label(turn.step, redact) if turn.step else None,
        step_verdict=next((s for s in steps if s.turn == turn.index), None),
        late=turn.late,
    )


def _behaviour_item(behaviour: Behaviour, gap: int | None, redact: Redact) -> BehaviourItem:
    details = (
        ("edit ratio", _number(behaviour.edit_ratio)),
        ("final text", redact(behaviour.final_text) if behaviour.final_text else None),
        ("value", behaviour.value),
        ("score", _number(behaviour.score)),
        ("comment", redact(behaviour.comment) if behaviour.comment else None),
    )
    return BehaviourItem(
        type=behaviour.type,
        ts_ms=behaviour.ts_ms,
        gap_ms=gap,
        turn=behaviour.turn,
        details=tuple((label, value) for label, value in details if value is not None),
        late=behaviour.late,
    )


def _signal_view(signal: Signal, redact: Redact) -> SignalView:
    return SignalView(name=signal.name, score=signal.score, evidence=redact(signal.evidence), turns=tuple(signal.turns))


def _verdict_view(verdict: Verdict, redact: Redact) -> VerdictView:
    return VerdictView(
        quality=verdict.quality,
        visibility=verdict.failure_visibility,
        origin=verdict.failure_origin,
        domain=verdict.domain,
        summary=redact(verdict.summary),
        findings=tuple(
            FindingView(a.archetype, tuple(a.evidence_turns), redact(a.rationale)) for a in verdict.archetypes
        ),
        trajectory=_trajectory_view(verdict.trajectory, redact) if verdict.trajectory else None,
    )


def _trajectory_view(trajectory: Trajectory, redact: Redact) -> TrajectoryView:
    scores = running_scores(trajectory.steps)
    steps = tuple(
        StepVerdictView(
            turn=s.turn, correct=s.correct, category=s.category,
            branch=BRANCH_OF[s.category] if s.category else None, severity=s.severity,
            rationale=redact(s.rationale), score=score, first_error=s.turn == trajectory.first_error_turn,
        )
        for s, score in zip(trajectory.steps, scores, strict=True)
    )  # fmt: skip
    return TrajectoryView(
        steps=steps,
        score=final_score(trajectory.steps),
        succeeded=succeeded(trajectory.steps),
        errors=sum(not s.correct for s in trajectory.steps),
        first_error_turn=trajectory.first_error_turn,
        first_error_position=first_error_position(trajectory),
    )


def _step_label(step: Step, redact: Redact) -> str:
    parts = [step.kind, step.tool, step.status, redact(step.error) if step.error else None]
    return " · ".join(p for p in parts if p)


def _number(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"
