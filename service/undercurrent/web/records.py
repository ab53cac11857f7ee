"""Tolerant read models of the stage results kept with a closed session.

The writers (detectors, sampling, judge) evolve independently of this view, so
every field has a default and unknown fields are ignored: an older or newer
record still renders, with what it has.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from ..sessions.store import StoredSession

T = TypeVar("T")


class StoredSignal(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    turns: list[int] = []
    score: float = 0.0
    evidence: str = ""


class StoredFlag(msgspec.Struct, frozen=True, kw_only=True):
    archetype: str
    score: float = 0.0
    signals: list[str] = []


class StoredReport(msgspec.Struct, frozen=True, kw_only=True):
    signals: list[StoredSignal] = []
    archetypes: list[StoredFlag] = []
    visibility: str | None = None
    risk: float | None = None
    domain: str | None = None


class StoredSampling(msgspec.Struct, frozen=True, kw_only=True):
    sampled: bool | None = None
    pi: float | None = None


class CloseResults(msgspec.Struct, frozen=True, kw_only=True):
    domain: str | None = None
    domain_source: str | None = None
    detectors: StoredReport | None = None
    sampling: StoredSampling | None = None


class StoredFinding(msgspec.Struct, frozen=True, kw_only=True):
    archetype: str
    evidence_turns: list[int] = []
    rationale: str = ""


class StoredVerdict(msgspec.Struct, frozen=True, kw_only=True):
    quality: str | None = None
    failure_visibility: str | None = None
    archetypes: list[StoredFinding] = []
    domain: str | None = None
    failure_origin: str | None = None
    summary: str = ""


class Results(msgspec.Struct, frozen=True, kw_only=True):
    close: CloseResults | None = None
    judge: StoredVerdict | None = None
    unreadable: tuple[str, ...] = ()


def read_results(stored: StoredSession) -> Results:
    raw = stored.results or {}
    close, bad_close = _convert(raw.get("close"), CloseResults)
    judge, bad_judge = _convert(raw.get("judge"), StoredVerdict)
    unreadable = tuple(name for name, bad in (("close", bad_close), ("judge", bad_judge)) if bad)
    return Results(close=close, judge=judge, unreadable=unreadable)


def _convert(value: Any, kind: type[T]) -> tuple[T | None, bool]:
    if value is None:
        return None, False
    try:
        return msgspec.convert(value, kind), False
    except msgspec.ValidationError:
        return None, True
