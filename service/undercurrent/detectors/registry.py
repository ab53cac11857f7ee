"""Every detector, by name, with its version. Add a detector here to run it.

Bump a version whenever a detector's behaviour changes, so stored reports stay comparable.
``turn`` detectors are cheap and need only the turns so far; ``session`` ones need the close.
"""

from __future__ import annotations

from . import agent, agent_policy, ai_side, behaviour, dynamics, malfunction, user_reactions
from .model import Detector

DETECTORS: tuple[Detector, ...] = (
    Detector("user_corrects_ai", "3", "turn", user_reactions.corrects_ai),
    Detector("user_expresses_frustration", "1", "turn", user_reactions.expresses_frustration),
    Detector("user_expresses_dissatisfaction", "1", "turn", user_reactions.expresses_dissatisfaction),
    Detector("user_asks_clarification", "3", "turn", user_reactions.asks_clarification),
    Detector("user_repeats_request", "2", "turn", user_reactions.repeats_request),
    Detector("user_positive_feedback", "1", "turn", user_reactions.positive_feedback),
    Detector("user_abandons_thread", "4", "turn", user_reactions.abandons_thread),
    Detector("accept_then_undo", "1", "turn", behaviour.accept_then_undo),
    Detector("large_edit", "1", "turn", behaviour.large_edit),
    Detector("regenerate", "1", "turn", behaviour.regenerate),
    Detector("stop_generation", "1", "turn", behaviour.stop_generation),
    Detector("copy", "1", "turn", behaviour.copy),
    Detector("thumbs_up", "1", "turn", behaviour.thumbs_up),
    Detector("thumbs_down", "1", "turn", behaviour.thumbs_down),
    Detector("abandon_after_answer", "1", "session", behaviour.abandon_after_answer),
    Detector("walkaway", "1", "session", behaviour.walkaway),
    Detector("ai_malfunction", "3", "turn", malfunction.malfunction),
    Detector("ai_refuses_or_declines", "2", "turn", ai_side.refuses_or_declines),
    Detector("ai_asserts_knowledge_limit", "2", "turn", ai_side.asserts_knowledge_limit),
    Detector("performative_hedge", "2", "turn", ai_side.performative_hedge),
    Detector("overconfidence_unhedged", "2", "turn", ai_side.overconfidence),
    Detector("ai_asked_clarifying_question", "2", "turn", ai_side.asked_clarifying_question),
    Detector("generate_without_clarifying", "2", "turn", ai_side.generate_without_clarifying),
    Detector("repetition", "4", "turn", dynamics.repetition),
    Detector("off_topic_drift", "3", "turn", dynamics.off_topic_drift),
    Detector("ai_self_contradiction", "2", "session", dynamics.self_contradiction),
    Detector("tool_error", "1", "turn", agent.tool_error),
    Detector("repeated_tool_call", "1", "turn", agent.repeated_tool_call),
    Detector("step_loop", "1", "turn", agent.step_loop),
    Detector("action_without_confirmation", "1", "turn", agent_policy.action_without_confirmation),
    Detector("unsupported_action_claim", "1", "turn", agent_policy.unsupported_action_claim),
    Detector("repeated_action", "1", "turn", agent_policy.repeated_action),
    Detector("state_change", "1", "turn", agent_policy.state_change),
    Detector("agent_handoff", "1", "turn", agent_policy.agent_handoff),
    Detector("premature_end", "1", "session", agent_policy.premature_end),
)

SIGNAL_NAMES: tuple[str, ...] = tuple(d.name for d in DETECTORS)
EVENT_SIGNALS: frozenset[str] = frozenset(
    d.name for d in DETECTORS if d.fn.__module__ in (agent.__name__, agent_policy.__name__, behaviour.__name__)
)
"""Signals read from agent steps and client events, not from words: what an agent trajectory is scored on."""
