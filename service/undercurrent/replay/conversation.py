"""The input of the replayer: a conversation without timings or behaviour."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Literal, TypeVar

import msgspec

Role = Literal["user", "assistant", "system", "tool"]


class Conversation(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    messages: tuple[tuple[Role, str], ...]
    feature: str | None = None
    domain: str | None = None
    user_id: str | None = None

    def has_user_turn(self) -> bool:
        return any(role == "user" for role, _ in self.messages)


Item = TypeVar("Item")


def window(conversations: Iterable[Item], *, skip: int = 0, limit: int | None = None) -> Iterator[Item]:
    """Drop the first ``skip`` conversations (or traces) and stop after ``limit`` more."""
    stop = None if limit is None else skip + limit
    return itertools.islice(conversations, skip, stop)
