"""One labelled conversation: the struct every labels file is decoded into, and its rules.

The struct is the format (``labels.schema.json`` is generated from it); ``problems``
adds the rules a schema cannot state: the consistency between quality, visibility
and archetypes, and that every turn index exists and belongs to the right speaker.
The meaning of each field is in ``sharegpt/GUIDE.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

import msgspec

from undercurrent.judge.verdict import ARCHETYPES, NO_FAILURE

Quality = Literal["good", "acceptable", "poor", "critical"]
Visibility = Literal["none", "invisible", "visible", "mixed"]
ArchetypeName = Literal[(*ARCHETYPES, NO_FAILURE)]  # type: ignore[valid-type]

USER_SIGNALS: tuple[str, ...] = (
    "user_corrects_ai",
    "user_repeats_request",
    "user_expresses_frustration",
    "user_expresses_dissatisfaction",
    "user_asks_clarification",
    "user_positive_feedback",
    "user_abandons_thread",
)
AI_SIGNALS: tuple[str, ...] = (
    "ai_refuses_or_declines",
    "ai_malfunction",
    "repetition",
    "ai_self_contradiction",
    "ai_acknowledges_correction",
    "ai_asked_clarifying_question",
    "ai_asserts_knowledge_limit",
)
SIGNALS: tuple[str, ...] = USER_SIGNALS + AI_SIGNALS
SignalName = Literal[SIGNALS]  # type: ignore[valid-type]

ARTEFACTS: tuple[str, ...] = (
    "starts_mid_conversation",
    "continued_in_later_part",
    "pasted_material",
    "role_play",
    "jailbreak",
    "extension_boilerplate",
    "answer_language_mismatch",
    "continue_prompts",
    "trivial",
)
Artefact = Literal[ARTEFACTS]  # type: ignore[valid-type]

TurnIndex = Annotated[int, msgspec.Meta(ge=0)]
Turns = Annotated[list[TurnIndex], msgspec.Meta(min_length=1)]
Language = Annotated[str, msgspec.Meta(pattern="^([a-z]{2}|und)$", description="ISO 639-1, or und")]
Note = Annotated[str, msgspec.Meta(min_length=10, max_length=600)]
Labeller = Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9_-]{1,31}$")]


class ConversationLabel(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The labels of one conversation by one labeller; absent signals are negatives."""

    id: str
    labeller: Labeller
    language: Language
    quality: Quality
    failure_visibility: Visibility
    archetypes: Annotated[dict[ArchetypeName, list[TurnIndex]], msgspec.Meta(min_length=1)]
    signals: dict[SignalName, Turns]
    implicit_corrections: list[TurnIndex] = []
    artefacts: list[Artefact] = []
    unsure: bool = False
    note: Note

    @property
    def failed(self) -> bool:
        """The positive class of every failure metric: some failure, seen by the user or not."""
        return self.failure_visibility != "none"


def label_schema() -> dict[str, Any]:
    return msgspec.json.schema(ConversationLabel)


def problems(label: ConversationLabel, roles: Sequence[str] | None = None) -> list[str]:
    """Every rule ``label`` breaks; with ``roles`` (the role of each turn) also the turn rules."""
    found = _consistency(label)
    if roles is not None:
        found += _turn_problems(label, roles)
    return found


def _consistency(label: ConversationLabel) -> list[str]:
    found: list[str] = []
    names = set(label.archetypes)
    if NO_FAILURE in names and len(names) > 1:
        found.append("archetype 'none' must stand alone")
    if (names == {NO_FAILURE}) != (not label.failed):
        found.append("archetypes {'none'} go with failure_visibility 'none', and only with it")
    if label.failed and label.quality == "good":
        found.append("a failed conversation cannot have quality 'good'")
    if not label.failed and label.quality in ("poor", "critical"):
        found.append(f"quality {label.quality!r} needs a failure (failure_visibility other than 'none')")
    for name, turns in label.archetypes.items():
        if name == NO_FAILURE and turns:
            found.append("archetype 'none' takes no evidence turns")
        if name != NO_FAILURE and not turns:
            found.append(f"archetype {name!r} needs at least one evidence turn")
    corrections = set(label.signals.get("user_corrects_ai", ()))
    if not set(label.implicit_corrections) <= corrections:
        found.append("implicit_corrections must be turns of user_corrects_ai")
    for field, values in (
        *((f"signals.{n}", t) for n, t in label.signals.items()),
        *((f"archetypes.{n}", t) for n, t in label.archetypes.items()),
        ("implicit_corrections", label.implicit_corrections),
        ("artefacts", label.artefacts),
    ):
        if list(values) != sorted(set(values)):
            found.append(f"{field} must be sorted and without repeats")
    return found


def _turn_problems(label: ConversationLabel, roles: Sequence[str]) -> list[str]:
    found: list[str] = []
    count = len(roles)

    def check(field: str, turns: Sequence[int], role: str | None) -> None:
        for turn in turns:
            if turn >= count:
                found.append(f"{field}: turn {turn} does not exist (turns 0-{count - 1})")
            elif role is not None and roles[turn] != role:
                found.append(f"{field}: turn {turn} is a {roles[turn]} turn, not a {role} turn")

    for name, turns in label.signals.items():
        check(f"signals.{name}", turns, "user" if name in USER_SIGNALS else "assistant")
    for name, turns in label.archetypes.items():
        check(f"archetypes.{name}", turns, None)
    return found
