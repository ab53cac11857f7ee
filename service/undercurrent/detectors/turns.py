"""Views over a transcript that several detectors share."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from ..sessions.model import SessionSnapshot, TranscriptTurn

CHAT_ROLES = ("user", "assistant")


class Reply(msgspec.Struct, frozen=True):
    """A user turn with the assistant turn it answers and the user turn before that."""

    user: TranscriptTurn
    answered: TranscriptTurn
    previous_user: TranscriptTurn | None


def chat_turns(snapshot: SessionSnapshot) -> list[TranscriptTurn]:
    """User and assistant turns that carry text (agent steps and tool output excluded)."""
    return [t for t in snapshot.turns if t.role in CHAT_ROLES and t.step is None]


def replies(snapshot: SessionSnapshot) -> Iterator[Reply]:
    """Every user turn that follows an assistant turn."""
    last_ai: TranscriptTurn | None = None
    last_user: TranscriptTurn | None = None
    for turn in chat_turns(snapshot):
        if turn.role == "assistant":
            last_ai = turn
            continue
        if last_ai is not None and (last_user is None or last_ai.index > last_user.index):
            yield Reply(turn, last_ai, last_user)
        last_user = turn


def answers(snapshot: SessionSnapshot) -> Iterator[tuple[TranscriptTurn | None, TranscriptTurn]]:
    """Every assistant turn with the user turn it answers (None when the assistant spoke first)."""
    last_user: TranscriptTurn | None = None
    for turn in chat_turns(snapshot):
        if turn.role == "user":
            last_user = turn
        else:
            yield last_user, turn


def last_chat_turn(snapshot: SessionSnapshot) -> TranscriptTurn | None:
    turns = chat_turns(snapshot)
    return turns[-1] if turns else None
