"""Heuristic archetype flags and the visibility hint, from the signal profile alone.

Adapted from the taxonomy's design-time derived rules: a failure is *visible* when the
user reacted to it and *invisible* when a failure signal has no user reaction after it.
These are cheap estimates that steer sampling; the judge gives the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..vocabulary import Visibility
from .model import ArchetypeFlag, Signal

VISIBLE_REACTIONS = frozenset(
    {
        "user_corrects_ai",
        "user_expresses_frustration",
        "user_expresses_dissatisfaction",
        "user_repeats_request",
        "thumbs_down",
        "regenerate",
        "accept_then_undo",
        "stop_generation",
        "large_edit",
        "repetition",
    }
)
UNFLAGGED_FAILURES = frozenset(
    {
        "walkaway",
        "abandon_after_answer",
        "user_abandons_thread",
        "ai_malfunction",
        "off_topic_drift",
        "ai_self_contradiction",
        "tool_error",
        "step_loop",
        "repeated_tool_call",
        "action_without_confirmation",
        "unsupported_action_claim",
        "repeated_action",
        "premature_end",
    }
)
SUCCESS = frozenset({"user_positive_feedback", "copy", "thumbs_up"})
CHALLENGES = frozenset({"user_corrects_ai", "user_expresses_dissatisfaction", "user_expresses_frustration"})

Profile = Mapping[str, Signal]


def _visible(profile: Profile) -> list[Signal]:
    shown = [s for name, s in profile.items() if name in VISIBLE_REACTIONS]
    clarification = profile.get("user_asks_clarification")
    if clarification is not None and len(clarification.turns) >= 2:
        shown.append(clarification)
    return shown


def visibility(profile: Profile) -> Visibility:
    visible = _visible(profile)
    last_reaction = max((max(s.turns) for s in visible), default=-1)
    unflagged = any(max(s.turns) > last_reaction for n, s in profile.items() if n in UNFLAGGED_FAILURES)
    if visible and unflagged:
        return "mixed"
    if visible:
        return "visible"
    return "invisible" if unflagged else "none"


def _first(profile: Profile, *names: str) -> list[str]:
    return [n for n in names if n in profile]


def _after(profile: Profile, names: frozenset[str], turn: int) -> list[str]:
    return [n for n, s in profile.items() if n in names and max(s.turns) > turn]


def archetype_flags(profile: Profile) -> list[ArchetypeFlag]:
    flags: list[ArchetypeFlag] = []

    def flag(archetype: str, score: float, names: list[str]) -> None:
        if names:
            flags.append(ArchetypeFlag(archetype=archetype, score=score, signals=sorted(set(names))))

    if (confident := profile.get("overconfidence_unhedged")) and not _after(
        profile, CHALLENGES, min(confident.turns) - 1
    ):
        accepted = _first(profile, *sorted(SUCCESS))
        flag("confidence_trap", 0.6 if accepted else 0.4, ["overconfidence_unhedged", *accepted])
    flag("silent_mismatch", 0.4, _first(profile, "generate_without_clarifying", "large_edit"))
    flag("drift", 0.5, _first(profile, "off_topic_drift"))
    flag("death_spiral", 0.7, _death_spiral(profile))
    flag("contradiction_unravel", 0.4, _first(profile, "ai_self_contradiction"))
    flag("walkaway", 0.6, _first(profile, "walkaway", "abandon_after_answer", "user_abandons_thread", "premature_end"))
    flag("partial_recovery", 0.4, _partial_recovery(profile))
    if not flags and visibility(profile) in ("invisible", "mixed"):
        flag("mystery_failure", 0.3, [s.name for s in _visible(profile)] + _first(profile, *UNFLAGGED_FAILURES))
    return flags


def _death_spiral(profile: Profile) -> list[str]:
    names = _first(profile, "repetition", "step_loop", "repeated_tool_call")
    repeats = profile.get("user_repeats_request")
    if repeats is not None and len(repeats.turns) >= 2:
        names.append("user_repeats_request")
    return names


def _partial_recovery(profile: Profile) -> list[str]:
    """A visible failure, then a success signal, then another failure signal."""
    reactions = _visible(profile)
    if not reactions:
        return []
    first_failure = min(min(s.turns) for s in reactions)
    successes = [s for n, s in profile.items() if n in SUCCESS and max(s.turns) > first_failure]
    if not successes:
        return []
    recovered_at = min(t for s in successes for t in s.turns if t > first_failure)
    later = _after(profile, VISIBLE_REACTIONS | UNFLAGGED_FAILURES, recovered_at)
    if not later:
        return []
    return sorted({s.name for s in reactions} | {s.name for s in successes} | set(later))
