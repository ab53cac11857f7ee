"""No raw PII in what the worker publishes: one worker, sessions full of personal data and
secrets in every free-text field, every session routed to the judge.

The full JSON of every record on ``undercurrent.sessions`` and every request on
``undercurrent.judge.requests`` is scanned for each item of the PII set, and ``user_id`` must be
the keyed hash of the producer's value under the configured key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from undercurrent.devstack.stack import Managed

from ..integration.harness import Deployment, collect, encode, event, produce
from .harness import FAST_CLOSE, closed_once, terminate

USER_ID_KEY = "test-user-id-key-0123456789abcdef"
EMAIL = "jane.doe@example.org"
PII = {
    "email": EMAIL,
    "phone_international": "+44 20 7946 0018",
    "phone_national": "(650) 253-0000",
    "card": "4111 1111 1111 1111",
    "card_plain": "5555555555554444",
    "iban": "DE89 3704 0044 0532 0130 00",
    "iban_compact": "GB82WEST12345698765432",
    "anthropic_key": "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "openai_key": "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "aws_key": "AKIAIOSFODNN7EXAMPLE",
    "github_token": "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    "stripe_key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "customer_number": "CUST-482913",  # an extra pattern from the settings
}
SESSIONS = 4


def leaks(text: str) -> list[str]:
    """Names of the PII items found in ``text``, also without their spaces (cards, IBANs)."""
    return [name for name, item in PII.items() if item in text or item.replace(" ", "") in text]


def everything() -> str:
    return " ".join(PII.values())


def pii_session(d: Deployment, sid: str, base_ms: int) -> tuple[list[tuple[str, str, bytes]], int]:
    """A session with the PII set in turn texts, a tool call's arguments, a tool result and its
    error, an edited answer, a feedback comment and the user id."""
    who = {"user_id": EMAIL}
    tool_args = json.dumps({"email": EMAIL, "card": PII["card"], "iban": PII["iban"], "note": everything()})
    tool_error = f"Error 402: payment declined for {everything()}"
    bodies = [
        event(sid, 0, base_ms, role="user", text=f"my details: {everything()}", **who),
        event(sid, 1, base_ms + 1000, role="assistant", text=tool_args, finish_reason="tool_use",
              step={"kind": "tool_call", "tool": "update_payment"}, **who),
        event(sid, 2, base_ms + 2000, role="tool", text=tool_error,
              step={"kind": "tool_result", "tool": "update_payment", "status": "error", "error": tool_error}, **who),
        event(sid, 3, base_ms + 3000, role="assistant", text=f"Done: I updated {everything()}", **who),
        event(sid, 4, base_ms + 60_000, role="user", text=f"that is wrong, it still shows {everything()}", **who),
        event(sid, 5, base_ms + 61_000, "edit", turn=3, edit_ratio=0.8, final_text=f"fixed: {everything()}", **who),
        event(sid, 6, base_ms + 62_000, "feedback", turn=3, value="thumbs_down", comment=f"wrong {everything()}",
              **who),
        event(sid, 7, base_ms + 63_000, "session_end", **who),
    ]
    return [(d.topic("chat" if b["type"] == "turn" else "client"), sid, encode(b)) for b in bodies], len(bodies)


@dataclass
class Published:
    expected: dict[str, int]
    records: list[Any]
    requests: list[Any]
    exit_code: int


@pytest.fixture(scope="module")
def published(broker: Managed, module_redis: Managed, tmp_path_factory: pytest.TempPathFactory) -> Published:
    env = {
        **FAST_CLOSE,
        "UNDERCURRENT_SAMPLING__FLOOR": "1.0",
        "UNDERCURRENT_SAMPLING__BASE_RATE": "1.0",
        "UNDERCURRENT_SAMPLING__FULL_RISK_RATE": "1.0",
        "UNDERCURRENT_REDACTION__USER_ID_KEY": USER_ID_KEY,
        "UNDERCURRENT_REDACTION__EXTRA_PATTERNS": json.dumps({"customer": r"\bCUST-\d{6}\b"}),
    }
    deployment = Deployment(broker.url, module_redis.url, tmp_path_factory.mktemp("pii"), env)
    base_ms = int(time.time() * 1000) - 3600 * 1000
    traffic, expected = [], {}
    for i in range(SESSIONS):
        records, expected[f"pii{i}"] = pii_session(deployment, f"pii{i}", base_ms + i * 10)
        traffic += records

    async def scenario() -> Published:
        worker = deployment.start_worker()
        await produce(deployment.bootstrap, traffic)
        records = await collect(deployment.bootstrap, deployment.topic("sessions"), until=SESSIONS)
        requests = await collect(deployment.bootstrap, deployment.topic("judge.requests"), until=SESSIONS)
        return Published(expected, records, requests, terminate(worker))

    try:
        return asyncio.run(scenario())
    finally:
        deployment.stop_all()


def test_every_session_is_published_and_sent_to_the_judge(published: Published) -> None:
    closed_once(published.records, published.expected)
    closed_once(published.requests, published.expected)


@pytest.mark.parametrize("topic", ["records", "requests"])
def test_no_item_of_the_pii_set_is_published(published: Published, topic: str) -> None:
    for message in getattr(published, topic):
        found = leaks(message.value.decode())
        assert not found, f"{message.key.decode()} on {topic} carries {found}"


def test_the_free_text_fields_are_kept_with_placeholders(published: Published) -> None:
    record = json.loads(published.records[0].value)
    error = next(t["step"]["error"] for t in record["transcript"] if t.get("step", {}).get("error"))
    assert error.startswith("Error 402: payment declined for [EMAIL]") and "[API_KEY]" in error
    assert "[IBAN]" in error and "[CUSTOMER]" in error
    assert record["redacted"] is True


def test_user_id_is_the_keyed_hash_of_the_producers_value(published: Published) -> None:
    expected = hmac.new(USER_ID_KEY.encode(), EMAIL.encode(), hashlib.sha256).hexdigest()
    for message in published.records + published.requests:
        assert json.loads(message.value)["user_id"] == f"hmac-sha256:{expected}"
