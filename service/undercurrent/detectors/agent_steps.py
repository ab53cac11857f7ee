"""Views over an agent session shared by the agent detectors: tool kinds, calls with their results.

Tools are classified by the verb their name starts with, the convention agent toolkits follow
(``cancel_reservation``, ``modifyPendingOrder``, ``send-email``): a *mutating* tool changes
something outside the conversation (a booking, an order, a message sent); a *handoff* tool
passes the user to a person. Everything else (get, search, list, calculate, think) only reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import msgspec

from ..sessions.model import SessionSnapshot, TranscriptTurn

MUTATING_VERBS = frozenset({
    "add", "amend", "apply", "approve", "archive", "assign", "ban", "block", "book", "buy", "cancel", "change",
    "charge", "close", "commit", "create", "delete", "deploy", "deposit", "disable", "downgrade", "edit",
    "email", "enable", "exchange", "execute", "forward", "grant", "insert", "invite", "issue", "merge",
    "modify", "move", "notify", "order", "pay", "place", "post", "publish", "purchase", "push", "put", "refund",
    "register", "reject", "remove", "rename", "replace", "reply", "reserve", "reset", "return", "revoke",
    "schedule", "send", "set", "share", "submit", "transfer", "unsubscribe", "update", "upgrade", "upload",
    "withdraw", "write",
})  # fmt: skip
_HANDOFF_VERBS = frozenset(("transfer", "connect", "route", "hand", "pass", "redirect"))
_PEOPLE = frozenset(("human", "humans", "person", "operator", "representative", "staff", "agent", "agents", "support"))
_HANDOFF_ALONE = frozenset(("handoff", "escalate"))
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
CALL_KINDS = ("tool_call", "action")
RESULT_KINDS = ("tool_result", "observation")


def name_words(tool: str) -> list[str]:
    """``update_reservation_flights`` → update, reservation, flights; camelCase and kebab-case too."""
    return [w.lower() for w in _NAME_WORD.findall(tool)]


def is_handoff(tool: str | None) -> bool:
    """``transfer_to_human_agents``, ``escalate``, ``connectToOperator``; not ``transfer_funds``."""
    found = name_words(tool) if tool else []
    if not found:
        return False
    verb = found[0]
    return verb in _HANDOFF_ALONE or (verb in _HANDOFF_VERBS and not _PEOPLE.isdisjoint(found))


def is_mutating(tool: str | None) -> bool:
    if tool is None or is_handoff(tool):
        return False
    found = name_words(tool)
    return bool(found) and found[0] in MUTATING_VERBS


class Call(msgspec.Struct, frozen=True):
    """A tool call and the result that answered it (``None`` if none came before the next call)."""

    call: TranscriptTurn
    result: TranscriptTurn | None

    @property
    def tool(self) -> str | None:
        assert self.call.step is not None
        return self.call.step.tool

    @property
    def failed(self) -> bool:
        return self.result is not None and self.result.step is not None and self.result.step.status == "error"

    @property
    def succeeded(self) -> bool:
        return self.result is not None and not self.failed


def target_ids(arguments: str) -> frozenset[tuple[str, str]]:
    """The identifiers a call acts on: top-level ``id`` / ``*_id`` / ``*Id`` arguments of its JSON."""
    try:
        parsed = msgspec.json.decode(arguments)
    except msgspec.DecodeError:
        return frozenset()
    if not isinstance(parsed, dict):
        return frozenset()
    return frozenset(
        (key, str(value))
        for key, value in parsed.items()
        if isinstance(value, str | int) and (key.lower() == "id" or key.endswith(("_id", "Id")))
    )


def calls(snapshot: SessionSnapshot) -> Iterator[Call]:
    """Every tool call in order, paired with the first result of the same tool that follows it."""
    pending: list[TranscriptTurn] = []
    paired: dict[int, TranscriptTurn] = {}
    for turn in snapshot.turns:
        if turn.step is None:
            continue
        if turn.step.kind in CALL_KINDS:
            pending.append(turn)
        elif turn.step.kind in RESULT_KINDS:
            match = next((c for c in pending if c.step is not None and c.step.tool == turn.step.tool), None)
            if match is not None:
                pending.remove(match)
                paired[match.index] = turn
    for turn in snapshot.turns:
        if turn.step is not None and turn.step.kind in CALL_KINDS:
            yield Call(turn, paired.get(turn.index))


def is_chat(turn: TranscriptTurn) -> bool:
    """A user or assistant turn that carries words for the other side, not a step."""
    return turn.step is None and turn.role in ("user", "assistant") and bool(turn.text.strip())


def chat_before(snapshot: SessionSnapshot, index: int, role: str) -> TranscriptTurn | None:
    """The last chat turn of ``role`` before turn ``index``."""
    found = None
    for turn in snapshot.turns:
        if turn.index >= index:
            break
        if turn.role == role and is_chat(turn):
            found = turn
    return found
