"""One row of the session list: what the detectors estimated and what the judge said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..judge.record import JudgeFailed, VerdictRecord
from ..judge.verdict import Verdict
from ..metrics.labels import UNKNOWN_DOMAIN
from ..privacy.redact import Redact
from ..sessions.protocol import StoredSession
from ..vocabulary import NO_FAILURE
from .records import Results, read_results

JudgeStatus = Literal["judged", "failed", "pending", "not_sampled", "no_decision"]


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session_id: str
    feature: str
    domain: str
    close_reason: str | None
    closed_at_ms: int
    turn_count: int
    risk: float | None
    heuristic_archetypes: tuple[str, ...]
    visibility_hint: str | None
    signals: tuple[str, ...]
    judge_status: JudgeStatus
    sampling_pi: float | None = None
    judge_quality: str | None = None
    judge_visibility: str | None = None
    judge_archetypes: tuple[str, ...] = ()
    judge_summary: str = ""
    judge_failure: str | None = None
    """Why the judge gave up on a sampled session (a dead-letter reason); None unless it did."""
    judge_votes: int = 0
    """Valid verdicts the judge's ensemble combined (0 when not judged)."""
    judge_split: tuple[str, ...] = ()
    """Archetypes on which the ensemble's votes were not unanimous: the least certain verdicts."""


def judge_status(results: Results) -> JudgeStatus:
    if isinstance(results.judge, VerdictRecord):
        return "judged"
    if isinstance(results.judge, JudgeFailed):
        return "failed"
    sampling = results.close.sampling if results.close else None
    if sampling is None:
        return "no_decision"
    return "pending" if sampling.sampled else "not_sampled"


def failure_archetypes(verdict: Verdict) -> tuple[str, ...]:
    return tuple(a.archetype for a in verdict.archetypes if a.archetype != NO_FAILURE)


def summarize(stored: StoredSession, redact: Redact) -> SessionSummary:
    snapshot = stored.snapshot
    results = read_results(stored)
    close = results.close
    report = close.detectors if close else None
    judged = results.judge if isinstance(results.judge, VerdictRecord) else None
    verdict = judged.verdict if judged else None
    failure = results.judge.reason if isinstance(results.judge, JudgeFailed) else None
    return SessionSummary(
        session_id=snapshot.session_id,
        feature=snapshot.feature,
        domain=(close.domain if close else None) or snapshot.domain or UNKNOWN_DOMAIN,
        close_reason=snapshot.close_reason,
        closed_at_ms=stored.closed_at_ms or snapshot.last_event_ms,
        turn_count=len(snapshot.turns),
        risk=report.risk if report else None,
        heuristic_archetypes=tuple(f.archetype for f in report.archetypes) if report else (),
        visibility_hint=report.visibility if report else None,
        signals=tuple(s.name for s in report.signals) if report else (),
        judge_status=judge_status(results),
        sampling_pi=close.sampling.pi if close and close.sampling else None,
        judge_quality=verdict.quality if verdict else None,
        judge_visibility=verdict.failure_visibility if verdict else None,
        judge_archetypes=failure_archetypes(verdict) if verdict else (),
        judge_summary=redact(verdict.summary) if verdict else "",
        judge_failure=failure,
        judge_votes=judged.votes if judged else 0,
        judge_split=tuple(name for name, split in judged.disagreement.items() if split) if judged else (),
    )
