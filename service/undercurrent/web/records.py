"""The stage results kept with a closed session, read through the structs their writers write with.

The close results are the record builder's :class:`~undercurrent.records.session.CloseResults`,
the judge's result one of its records (:mod:`undercurrent.judge.record`), so the stored shape
cannot drift between writer and reader. Unknown fields are ignored and fields added later have
defaults; a result that does not decode is reported as unreadable rather than misread.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ..judge.record import JudgeRecord
from ..records.session import CloseResults
from ..sessions.protocol import StoredSession


class Results(msgspec.Struct, frozen=True, kw_only=True):
    close: CloseResults | None = None
    judge: JudgeRecord | None = None
    unreadable: tuple[str, ...] = ()


def read_results(stored: StoredSession) -> Results:
    raw = stored.results or {}
    close, bad_close = _decode(raw.get("close"), CloseResults)
    judge, bad_judge = _decode(raw.get("judge"), JudgeRecord)
    unreadable = tuple(name for name, bad in (("close", bad_close), ("judge", bad_judge)) if bad)
    return Results(close=close, judge=judge, unreadable=unreadable)


def _decode(value: bytes | None, kind: Any) -> tuple[Any, bool]:
    if value is None:
        return None, False
    try:
        return msgspec.json.decode(value, type=kind), False
    except msgspec.DecodeError:  # not JSON, or not a record of the writer's schema
        return None, True
