"""Event contract v1: the decoder and the published JSON Schemas agree."""

from __future__ import annotations

import json

import jsonschema
import pytest

from undercurrent.events import EventDecoder
from undercurrent.events.decode import MAX_ATTRS_DEPTH, nesting_exceeds
from undercurrent.events.schema import SCHEMA_DIR, render, schemas

TURN = {"event_id": "e1", "session_id": "s1", "ts": 1700000000000, "type": "turn", "role": "user", "text": "hi"}
COPY = {"event_id": "e2", "session_id": "s1", "ts": "2024-05-01T10:00:00+02:00", "type": "copy", "turn": 1}


def test_committed_schemas_match_the_structs() -> None:
    for name, schema in schemas().items():
        assert (SCHEMA_DIR / name).read_text() == render(schema), "run python -m undercurrent.events.schema"


CASES = [
    ("chat", TURN, True),
    ("chat", {**TURN, "turn": 3, "model": "m", "finish_reason": "length", "latency_ms": 12.5}, True),
    ("chat", {**TURN, "step": {"kind": "tool_call", "tool": "search", "status": "error", "error": "timeout"}}, True),
    ("chat", {**TURN, "role": "robot"}, False),
    ("chat", {**TURN, "finish_reason": "tired"}, False),
    ("chat", {k: v for k, v in TURN.items() if k != "text"}, False),
    ("chat", {**TURN, "event_id": ""}, False),
    ("chat", {**TURN, "ts": -5}, False),
    ("chat", {**TURN, "turn": -1}, False),
    ("chat", {**TURN, "input_tokens": 1.5}, False),
    ("client", COPY, True),
    ("client", {**COPY, "type": "edit", "edit_ratio": 0.4}, True),
    ("client", {**COPY, "type": "edit", "edit_ratio": 1.4}, False),
    ("client", {**COPY, "type": "feedback", "value": "thumbs_down", "comment": "wrong"}, True),
    ("client", {**COPY, "type": "feedback", "value": "meh"}, False),
    ("client", {**COPY, "type": "feedback"}, False),
    ("client", {**COPY, "type": "session_end", "feature": "search", "domain": "legal"}, True),
    ("client", {**COPY, "type": "teleport"}, False),
    ("client", {**COPY, "attrs": {"ab_test": "b"}, "user_id": "u1"}, True),
    ("client", {**COPY, "attrs": "b"}, False),
]


@pytest.mark.parametrize(("topic", "body", "valid"), CASES)
def test_decoder_and_schema_agree(topic: str, body: dict, valid: bool) -> None:
    decoded = EventDecoder(topic).decode(json.dumps(body).encode())  # type: ignore[arg-type]
    assert (len(decoded.events) == 1) is valid
    schema = schemas()[f"{topic}-event.json"]
    assert jsonschema.Draft202012Validator(schema).is_valid(body) is valid


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "malformed_json"),
        (b"\xff\xfe", "malformed_json"),
        (b"[]", "schema"),
        (json.dumps({**TURN, "ts": "2024-05-01T10:00:00"}).encode(), "schema"),
        (json.dumps({**TURN, "type": "copy"}).encode(), "wrong_topic"),
        (json.dumps({**TURN, "type": "nope"}).encode(), "unknown_type"),
        (b'{"events": 5}', "schema"),
    ],
)
def test_rejects_carry_a_reason(data: bytes, reason: str) -> None:
    decoded = EventDecoder("chat").decode(data)
    assert [r.reason for r in decoded.rejects] == [reason]
    assert decoded.rejects[0].raw == data


def test_oversized_messages_are_rejected_before_parsing() -> None:
    decoded = EventDecoder("chat", max_message_bytes=10).decode(json.dumps(TURN).encode())
    assert [r.reason for r in decoded.rejects] == ["oversized"]


def test_an_envelope_rejects_only_its_bad_items() -> None:
    data = json.dumps({"events": [TURN, {**TURN, "role": "x"}, {**TURN, "event_id": "e9"}]}).encode()
    decoded = EventDecoder("chat").decode(data)
    assert [e.event_id for e in decoded.events] == ["e1", "e9"]
    assert [r.reason for r in decoded.rejects] == ["schema"]
    assert json.loads(decoded.rejects[0].raw)["role"] == "x"


def test_multilingual_text_is_accepted() -> None:
    body = {**TURN, "text": "안녕하세요 — 你好 — مرحبا 👋"}
    [event] = EventDecoder("chat").decode(json.dumps(body, ensure_ascii=False).encode()).events
    assert event.text == body["text"]


def _with_attrs_nested(depth: int) -> bytes:
    attrs = '{"a":' * depth + "1" + "}" * depth
    return json.dumps(TURN)[:-1].encode() + b', "attrs": ' + attrs.encode() + b"}"


@pytest.mark.parametrize(
    ("depth", "reason"),
    [(1, None), (MAX_ATTRS_DEPTH, None), (MAX_ATTRS_DEPTH + 1, "schema"), (900, "schema"), (1000, "schema")],
)
def test_attrs_nesting_is_bounded(depth: int, reason: str | None) -> None:
    decoded = EventDecoder("chat").decode(_with_attrs_nested(depth))
    assert [r.reason for r in decoded.rejects] == ([reason] if reason else [])
    assert len(decoded.events) == (0 if reason else 1)


@pytest.mark.parametrize(
    ("value", "limit", "exceeds"),
    [
        ({}, 1, False),
        ({"a": 1}, 1, False),
        ({"a": {"b": 1}}, 1, True),
        ({"a": [1, [2]]}, 2, True),
        ({"a": [1, [2]]}, 3, False),
        ([{"a": 1}], 2, False),
        ([{"a": {}}], 2, True),
        ("text", 0, False),
    ],
)
def test_nesting_depth_counts_dicts_and_lists(value: object, limit: int, exceeds: bool) -> None:
    assert nesting_exceeds(value, limit) is exceeds


@pytest.mark.parametrize(
    ("ts", "accepted"),
    [
        (1_700_000_000_000, True),
        (1_700_000_060_000, True),
        (1_700_000_060_001, False),
        ("9999-12-31T23:59:59Z", False),
        (10**30, False),
    ],
)
def test_events_after_the_limit_are_future_timestamps(ts: object, accepted: bool) -> None:
    decoded = EventDecoder("chat").decode(json.dumps({**TURN, "ts": ts}).encode(), not_after_ms=1_700_000_060_000)
    assert [r.reason for r in decoded.rejects] == ([] if accepted else ["future_timestamp"])


def test_a_future_item_rejects_only_itself_in_an_envelope() -> None:
    data = json.dumps({"events": [TURN, {**TURN, "event_id": "e9", "ts": 10**30}]}).encode()
    decoded = EventDecoder("chat").decode(data, not_after_ms=1_800_000_000_000)
    assert [e.event_id for e in decoded.events] == ["e1"]
    assert [r.reason for r in decoded.rejects] == ["future_timestamp"]
