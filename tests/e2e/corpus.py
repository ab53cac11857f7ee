"""Conversation files for `undercurrent replay --source FILE.jsonl`, all in one feature/domain stratum.

Base traffic is real ShareGPT conversations. The spike adds the labelled Drift
scenarios bundled with the detectors (answers that ignore the request), each replayed
several times under fresh ids, so the detectors flag them and the rule-based
judge stand-in confirms Drift.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from undercurrent.detectors.scenarios import Scenario, load_scenarios
from undercurrent.replay.conversation import Conversation

FEATURE = "default"
DOMAIN = "general_knowledge"


def drift_conversations(scenarios: Iterable[Scenario], copies: int) -> list[Conversation]:
    """Each Drift scenario's turns, ``copies`` times; behaviour events are left to the replayer."""
    drift = [s for s in scenarios if "drift" in s.archetypes]
    return [
        Conversation(
            id=f"{scenario.id}-{n}",
            messages=tuple(
                (role, text)
                for item in scenario.timeline
                for role, text in (("user", item.user), ("assistant", item.assistant))
                if text is not None
            ),
        )
        for n in range(copies)
        for scenario in drift
    ]


def jsonl(conversations: Iterable[Conversation], *, feature: str = FEATURE, domain: str = DOMAIN) -> str:
    return "".join(
        json.dumps({
            "id": c.id,
            "feature": feature,
            "domain": domain,
            "messages": [{"role": role, "text": text} for role, text in c.messages],
        }) + "\n"
        for c in conversations
    )


def drift_scenarios() -> list[Scenario]:
    return load_scenarios()
