"""Pure pieces of the resilience path: transient-error classification, dead-letter sizing, record fitting."""

from __future__ import annotations

import asyncio

import msgspec
import pytest
import redis.exceptions as redis_errors
from aiokafka import errors as kafka_errors
from faust.exceptions import ProducerSendError

from undercurrent.events import Reject
from undercurrent.kafka.message import Message, dead_letter
from undercurrent.kafka.retry import is_transient
from undercurrent.records.fit import encode_within, water_level
from undercurrent.records.session import SessionRecord, session_record
from undercurrent.sessions.model import Behaviour, SessionSnapshot, TranscriptTurn


def _wrapped(cause: BaseException) -> ProducerSendError:
    try:
        raise ProducerSendError("Error while sending") from cause
    except ProducerSendError as exc:
        return exc


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (redis_errors.ConnectionError("refused"), True),
        (redis_errors.TimeoutError(), True),
        (redis_errors.BusyLoadingError("loading"), True),
        (redis_errors.OutOfMemoryError("command not allowed"), True),
        (redis_errors.ReadOnlyError("replica"), True),
        (redis_errors.ResponseError("MISCONF unable to persist"), True),
        (redis_errors.ResponseError("ERR user_script:12: attempt to compare nil"), False),
        (kafka_errors.KafkaConnectionError(), True),
        (kafka_errors.KafkaTimeoutError(), True),
        (kafka_errors.NotLeaderForPartitionError(), True),
        (kafka_errors.MessageSizeTooLargeError(), False),
        (_wrapped(kafka_errors.KafkaConnectionError()), True),
        (_wrapped(kafka_errors.MessageSizeTooLargeError()), False),
        (ConnectionResetError(), True),
        (RecursionError(), False),
        (KeyError("x"), False),
        (asyncio.CancelledError(), False),
    ],
)
def test_only_infrastructure_failures_are_transient(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


MESSAGE = Message("chat", 2, 41, b"s1", b"")


@pytest.mark.parametrize(("size", "truncated"), [(100, False), (60_000, False), (70_000, True), (1_000_000, True)])
def test_dead_letters_fit_one_request_and_say_when_they_were_cut(size: int, truncated: bool) -> None:
    raw = b"x" * size
    letter = dead_letter(MESSAGE, Reject(raw, "schema", "bad"), max_request_bytes=65_536)
    headers = dict(letter.headers)
    total = len(letter.value) + len(letter.key or b"") + sum(len(k) + len(v) for k, v in letter.headers)
    assert total <= 65_536
    assert ("undercurrent-truncated" in headers) is truncated
    assert letter.value == (raw[: len(letter.value)] if truncated else raw)
    assert headers["undercurrent-original-bytes"] == str(size).encode()
    assert headers["undercurrent-source"] == b"chat/2/41"


@pytest.mark.parametrize(
    ("lengths", "excess", "cap"),
    [([10, 10], 0, 10), ([10, 10], 2, 9), ([100, 5, 5], 50, 50), ([100, 5, 5], 96, 4), ([3], 10, 0), ([], 5, 0)],
)
def test_water_level_cuts_the_longest_texts_first(lengths: list[int], excess: int, cap: int) -> None:
    assert water_level(lengths, excess) == cap


def _record(texts: list[str], behaviours: int = 0) -> SessionRecord:
    turns = tuple(TranscriptTurn(index=i, role="user", text=t, ts_ms=i, event_id=f"e{i}") for i, t in enumerate(texts))
    extra = tuple(Behaviour(type="copy", ts_ms=i, event_id=f"b{i}") for i in range(behaviours))
    snapshot = SessionSnapshot(session_id="s", feature="default", domain=None, user_id=None, turns=turns,
                               behaviours=extra, opened_ms=0, last_event_ms=len(texts))
    return session_record(snapshot, closed_at_ms=len(texts))


def test_a_record_within_budget_is_unchanged() -> None:
    record = _record(["short", "texts"])
    assert encode_within(record, 10_000) == msgspec.json.encode(record)


def test_long_texts_are_cut_to_a_common_length_and_short_ones_kept() -> None:
    data = encode_within(_record(["a" * 50_000, "b" * 20_000, "short"]), 30_000)
    out = msgspec.json.decode(data)
    assert len(data) <= 30_000
    texts = [t["text"] for t in out["transcript"]]
    assert texts[2] == "short"
    assert len(texts[0]) == len(texts[1]) and texts[0].endswith("…")
    assert out["truncated"]["original_bytes"] > 70_000
    assert out["event_count"] == 3


def test_sessions_too_many_events_for_any_text_length_keep_their_start_and_end() -> None:
    data = encode_within(_record([f"turn {i}" for i in range(5_000)], behaviours=2_000), 50_000)
    out = msgspec.json.decode(data)
    assert len(data) <= 50_000
    turns = out["transcript"]
    assert turns[0]["index"] == 0 and turns[-1]["index"] == 4_999
    assert out["truncated"]["turns_omitted"] == 5_000 - len(turns)
    assert out["truncated"]["behaviours_omitted"] == 2_000 - len(out["behaviours"])
