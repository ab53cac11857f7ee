"""Filtered listing over the store's index of closed sessions, newest first.

The store keeps one index, closed sessions by close time, so every other
filter is applied here while walking that index backwards from ``until``. One
listing examines at most ``scan_limit`` sessions; when it stops before filling
the page it says so, and the next page continues where it stopped.

Paging is by position under a fixed ``until``: the worker closes sessions in
batches that share one close millisecond, so a time alone cannot say where a
page ended. New sessions land above ``until`` and expiry trims the oldest end,
so positions under a fixed ``until`` stay put between pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from ..metrics.labels import LabelBounds
from ..privacy.redact import Redact
from ..sessions.protocol import SessionStore, StoredSession
from .filters import SessionFilter, matches
from .summary import SessionSummary, summarize

_FETCH_CONCURRENCY = 50


@dataclass(frozen=True, slots=True)
class Page:
    """``next_until``/``next_offset`` continue the listing further back; None when nothing older is left."""

    sessions: list[SessionSummary]
    scanned: int
    scan_stopped_early: bool
    next_until: int | None = None
    next_offset: int | None = None


async def find_sessions(
    store: SessionStore,
    f: SessionFilter,
    bounds: LabelBounds,
    redact: Redact,
    *,
    offset: int = 0,
    limit: int = 100,
    scan_limit: int = 5000,
    fetch_size: int = 200,
) -> Page:
    rows = await store.recent_closed(limit=offset + scan_limit, before_ms=f.until_ms)
    window = rows[offset:]
    candidates = [sid for sid, ts in window if f.since_ms is None or ts >= f.since_ms]
    index_continues = len(rows) == offset + scan_limit and len(candidates) == len(window)
    found: list[tuple[int, StoredSession]] = []
    scanned = 0
    while scanned < len(candidates) and len(found) < limit:
        chunk = candidates[scanned : scanned + fetch_size]
        for position, stored in zip(range(scanned, scanned + len(chunk)), await _fetch(store, chunk), strict=True):
            if stored is not None and matches(f, summarize(stored, _keep), bounds):
                found.append((position, stored))
        scanned += len(chunk)
    consumed = found[limit - 1][0] + 1 if len(found) >= limit else scanned
    shown = [summarize(stored, redact) for _, stored in found[:limit]]
    if consumed == len(candidates) and not index_continues:
        return Page(shown, scanned, scan_stopped_early=False)
    until = f.until_ms if f.until_ms is not None else rows[0][1] + 1
    return Page(shown, scanned, scan_stopped_early=len(found) < limit, next_until=until, next_offset=offset + consumed)


async def _fetch(store: SessionStore, session_ids: Sequence[str]) -> list[StoredSession | None]:
    """The closed sessions, in order; None where one expired or is not closed."""
    out: list[StoredSession | None] = []
    for start in range(0, len(session_ids), _FETCH_CONCURRENCY):
        chunk = session_ids[start : start + _FETCH_CONCURRENCY]
        fetched = await asyncio.gather(*(store.get(sid) for sid in chunk))
        out.extend(s if s is not None and s.state == "closed" else None for s in fetched)
    return out


def _keep(text: str) -> str:
    """Matching never shows text, so it skips the cost of redaction."""
    return text
