"""Signals from client behaviour events; language-independent.

Edit size is measured with rapidfuzz's normalised Levenshtein distance when the
client sends the final text but no ratio.
"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz.distance import Levenshtein

from ..sessions.model import Behaviour, SessionSnapshot, TranscriptTurn
from . import lexicon as lx
from .model import Context, DetectorFn, Hit
from .text import cap
from .turns import chat_turns

SUCCESS_TYPES = frozenset({"copy", "accept"})
_EXITS = frozenset({"abandon", "session_end"})


def _events(snapshot: SessionSnapshot, kind: str) -> list[Behaviour]:
    return [b for b in snapshot.behaviours if b.type == kind]


def _turn_of(snapshot: SessionSnapshot, index: int | None) -> TranscriptTurn | None:
    return next((t for t in snapshot.turns if t.index == index), None)


def _on_answer(snapshot: SessionSnapshot, event: Behaviour) -> bool:
    """True unless the event points at a turn that is not the assistant's."""
    turn = _turn_of(snapshot, event.turn)
    return turn is None or turn.role == "assistant"


def _target(snapshot: SessionSnapshot, event: Behaviour) -> int:
    """The turn an event refers to; the latest assistant turn when the client sent none."""
    if event.turn is not None:
        return event.turn
    answers = [t.index for t in snapshot.turns if t.role == "assistant" and t.ts_ms <= event.ts_ms]
    return answers[-1] if answers else 0


def stopped_turns(snapshot: SessionSnapshot) -> set[int]:
    """The answers the user stopped while they were being generated."""
    return {_target(snapshot, event) for event in _events(snapshot, "stop_generation")}


def accept_then_undo(ctx: Context) -> Iterator[Hit]:
    window_ms = ctx.config.undo_window_s * 1000
    accepts = _events(ctx.snapshot, "accept")
    for undo in _events(ctx.snapshot, "undo"):
        for accept in accepts:
            same_target = undo.turn is None or accept.turn == undo.turn
            if same_target and 0 <= undo.ts_ms - accept.ts_ms <= window_ms:
                seconds = (undo.ts_ms - accept.ts_ms) / 1000
                yield Hit(_target(ctx.snapshot, accept), 0.9, f"undone {seconds:.0f}s after accept")
                break


def edit_ratio(event: Behaviour, snapshot: SessionSnapshot, max_chars: int) -> float | None:
    if event.edit_ratio is not None:
        return event.edit_ratio
    turn = _turn_of(snapshot, event.turn)
    if event.final_text is None or turn is None:
        return None
    return Levenshtein.normalized_distance(cap(turn.text, max_chars), cap(event.final_text, max_chars))


def large_edit(ctx: Context) -> Iterator[Hit]:
    for event in _events(ctx.snapshot, "edit"):
        ratio = edit_ratio(event, ctx.snapshot, ctx.config.max_compare_chars)
        if ratio is not None and ratio >= ctx.config.large_edit_ratio and _on_answer(ctx.snapshot, event):
            yield Hit(_target(ctx.snapshot, event), min(1.0, ratio), f"{ratio:.0%} of the answer edited")


def _event_signal(kind: str, score: float, evidence: str) -> DetectorFn:
    def detect(ctx: Context) -> Iterator[Hit]:
        for event in _events(ctx.snapshot, kind):
            if _on_answer(ctx.snapshot, event):
                yield Hit(_target(ctx.snapshot, event), score, evidence)

    return detect


regenerate = _event_signal("regenerate", 0.7, "user asked for another answer")
stop_generation = _event_signal("stop_generation", 0.6, "user stopped the answer while it streamed")
copy = _event_signal("copy", 0.8, "user copied the answer")


def _rating(event: Behaviour, ctx: Context) -> str | None:
    if event.value in ("thumbs_up", "thumbs_down"):
        return event.value
    if event.value == "rating" and event.score is not None:
        if event.score >= ctx.config.rating_positive_min:
            return "thumbs_up"
        if event.score <= ctx.config.rating_negative_max:
            return "thumbs_down"
    return None


def _feedback_signal(polarity: str) -> DetectorFn:
    def detect(ctx: Context) -> Iterator[Hit]:
        for event in _events(ctx.snapshot, "feedback"):
            if _rating(event, ctx) == polarity:
                detail = f" ({event.value} {event.score:g})" if event.score is not None else ""
                yield Hit(_target(ctx.snapshot, event), 0.9, f"{polarity}{detail}")

    return detect


thumbs_up = _feedback_signal("thumbs_up")
thumbs_down = _feedback_signal("thumbs_down")


def _succeeded_after(ctx: Context, ts_ms: int) -> bool:
    """A copy, an accept that was not undone, or a positive rating at or after ``ts_ms``."""
    later = [b for b in ctx.snapshot.behaviours if b.ts_ms >= ts_ms]
    undone = {b.turn for b in later if b.type == "undo"}
    return any(
        (b.type in SUCCESS_TYPES and not (b.type == "accept" and b.turn in undone))
        or (b.type == "feedback" and _rating(b, ctx) == "thumbs_up")
        for b in later
    )


def _final_answer(ctx: Context) -> tuple[TranscriptTurn, TranscriptTurn | None] | None:
    """The last chat turn if it is the assistant's, with the user turn before it."""
    turns = chat_turns(ctx.snapshot)
    if not turns or turns[-1].role != "assistant":
        return None
    users = [t for t in turns if t.role == "user"]
    return turns[-1], (users[-1] if users else None)


def abandon_after_answer(ctx: Context) -> Iterator[Hit]:
    """The user left within ``quick_abandon_s`` of the final answer without using it."""
    final = _final_answer(ctx)
    if final is None:
        return
    answer = final[0]
    limit_ms = ctx.config.quick_abandon_s * 1000
    for event in _events(ctx.snapshot, "abandon"):
        quick = 0 <= event.ts_ms - answer.ts_ms <= limit_ms
        if quick and not _succeeded_after(ctx, answer.ts_ms):
            yield Hit(answer.index, 0.7, f"left {(event.ts_ms - answer.ts_ms) / 1000:.0f}s after the answer")
            return


def walkaway(ctx: Context) -> Iterator[Hit]:
    """Closed after an assistant turn, quiet for the feature's gap, no success signal and no closing remark.

    The quiet time runs from the last user activity after the final answer to the close
    (``closed_ms``; an idle close is quiet by definition). Without either, it runs to the
    last event, so an explicit ``abandon``/``session_end`` marks when the user left.
    """
    final = _final_answer(ctx)
    if final is None or ctx.snapshot.close_reason is None:
        return
    answer, last_user = final
    if last_user is not None and lx.CLOSURE.search(cap(last_user.text, 200)):
        return
    if _succeeded_after(ctx, answer.ts_ms):
        return
    gap_s = ctx.config.walkaway_gap_for(ctx.snapshot.feature)
    active = [b.ts_ms for b in ctx.snapshot.behaviours if b.type not in _EXITS and b.ts_ms >= answer.ts_ms]
    quiet_from = max([answer.ts_ms, *active])
    if ctx.closed_ms is not None:
        quiet_s = (ctx.closed_ms - quiet_from) / 1000
    elif ctx.snapshot.close_reason == "idle":
        quiet_s = float("inf")
    else:
        quiet_s = (ctx.snapshot.last_event_ms - quiet_from) / 1000
    if quiet_s >= gap_s:
        shown = "idle close" if quiet_s == float("inf") else f"{quiet_s:.0f}s"
        yield Hit(answer.index, 0.6, f"no reply or use after the final answer ({shown} ≥ {gap_s:.0f}s)")
