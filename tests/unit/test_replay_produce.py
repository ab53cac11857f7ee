import asyncio
from collections import Counter

import pytest

from undercurrent.events import EventDecoder
from undercurrent.producer import Message, Topics, partition_of
from undercurrent.replay.produce import replay

TOPICS = Topics(chat="chat", client="client")
PARTITIONS = (0, 1, 2, 3)


class RecordingSender:
    """Stands in for the broker: keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def partitions(self, topic: str) -> list[int]:
        return list(PARTITIONS)

    async def send(self, message: Message) -> asyncio.Future:
        self.messages.append(message)
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def _session(name: str, start: int) -> list[dict]:
    base = {"session_id": name, "feature": "chat"}
    return [
        {
            **base,
            "event_id": f"{name}:0",
            "ts": start,
            "type": "turn",
            "turn": 0,
            "role": "user",
            "text": "q",
        },
        {
            **base,
            "event_id": f"{name}:1",
            "ts": start + 5,
            "type": "turn",
            "turn": 1,
            "role": "assistant",
            "text": "a",
        },
        {**base, "event_id": f"{name}:2", "ts": start + 9, "type": "copy", "turn": 1},
    ]


def _decode(message: Message):
    decoded = EventDecoder(message.topic).decode(message.value)
    assert decoded.rejects == []
    return decoded.events


async def test_turns_go_to_chat_and_behaviours_to_client_keyed_by_session():
    sender = RecordingSender()
    summary = await replay([_session("a", 0), _session("b", 1)], sender, TOPICS)
    assert [(m.topic, m.key) for m in sender.messages] == [
        ("chat", b"a"),
        ("chat", b"b"),
        ("chat", b"a"),
        ("chat", b"b"),
        ("client", b"a"),
        ("client", b"b"),
    ]
    assert (summary.conversations, summary.messages, summary.events) == (2, 6, Counter(turn=4, copy=2))


async def test_envelopes_keep_each_session_on_its_key_partition():
    sender = RecordingSender()
    summary = await replay([_session(f"s{n}", n) for n in range(40)], sender, TOPICS, envelope_size=8)
    assert summary.events_total == 120 and summary.messages < 40
    for message in sender.messages:
        assert message.partition == partition_of(message.key, PARTITIONS)
        for event in _decode(message):
            assert partition_of(event.session_id.encode(), PARTITIONS) == message.partition


async def test_envelopes_keep_session_order_per_partition():
    sender = RecordingSender()
    await replay([_session(f"s{n}", n) for n in range(30)], sender, TOPICS, envelope_size=4)
    for topic in TOPICS.chat, TOPICS.client:
        for partition in PARTITIONS:
            seen = [
                e for m in sender.messages if (m.topic, m.partition) == (topic, partition) for e in _decode(m)
            ]
            for session in {e.session_id for e in seen}:
                stamps = [e.ts for e in seen if e.session_id == session]
                assert stamps == sorted(stamps)


async def test_events_over_the_message_limit_are_skipped_and_counted():
    big = _session("big", 0)
    big[1]["text"] = "x" * 5000
    sender = RecordingSender()
    summary = await replay([big], sender, TOPICS, max_message_bytes=4096)
    assert summary.oversized == 1 and summary.events == Counter(turn=1, copy=1)


async def test_progress_reports_the_final_totals():
    reports = []
    await replay(
        [_session("a", 0)], RecordingSender(), TOPICS, on_progress=lambda c, e: reports.append((c, e))
    )
    assert reports[-1] == (1, 3)


@pytest.mark.parametrize(
    ("key", "java_murmur2"),
    [
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"abc", 479470107),
    ],
)
def test_partition_matches_the_java_clients_default_partitioner(key, java_murmur2):
    """Hashes are the reference values of Kafka's own murmur2 tests (``UtilsTest``)."""
    assert partition_of(key, PARTITIONS) == (java_murmur2 & 0x7FFFFFFF) % len(PARTITIONS)
