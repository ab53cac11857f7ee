"""Poison input: one worker, a stream of good sessions, and bad messages mixed in.

Each bad input must reach the dead-letter topic once with its reason while every good
session still closes exactly once, and the worker stays responsive and stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from undercurrent.devstack.stack import Managed

from ..integration.harness import Deployment, collect, encode, event, produce
from .harness import FAST_CLOSE, closed_once, dead_letter_reasons, responsive, terminate

GOOD_SESSIONS = 15
OVERSIZED_BYTES = 1_010_313  # over the producer's former 1,000,000-byte limit, under the 1 MiB ingest limit
BIG_SESSION_EVENTS = 7_000  # per envelope; two envelopes make a record of about 1.2 MB


def with_nested_attrs(body: dict[str, Any], depth: int) -> bytes:
    """The event with ``attrs`` nested ``depth`` levels (built as text: json cannot encode it)."""
    attrs = '{"a":' * depth + '"leaf"' + "}" * depth
    return encode(body)[:-1] + b', "attrs": ' + attrs.encode() + b"}"


def of_size(body: dict[str, Any], size: int) -> bytes:
    """The event padded through its text to exactly ``size`` bytes."""
    padding = size - len(encode({**body, "text": ""}))
    value = encode({**body, "text": "x" * padding})
    assert len(value) == size
    return value


def bad_inputs(d: Deployment, base_ms: int) -> dict[str, tuple[str, bytes, str]]:
    """name -> (topic, value, expected dead-letter reason)."""
    chat = d.topic("chat")
    return {
        "nested_attrs": (chat, with_nested_attrs(event("deep", 0, base_ms), 1000), "schema"),
        "oversized_unknown_role": (chat, of_size({**event("big", 0, base_ms), "role": "robot"}, OVERSIZED_BYTES),
                                   "schema"),
        "year_9999": (chat, encode(event("future", 0, "9999-12-31T23:59:59Z")), "future_timestamp"),
        "ts_1e30": (chat, encode(event("future", 1, 10**30)), "future_timestamp"),
    }


def big_session(d: Deployment, base_ms: int) -> tuple[list[tuple[str, str, bytes]], dict[str, int]]:
    """One session in two envelopes of 7,000 turns each, then its explicit end."""
    sid = "huge"
    envelopes = [
        encode({"events": [event(sid, n, base_ms + n) for n in range(part * BIG_SESSION_EVENTS,
                                                                    (part + 1) * BIG_SESSION_EVENTS)]})
        for part in range(2)
    ]
    end = encode(event(sid, 2 * BIG_SESSION_EVENTS, base_ms + 3000, "session_end"))
    records = [(d.topic("chat"), sid, e) for e in envelopes] + [(d.topic("client"), sid, end)]
    return records, {sid: 2 * BIG_SESSION_EVENTS + 1}


def good_traffic(d: Deployment, base_ms: int) -> tuple[list[tuple[str, str, bytes]], dict[str, int]]:
    """Sessions of three turns and an explicit end, all due at once (so one sweep claims them together)."""
    records, expected = [], {}
    for i in range(GOOD_SESSIONS):
        sid = f"good{i}"
        bodies = [event(sid, n, base_ms + n * 1000) for n in range(3)] + [
            event(sid, 3, base_ms + 3000, "session_end")
        ]
        expected[sid] = len(bodies)
        records += [(d.topic("chat" if b["type"] == "turn" else "client"), sid, encode(b)) for b in bodies]
    return records, expected


@dataclass
class Outcome:
    bad: dict[str, tuple[str, bytes, str]]
    expected: dict[str, int]
    published: list[Any]
    dead: list[Any]
    dlq_counted: float
    responsive: bool
    exit_code: int


@pytest.fixture(scope="module")
def outcome(broker: Managed, module_redis: Managed, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    deployment = Deployment(broker.url, module_redis.url, tmp_path_factory.mktemp("poison"), dict(FAST_CLOSE))
    base_ms = int(time.time() * 1000) - 3600 * 1000
    bad = bad_inputs(deployment, base_ms)
    good, expected = good_traffic(deployment, base_ms)
    huge, huge_expected = big_session(deployment, base_ms)
    expected.update(huge_expected)

    async def scenario() -> Outcome:
        worker = deployment.start_worker()
        await produce(deployment.bootstrap, [(topic, name, value) for name, (topic, value, _) in bad.items()])
        await produce(deployment.bootstrap, huge + good)
        dead = await collect(deployment.bootstrap, deployment.topic("dlq"), until=len(bad), settle_s=2)
        published = await collect(deployment.bootstrap, deployment.topic("sessions"), until=len(expected))
        counted = worker.sample("undercurrent_dlq_messages_total")
        alive = responsive(worker)
        return Outcome(bad, expected, published, dead, counted, alive, terminate(worker))

    try:
        return asyncio.run(scenario())
    finally:
        deployment.stop_all()


def test_every_good_session_closes_exactly_once_beside_poison(outcome: Outcome) -> None:
    closed_once(outcome.published, outcome.expected)


def test_every_bad_input_is_dead_lettered_once_with_its_reason(outcome: Outcome) -> None:
    by_key = {m.key.decode(): m for m in outcome.dead}
    assert len(outcome.dead) == len(outcome.bad)
    for name, (_, value, reason) in outcome.bad.items():
        headers = dict(by_key[name].headers)
        assert headers["undercurrent-reason"].decode() == reason, name
        assert by_key[name].value == value, name
    assert outcome.dlq_counted == len(outcome.bad)
    assert sum(dead_letter_reasons(outcome.dead).values()) == len(outcome.bad)


def test_worker_stays_responsive_and_stops_on_sigterm(outcome: Outcome) -> None:
    assert outcome.responsive
    assert outcome.exit_code is not None


def test_the_oversized_session_is_published_cut_to_fit_and_marked(outcome: Outcome) -> None:
    message = next(m for m in outcome.published if m.key == b"huge")
    record = json.loads(message.value)
    assert len(message.value) <= 1_048_576
    assert record["event_count"] == 2 * BIG_SESSION_EVENTS + 1
    assert record["truncated"]["original_bytes"] > 1_048_576
    assert record["close_reason"] == "end"


def test_the_oversized_message_keeps_its_source_and_size(outcome: Outcome) -> None:
    dead = next(m for m in outcome.dead if m.key == b"oversized_unknown_role")
    headers = dict(dead.headers)
    assert headers["undercurrent-original-bytes"] == str(OVERSIZED_BYTES).encode()
    assert headers["undercurrent-source"].decode().startswith(f"{dead.topic.removesuffix('dlq')}chat/")


def test_nested_attrs_name_the_limit(outcome: Outcome) -> None:
    dead = next(m for m in outcome.dead if m.key == b"nested_attrs")
    assert "nested too deeply" in dict(dead.headers)["undercurrent-detail"].decode()
    assert dead.value.startswith(b'{"event_id": "deep:0"')
