"""Read models of the stage results kept with a closed session.

The close results (detectors, sampling) are read tolerantly: those writers
evolve independently of this view, so every field has a default and unknown
fields are ignored, and an older or newer record still renders with what it
has. The judge's result is read through the judge's own record structs
(:mod:`undercurrent.judge.record`), the ones the judge worker writes with.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ..judge.record import JudgeRecord
from ..sessions.protocol import StoredSession


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


class Results(msgspec.Struct, frozen=True, kw_only=True):
    close: CloseResults | None = None
    judge: JudgeRecord | None = None
    unreadable: tuple[str, ...] = ()


def read_results(stored: StoredSession) -> Results:
    raw = stored.results or {}
    close, bad_close = _convert(raw.get("close"), CloseResults)
    judge, bad_judge = _convert(raw.get("judge"), JudgeRecord)
    unreadable = tuple(name for name, bad in (("close", bad_close), ("judge", bad_judge)) if bad)
    return Results(close=close, judge=judge, unreadable=unreadable)


def _convert(value: Any, kind: Any) -> tuple[Any, bool]:
    if value is None:
        return None, False
    try:
        return msgspec.convert(value, kind), False
    except msgspec.ValidationError:
        return None, True
