"""The judge worker counts how the detector flags of each judged session compare with its verdict.

The verdicts come from the local Messages API stand-in, by a rule of this test: a session about an
invoice failed, one about a receipt did not. They are fixtures, not judgements of anything.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.fake_anthropic import FakeAnthropic, session_data

from .harness import Deployment, collect, encode, event, produce

CORRECTION = "that is wrong, it still shows the old amount"
FOLLOW_UP = "ok, and when is it due?"
# (topic of the session, what the user says after the answer, how many such sessions)
SESSIONS = (
    ("invoice", CORRECTION, 3),  # flagged, failed: tp
    ("receipt", CORRECTION, 2),  # flagged, fine: fp
    ("invoice", FOLLOW_UP, 1),  # not flagged, failed: fn
    ("receipt", FOLLOW_UP, 2),  # not flagged, fine: tn
)


def invoice_sessions_failed(body: dict[str, Any]) -> dict[str, Any]:
    failed = "invoice" in json.dumps(session_data(body)["transcript"])
    finding = {
        "archetype": "silent_mismatch" if failed else "none",
        "evidence_turns": [1] if failed else [],
        "rationale": "test rule",
    }
    return {
        "quality": "poor" if failed else "good",
        "failure_visibility": "invisible" if failed else "none",
        "archetypes": [finding],
        "domain": "finance_accounting",
        "failure_origin": "interactional" if failed else "none",
        "summary": "test rule",
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic(rule=invoice_sessions_failed) as server:
        yield server


def traffic(d: Deployment) -> list[tuple[str, str, bytes]]:
    base = int(time.time() * 1000) - 3600 * 1000
    records = []
    for group, (subject, reaction, count) in enumerate(SESSIONS):
        for i in range(count):
            sid = f"a{group}-{i}"
            bodies = [
                event(sid, 0, base, text=f"please correct the total on my {subject}"),
                event(sid, 1, base + 4000, text=f"Done: the total on your {subject} is corrected."),
                event(sid, 2, base + 60000, text=reaction),
                event(sid, 3, base + 64000, text=f"Done: the total on your {subject} is corrected."),
            ]
            records += [(d.topic("chat"), sid, encode(b)) for b in bodies]
    return records


async def test_judge_worker_counts_flag_agreement_with_the_verdict(deployment: Deployment, fake: FakeAnthropic) -> None:
    deployment.extra_env.update(
        {
            "UNDERCURRENT_SAMPLING__FLOOR": "1.0",
            "UNDERCURRENT_SAMPLING__BASE_RATE": "1.0",
            "UNDERCURRENT_SAMPLING__FULL_RISK_RATE": "1.0",
            "ANTHROPIC_BASE_URL": fake.base_url,
            "ANTHROPIC_API_KEY": "test-key",
        }
    )
    deployment.start_worker()
    judge = deployment.start_worker("judge-worker")
    await produce(deployment.bootstrap, traffic(deployment))

    total = sum(count for *_, count in SESSIONS)
    sessions = await collect(deployment.bootstrap, deployment.topic("sessions"), until=total)
    verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=total)
    assert len(verdicts) == total
    flagged = {
        json.loads(m.value)["session_id"]: "user_corrects_ai"
        in {s["name"] for s in json.loads(m.value)["detectors"]["signals"]}
        for m in sessions
    }
    assert flagged == {
        f"a{g}-{i}": reaction == CORRECTION for g, (_, reaction, count) in enumerate(SESSIONS) for i in range(count)
    }

    def weight(flag: str, outcome: str) -> float:
        return judge.sample("undercurrent_flag_agreement_weight_total", flag=flag, outcome=outcome)

    assert {o: weight("user_corrects_ai", o) for o in ("tp", "fp", "fn", "tn")} == {"tp": 3, "fp": 2, "fn": 1, "tn": 2}
    assert {
        o: judge.sample("undercurrent_flag_agreement_sessions_total", flag="user_corrects_ai", outcome=o)
        for o in ("tp", "fp", "fn", "tn")
    } == {"tp": 3, "fp": 2, "fn": 1, "tn": 2}
    # Every session was judged with π = 1: the weights count sessions and there is no sampling variance.
    assert judge.sample("undercurrent_flag_agreement_weight_variance_total", flag="user_corrects_ai") == 0.0
    # An archetype flag is compared with the same archetype in the verdict: four sessions were silent mismatches.
    assert weight("silent_mismatch", "tp") + weight("silent_mismatch", "fn") == 4
    assert weight("silent_mismatch", "fp") + weight("silent_mismatch", "tn") == 4
    # A signal that fired nowhere: every judged failure is a miss, every success a true negative.
    assert (weight("thumbs_down", "fn"), weight("thumbs_down", "tn")) == (4, 4)
