"""A verdict → OpenTelemetry ``gen_ai.evaluation.result`` events. Pure: no I/O.

The GenAI semantic conventions represent an evaluation as an event (a log record named
``gen_ai.evaluation.result``) parented to the GenAI operation span it evaluates, or carrying
``gen_ai.response.id`` where the span is not known. A verdict becomes one event per archetype it
names (``none`` when it finds no failure):

- ``gen_ai.evaluation.name``: the archetype;
- ``gen_ai.evaluation.score.value``: 1.0 when the archetype is a failure the judge found, 0.0
  for ``none``;
- ``gen_ai.evaluation.score.label``: the session's failure visibility (``none``, ``visible``,
  ``invisible``, ``mixed``), low-cardinality as the conventions ask;
- ``gen_ai.evaluation.explanation``: the judge's rationale, redacted;
- ``gen_ai.response.id`` and the span (trace and span id): of the evaluated response, the last
  traced assistant turn among the archetype's evidence turns, else the session's last traced
  assistant turn;
- ``gen_ai.conversation.id``: the session, and ``undercurrent.verdict.quality``: the verdict's
  quality.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import msgspec

from ..judge.verdict import Verdict
from ..sessions.model import TraceLink, TranscriptTurn
from ..vocabulary import NO_FAILURE

EVENT_NAME = "gen_ai.evaluation.result"

AttributeValue = str | float


class EvaluationEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One ``gen_ai.evaluation.result`` event, ready for the OpenTelemetry logs API."""

    attributes: dict[str, AttributeValue]
    link: TraceLink | None
    """The evaluated span and response; None when the session carried no trace."""
    timestamp_ms: int


def evaluated_link(turns: Sequence[TranscriptTurn], evidence: Collection[int]) -> TraceLink | None:
    """The trace link of the response an archetype was judged on (see the module docstring)."""
    traced = [t for t in turns if t.role == "assistant" and t.trace is not None]
    shown = [t for t in traced if t.index in evidence]
    candidates = shown or traced
    return candidates[-1].trace if candidates else None


def evaluation_events(
    verdict: Verdict,
    turns: Sequence[TranscriptTurn],
    *,
    session_id: str,
    judged_at_ms: int,
    redact: Callable[[str], str],
) -> list[EvaluationEvent]:
    events = []
    for finding in verdict.archetypes:
        link = evaluated_link(turns, finding.evidence_turns)
        attributes: dict[str, AttributeValue] = {
            "gen_ai.evaluation.name": finding.archetype,
            "gen_ai.evaluation.score.value": 0.0 if finding.archetype == NO_FAILURE else 1.0,
            "gen_ai.evaluation.score.label": verdict.failure_visibility,
            "gen_ai.evaluation.explanation": redact(finding.rationale),
            "gen_ai.conversation.id": session_id,
            "undercurrent.verdict.quality": verdict.quality,
        }
        if link is not None and link.response_id is not None:
            attributes["gen_ai.response.id"] = link.response_id
        events.append(EvaluationEvent(attributes=attributes, link=link, timestamp_ms=judged_at_ms))
    return events
