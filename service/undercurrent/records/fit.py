"""Fit a closed session's record into one Kafka record.

A record over the budget first has its longest texts cut, all to one common
length, as little as needed ("water filling": short texts stay whole); if even
empty texts leave it too large (thousands of events), turns and behaviour events
are dropped from the middle of the session, keeping its start and its end. The
record says what was done under ``truncated``.
"""

from __future__ import annotations

import msgspec

from .session import SessionRecord, Truncated

ELLIPSIS = "…"
_encode = msgspec.json.encode
_replace = msgspec.structs.replace


def _cut(text: str | None, cap: int) -> str | None:
    if text is None or len(text) <= cap:
        return text
    return text[:cap] + ELLIPSIS


def _with_texts_cut(record: SessionRecord, cap: int) -> SessionRecord:
    turns = tuple(
        _replace(t, text=_cut(t.text, cap), step=_replace(t.step, error=_cut(t.step.error, cap)) if t.step else None)
        for t in record.transcript
    )
    behaviours = tuple(
        _replace(b, final_text=_cut(b.final_text, cap), comment=_cut(b.comment, cap)) for b in record.behaviours
    )
    return _replace(record, transcript=turns, behaviours=behaviours)


def _text_lengths(record: SessionRecord) -> list[int]:
    lengths = []
    for t in record.transcript:
        lengths.append(len(t.text))
        if t.step and t.step.error:
            lengths.append(len(t.step.error))
    for b in record.behaviours:
        lengths += [len(b.final_text or ""), len(b.comment or "")]
    return lengths


def water_level(lengths: list[int], excess: int) -> int:
    """Largest cap such that cutting every length down to it removes at least ``excess`` characters."""
    low, high = 0, max(lengths, default=0)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(0, n - cap) for n in lengths) >= excess:
            low = cap
        else:
            high = cap - 1
    return low


def _middle_dropped(record: SessionRecord, keep: int) -> SessionRecord:
    """Keep the first and last ``keep`` turns and behaviour events."""
    assert record.truncated is not None
    turns, behaviours, truncated = record.transcript, record.behaviours, record.truncated
    if len(turns) > 2 * keep:
        truncated = _replace(truncated, turns_omitted=len(turns) - 2 * keep)
        turns = (*turns[:keep], *turns[len(turns) - keep :])
    if len(behaviours) > 2 * keep:
        truncated = _replace(truncated, behaviours_omitted=len(behaviours) - 2 * keep)
        behaviours = (*behaviours[:keep], *behaviours[len(behaviours) - keep :])
    return _replace(record, transcript=turns, behaviours=behaviours, truncated=truncated)


def encode_within(record: SessionRecord, budget: int) -> bytes:
    """The record as JSON in at most ``budget`` bytes (cut as described above when it is larger)."""
    data = _encode(record)
    if len(data) <= budget:
        return data
    original_bytes = len(data)
    lengths = _text_lengths(record)
    cap = water_level(lengths, len(data) - budget + 256)
    while True:  # multi-byte characters and escapes make bytes and characters differ: tighten until it fits
        marked = _replace(record, truncated=Truncated(original_bytes=original_bytes, text_max_chars=cap))
        data = _encode(_with_texts_cut(marked, cap))
        if len(data) <= budget or cap == 0:
            break
        cap = water_level(lengths, sum(max(0, n - cap) for n in lengths) + (len(data) - budget))
    if len(data) <= budget:
        return data
    cut = _with_texts_cut(_replace(record, truncated=Truncated(original_bytes=original_bytes, text_max_chars=0)), 0)
    low, high = 0, max(len(cut.transcript), len(cut.behaviours))
    while low < high:  # the most turns and behaviour events kept at both ends that still fit
        keep = (low + high + 1) // 2
        if len(_encode(_middle_dropped(cut, keep))) <= budget:
            low = keep
        else:
            high = keep - 1
    return _encode(_middle_dropped(cut, low))
