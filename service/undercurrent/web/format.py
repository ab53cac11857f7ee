"""Small formatting filters for the templates."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

_DOT_SEGMENTS = frozenset({".", ".."})


def utc_time(ms: int | None) -> str:
    if ms is None:
        return "–"
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def gap(ms: int | None) -> str:
    """A wait between two events, e.g. ``+4m 12s``; empty when there is none to show."""
    if ms is None:
        return ""
    seconds = ms // 1000
    if seconds == 0:
        return f"+{ms} ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "+" + " ".join(p for p in parts if p)


def score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def session_href(session_id: str) -> str:
    """The link to a session's page: the id as one percent-encoded path segment (``/`` included),
    so ``../x`` cannot lead elsewhere; ``.`` and ``..``, which URL parsers remove from any path
    even encoded, go as a query parameter instead."""
    if session_id in _DOT_SEGMENTS:
        return "/session?id=" + quote(session_id, safe="")
    return "/sessions/" + quote(session_id, safe="")
