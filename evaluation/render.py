"""A conversation as plain text for a labeller: every turn whole, with its index and role."""

from __future__ import annotations

from collections.abc import Sequence

from undercurrent.replay.conversation import Conversation

from .population import part_of

_RULE = "═" * 12


def render(conversation: Conversation, parts: Sequence[tuple[int, str]] = ()) -> str:
    """``parts`` are the ``(offset, id)`` parts of the same parent present in the package."""
    roles = [role for role, _ in conversation.messages]
    lines = [
        f"conversation {conversation.id}",
        f"turns: {len(roles)} (user {roles.count('user')}, assistant {roles.count('assistant')}); "
        f"turn indices are the ones to use in labels",
        *_context(conversation, roles, parts),
        "",
    ]
    for index, (role, text) in enumerate(conversation.messages):
        lines += [f"{_RULE} [{index}] {role.upper()} {_RULE}", text.rstrip(), ""]
    lines.append(f"{_RULE} end of conversation {conversation.id}: last turn [{len(roles) - 1}] {roles[-1]} {_RULE}")
    return "\n".join(lines) + "\n"


def _context(conversation: Conversation, roles: Sequence[str], parts: Sequence[tuple[int, str]]) -> list[str]:
    notes = []
    _, offset = part_of(conversation.id)
    earlier = [pid for off, pid in parts if off < offset]
    later = [pid for off, pid in parts if off > offset]
    if offset > 0 or roles[0] == "assistant":
        notes.append(
            f"starts mid-conversation: this is a part of a longer ShareGPT conversation (offset {offset}); "
            f"earlier parts in the package: {', '.join(earlier) or 'none'}"
        )
    if later:
        notes.append(f"the conversation continues in later parts: {', '.join(later)} (the user came back)")
    elif roles[-1] == "assistant":
        notes.append("no later part in the package: the shared conversation ends after the assistant's turn")
    return notes
