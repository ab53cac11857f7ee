"""Session risk: a logistic model over signal scores, meant to estimate P(judge says failure).

The weights are hand-set priors in one table. Refit them from judge verdicts with any
logistic regression (the features are the signal scores) and pass the result as a
:class:`RiskModel`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import msgspec

from .model import Signal

WEIGHTS: dict[str, float] = {
    "user_corrects_ai": 2.0,
    "user_expresses_frustration": 2.5,
    "user_expresses_dissatisfaction": 2.0,
    "user_asks_clarification": 0.6,
    "user_repeats_request": 1.8,
    "user_positive_feedback": -2.0,
    "user_abandons_thread": 1.2,
    "accept_then_undo": 2.2,
    "large_edit": 1.5,
    "regenerate": 1.5,
    "stop_generation": 1.0,
    "copy": -1.2,
    "thumbs_up": -2.5,
    "thumbs_down": 3.0,
    "abandon_after_answer": 1.2,
    "walkaway": 0.8,
    "ai_malfunction": 1.8,
    "ai_refuses_or_declines": 1.2,
    "ai_asserts_knowledge_limit": 0.5,
    "performative_hedge": 0.6,
    "overconfidence_unhedged": 0.8,
    "ai_asked_clarifying_question": -0.3,
    "generate_without_clarifying": 0.8,
    "repetition": 2.0,
    "off_topic_drift": 1.0,
    "ai_self_contradiction": 1.0,
    "tool_error": 1.0,
    "repeated_tool_call": 1.5,
    "step_loop": 1.8,
    "action_without_confirmation": 0.8,
    "unsupported_action_claim": 1.2,
    "repeated_action": 0.8,
    "state_change": 0.5,
    "agent_handoff": 0.0,
    "premature_end": 1.0,
}
BIAS = -1.0


class RiskModel(msgspec.Struct, frozen=True, kw_only=True):
    bias: float = BIAS
    weights: dict[str, float] = msgspec.field(default_factory=lambda: dict(WEIGHTS))

    def score(self, signals: Iterable[Signal]) -> float:
        z = self.bias + sum(self.weights.get(s.name, 0.0) * s.score for s in signals)
        return 1.0 / (1.0 + math.exp(-z))


DEFAULT_RISK_MODEL = RiskModel()
