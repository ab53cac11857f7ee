"""Conversations from a JSONL file, one conversation per line.

A line looks like ``{"id": "c1", "feature": "search", "domain": "legal",
"user_id": "u7", "messages": [{"role": "user", "text": "..."}, ...]}``; a
message may say ``content`` instead of ``text``. Blank lines are ignored. A line
that does not fit raises :class:`ConversationFileError` naming the line: a
replay should not quietly send a different corpus from the one asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec

from ..errors import UndercurrentError
from .conversation import Conversation, Role, window


class ConversationFileError(UndercurrentError, ValueError):
    """A line of a conversation file is not a valid conversation."""


class _Message(msgspec.Struct, forbid_unknown_fields=False):
    role: Role
    text: str | None = None
    content: str | None = None


class _Line(msgspec.Struct):
    id: Annotated[str, msgspec.Meta(min_length=1)] | int
    messages: list[_Message]
    feature: str | None = None
    domain: str | None = None
    user_id: str | None = None


_decoder = msgspec.json.Decoder(_Line)


def read_jsonl(path: Path, *, skip: int = 0, limit: int | None = None) -> Iterator[Conversation]:
    with path.open("rb") as lines:
        yield from window(parse_lines(path, lines, parse_line, ConversationFileError), skip=skip, limit=limit)


def count_lines(path: Path) -> int:
    """Number of non-blank lines, i.e. of conversations if the file is valid."""
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


Parsed = TypeVar("Parsed")


def parse_lines(
    path: Path, lines: Iterator[bytes], parse: Callable[[bytes], Parsed], error: type[Exception]
) -> Iterator[Parsed]:
    """Each non-blank line parsed; a line that does not parse raises ``error`` naming ``path:line``."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield parse(line)
            except (msgspec.DecodeError, ValueError) as exc:
                raise error(f"{path}:{number}: {exc}") from exc


def parse_line(line: bytes) -> Conversation:
    parsed = _decoder.decode(line)
    messages: list[tuple[Role, str]] = []
    for position, message in enumerate(parsed.messages):
        text = message.text if message.text is not None else message.content
        if text is None:
            raise ValueError(f"message {position} has neither `text` nor `content`")
        messages.append((message.role, text))
    conversation = Conversation(
        id=str(parsed.id),
        messages=tuple(messages),
        feature=parsed.feature,
        domain=parsed.domain,
        user_id=parsed.user_id,
    )
    if not conversation.has_user_turn():
        raise ValueError("conversation has no user message")
    return conversation
