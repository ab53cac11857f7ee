"""Agent signals about what the agent did and how the run ended.

They read the pattern of steps (which tools ran, whether they changed something, whether
they failed; see ``agent_steps``) and short cues in the chat turns around them
(``agent_lexicon``). The policy they encode is the one agents that act on a user's behalf
are held to: list what will be done, act only on an explicit yes, do not claim what was not
done, and do not leave the user's task half-way.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..sessions.model import TranscriptTurn
from . import agent_lexicon as lx
from .agent_steps import RESULT_KINDS, Call, calls, chat_before, is_chat, is_handoff, is_mutating, target_ids
from .model import Context, Hit
from .text import cap, excerpt

_USER_HEAD = 300
_LISTING_CHARS = 3000
_CLOSING_USER_TURNS = 2


def _confirmed(ctx: Context, user: TranscriptTurn) -> bool:
    """The user's turn says yes to an assistant turn that asked for confirmation."""
    head = cap(user.text, _USER_HEAD)
    if lx.AFFIRMATION.search(head) is None or lx.NEGATION.search(head) is not None:
        return False
    asked = chat_before(ctx.snapshot, user.index, "assistant")
    return asked is not None and lx.CONFIRMATION_REQUEST.search(cap(asked.text, _LISTING_CHARS)) is not None


def action_without_confirmation(ctx: Context) -> Iterator[Hit]:
    """A mutating tool call not preceded by a confirmation request and the user's explicit yes.

    Only the user's immediately preceding turn counts; several actions after one confirmed
    listing are fine.
    """
    for call in calls(ctx.snapshot):
        if not is_mutating(call.tool):
            continue
        user = chat_before(ctx.snapshot, call.call.index, "user")
        if user is None:
            yield Hit(call.call.index, 0.8, f"{call.tool} before the user said anything")
        elif not _confirmed(ctx, user):
            yield Hit(call.call.index, 0.8, f'{call.tool} after "{excerpt(user.text, 50)}"')


def state_change(ctx: Context) -> Iterator[Hit]:
    """A mutating tool call succeeded: the agent changed something outside the conversation."""
    for call in calls(ctx.snapshot):
        if is_mutating(call.tool) and call.succeeded:
            yield Hit(call.call.index, 0.5, f"{call.tool} succeeded")


def agent_handoff(ctx: Context) -> Iterator[Hit]:
    """The agent passed the user to a person."""
    for call in calls(ctx.snapshot):
        if is_handoff(call.tool):
            yield Hit(call.call.index, 0.6, f"handed off with {call.tool}")


def repeated_action(ctx: Context) -> Iterator[Hit]:
    """The same mutating tool succeeded again on the same target: done, then redone or duplicated.

    Same target: identical arguments, or a shared identifier argument (``order_id`` ...). Two
    bookings with different details are two requests, not a repeat.
    """
    done: list[Call] = []
    for call in calls(ctx.snapshot):
        if not (is_mutating(call.tool) and call.succeeded):
            continue
        ids = target_ids(call.call.text)
        for earlier in done:
            same = earlier.call.text == call.call.text or ids & target_ids(earlier.call.text)
            if earlier.tool == call.tool and same:
                yield Hit(call.call.index, 0.7, f"{call.tool} succeeded again after turn {earlier.call.index}")
                break
        done.append(call)


def unsupported_action_claim(ctx: Context) -> Iterator[Hit]:
    """The assistant says something was done, but no mutating step succeeded since the user's last turn.

    Only in agent sessions (some turn carries a step): a chat answer saying "I've updated the
    function" is about its own text.
    """
    if not any(t.step is not None for t in ctx.snapshot.turns):
        return
    acted = False
    for turn in ctx.snapshot.turns:
        step = turn.step
        if step is not None:
            if step.kind in RESULT_KINDS and step.status != "error" and is_mutating(step.tool):
                acted = True
        elif turn.role == "user" and is_chat(turn):
            acted = False
        elif turn.role == "assistant" and not acted and (m := lx.COMPLETION_CLAIM.search(cap(turn.text, 3000))):
            yield Hit(turn.index, 0.7, f'says "{excerpt(m.group(0), 40)}" with no action since the request')


def premature_end(ctx: Context) -> Iterator[Hit]:
    """The conversation ended with the task open: the user's closing words put it off."""
    users = [t for t in ctx.snapshot.turns if t.role == "user" and is_chat(t)]
    for turn in users[-_CLOSING_USER_TURNS:]:
        if m := lx.DEFERRAL.search(cap(turn.text, 500)):
            yield Hit(turn.index, 0.8, f'user left with "{excerpt(m.group(0), 50)}"')
            return
