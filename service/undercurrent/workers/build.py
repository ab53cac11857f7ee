"""Building a claimed session's record: the close stages over its snapshot, then the encoded record.

Pure apart from the stages' metrics, and free of I/O imports: a close process imports this module
(see :mod:`.close_pool`), and so does the worker when it builds on its event loop.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Sequence
from typing import Protocol

import msgspec

from ..config import Settings
from ..estimate.assisted import ClosedIncrements, closed_increments
from ..ingest.stages import CloseStage
from ..kafka.message import value_budget
from ..metrics.labels import OTHER
from ..records.fit import encode_within
from ..records.session import SessionRecord, session_record
from ..sessions.claimed import ClaimedSession

YIELD_EVERY = 16


class ClosedRecord(msgspec.Struct, frozen=True, tag=True):
    """A claimed session's finished record, ready to publish, with what the closer counts about it."""

    session_id: str
    payload: bytes
    topics: list[str]
    results: bytes
    """The stage results kept in Redis with the closed session (:class:`..records.session.CloseResults`)."""
    feature: str
    domain: str | None
    close_reason: str | None
    late_events: int
    release: str
    """The release label the close stages gave the session (``ReleaseStage``), ``other`` without one."""
    wall_ms: int
    predicted: ClosedIncrements | None = None
    """What the session adds to the model-assisted estimator's closed-session sums (f, f², f²/π, 1/π)."""


class BuildFailure(msgspec.Struct, frozen=True, tag=True):
    """A session whose record could not be built (a stage bug): it stays claimed and is retried after its lease."""

    session_id: str
    error: str


Built = ClosedRecord | BuildFailure


class RecordBuilder(Protocol):
    """Runs the close stages over claimed sessions; one result per session, in order."""

    async def start(self) -> None:
        """Be ready to build (idempotent); called before every claim."""

    async def build(self, sessions: list[ClaimedSession], now_ms: int) -> list[Built]: ...

    async def close(self) -> None: ...


def build_record(
    session: ClaimedSession, now_ms: int, stages: Sequence[CloseStage], settings: Settings
) -> ClosedRecord:
    """The published record of one claimed session: the base record, every stage's results, encoded."""
    snapshot = session.snapshot()
    record = session_record(snapshot, closed_at_ms=now_ms)
    topics = [settings.topics.sessions]
    for stage in stages:
        topics.extend(stage(snapshot, record))
    key = snapshot.session_id.encode()
    return ClosedRecord(
        session_id=snapshot.session_id,
        payload=encode_within(record, value_budget(settings.kafka.max_request_bytes, key, ())),
        topics=topics,
        results=msgspec.json.encode(record.close_results()),
        feature=record.feature,
        domain=record.domain,
        close_reason=record.close_reason,
        late_events=record.late_events,
        release=OTHER if record.release is None else record.release,
        wall_ms=session.wall_ms,
        predicted=_predicted(record),
    )


def _predicted(record: SessionRecord) -> ClosedIncrements | None:
    if record.predictions is None:
        return None
    assert record.sampling is not None, "the sampling stage runs after the prediction stage"
    return closed_increments(record.predictions, pi=record.sampling.pi)


def build_all(
    sessions: Sequence[ClaimedSession], now_ms: int, stages: Sequence[CloseStage], settings: Settings
) -> list[Built]:
    """:func:`build_record` for each session; a session whose stages fail does not stop the others."""
    built: list[Built] = []
    for session in sessions:
        try:
            built.append(build_record(session, now_ms, stages, settings))
        except Exception:
            built.append(BuildFailure(session.session_id, traceback.format_exc()))
    return built


class InlineBuilder:
    """Runs the close stages on the event loop, yielding to it between small groups of sessions.

    The ingest consumers wait while the stages run: with detectors on, a large close batch
    holds ingest back for seconds. ``sessions.close_workers = 0`` selects it.
    """

    def __init__(self, settings: Settings, stages: Sequence[CloseStage]) -> None:
        self.settings = settings
        self.stages = list(stages)

    async def start(self) -> None:
        return None

    async def build(self, sessions: list[ClaimedSession], now_ms: int) -> list[Built]:
        built: list[Built] = []
        for start in range(0, len(sessions), YIELD_EVERY):
            if start:
                await asyncio.sleep(0)  # close stages are CPU work: let consumers and heartbeats run
            built += build_all(sessions[start : start + YIELD_EVERY], now_ms, self.stages, self.settings)
        return built

    async def close(self) -> None:
        return None
