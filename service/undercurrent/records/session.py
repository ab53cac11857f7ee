"""The closed-session record published to ``undercurrent.sessions`` (schema ``undercurrent.session/v1``).

:func:`session_record` builds it from the snapshot; the close stages then fill in their results
(release, language, detectors, predictions, sampling, redaction) on the same struct, and it is
encoded once, when published. The judge worker, the calibration join and the evidence view decode
it with these structs. A result a stage did not add is left out of the JSON, as it always was, so
records written before a field existed still decode.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from ..detectors.model import DetectorReport, DomainSource
from ..estimate.predictions import FailurePredictions
from ..sampling.inclusion import SamplingDecision
from ..sessions.model import Behaviour, CloseReason, SessionSnapshot, TranscriptTurn

SCHEMA = "undercurrent.session/v1"


class Ending(msgspec.Struct, frozen=True, kw_only=True):
    """How the session really ended: explicit end, abandon, or silence, and after whom."""

    how: Literal["session_end", "abandon", "silence"]
    close_reason: CloseReason | None
    last_role: str | None
    quiet_ms_after_last_turn: int | None


class Timings(msgspec.Struct, frozen=True, kw_only=True):
    duration_ms: int
    mean_assistant_latency_ms: float | None
    max_gap_ms: int | None


class Truncated(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What was cut to fit the record into one Kafka record (:mod:`.fit`)."""

    original_bytes: int
    text_max_chars: int
    """Every text was cut to at most this many characters (an ellipsis added)."""
    turns_omitted: int = 0
    behaviours_omitted: int = 0
    """Turns and behaviour events dropped from the middle of the session, keeping its start and end."""


class CloseResults(msgspec.Struct, frozen=True, kw_only=True):
    """The close stages' results kept in Redis with the closed session, which the evidence view reads."""

    domain: str | None = None
    domain_source: DomainSource | None = None
    detectors: DetectorReport | None = None
    sampling: SamplingDecision | None = None


class SessionRecord(msgspec.Struct, kw_only=True, omit_defaults=True, tag_field="schema", tag=SCHEMA):
    """One closed session, self-contained: transcript, behaviour events and every close stage's result.

    Mutable while the close stages run, each setting its own fields; the fields with defaults are
    the stages' (omitted from the JSON until set).
    """

    session_id: str
    feature: str
    domain: str | None
    domain_source: DomainSource | None
    user_id: str | None
    """The producer's user id; its keyed pseudonym once redacted."""
    opened_ms: int
    last_event_ms: int
    closed_at_ms: int
    close_reason: CloseReason | None
    event_count: int
    late_events: int
    ending: Ending
    timings: Timings
    transcript: tuple[TranscriptTurn, ...]
    behaviours: tuple[Behaviour, ...]
    release: str | None = None
    """The bounded release label (``model@prompt_version``, or ``other``) the session is counted under."""
    language: str | None = None
    language_confidence: float | None = None
    detectors: DetectorReport | None = None
    predictions: FailurePredictions | None = None
    """The failure probabilities f the model-assisted estimator adds for this session."""
    sampling: SamplingDecision | None = None
    redacted: bool = False
    truncated: Truncated | None = None

    def close_results(self) -> CloseResults:
        return CloseResults(domain=self.domain, domain_source=self.domain_source, detectors=self.detectors,
                            sampling=self.sampling)

    def snapshot(self) -> SessionSnapshot:
        """The session as the detectors and the judge see it, rebuilt from the record."""
        return SessionSnapshot(
            session_id=self.session_id, feature=self.feature, domain=self.domain, user_id=self.user_id,
            turns=self.transcript, behaviours=self.behaviours, opened_ms=self.opened_ms,
            last_event_ms=self.last_event_ms, close_reason=self.close_reason, late_events=self.late_events,
        )


def ending(snapshot: SessionSnapshot) -> Ending:
    kinds = [b.type for b in snapshot.behaviours if not b.late]
    last_turn = snapshot.turns[-1] if snapshot.turns else None
    how: Literal["session_end", "abandon", "silence"]
    if "session_end" in kinds:
        how = "session_end"
    elif "abandon" in kinds:
        how = "abandon"
    else:
        how = "silence"
    return Ending(
        how=how,
        close_reason=snapshot.close_reason,
        last_role=last_turn.role if last_turn else None,
        quiet_ms_after_last_turn=snapshot.last_event_ms - last_turn.ts_ms if last_turn else None,
    )


def timings(snapshot: SessionSnapshot) -> Timings:
    latencies = [t.latency_ms for t in snapshot.turns if t.role == "assistant" and t.latency_ms is not None]
    gaps = [b.ts_ms - a.ts_ms for a, b in zip(snapshot.turns, snapshot.turns[1:], strict=False)]
    return Timings(
        duration_ms=snapshot.duration_ms,
        mean_assistant_latency_ms=sum(latencies) / len(latencies) if latencies else None,
        max_gap_ms=max(gaps) if gaps else None,
    )


def session_record(snapshot: SessionSnapshot, *, closed_at_ms: int) -> SessionRecord:
    """The record before the close stages add their results."""
    return SessionRecord(
        session_id=snapshot.session_id,
        feature=snapshot.feature,
        domain=snapshot.domain,
        domain_source="producer" if snapshot.domain else None,
        user_id=snapshot.user_id,
        opened_ms=snapshot.opened_ms,
        last_event_ms=snapshot.last_event_ms,
        closed_at_ms=closed_at_ms,
        close_reason=snapshot.close_reason,
        event_count=len(snapshot.turns) + len(snapshot.behaviours),
        late_events=snapshot.late_events,
        ending=ending(snapshot),
        timings=timings(snapshot),
        transcript=snapshot.turns,
        behaviours=snapshot.behaviours,
    )
