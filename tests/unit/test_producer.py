import asyncio

import pytest

from undercurrent.events import Copy, Turn
from undercurrent.producer import InvalidEvent, Message, Producer, ProducerOptions, Topics

PARTITIONS = [0, 1, 2]


class RecordingTransport:
    """Stands in for the broker: keeps every message; refuses those of ``refuse`` topics."""

    def __init__(self, refuse: frozenset[str] = frozenset()) -> None:
        self.messages: list[Message] = []
        self.refuse = refuse
        self.closed = False

    async def partitions(self, topic: str) -> list[int]:
        return PARTITIONS

    async def send(self, message: Message) -> asyncio.Future:
        self.messages.append(message)
        done = asyncio.get_running_loop().create_future()
        if message.topic in self.refuse:
            done.set_exception(RuntimeError("refused"))
        else:
            done.set_result(None)
        return done

    async def close(self) -> None:
        self.closed = True


def turn(n: int, session: str = "s", **fields) -> dict:
    return {"event_id": f"{session}:{n}", "session_id": session, "ts": n, "type": "turn", "role": "user",
            "text": "hi", **fields}


INVALID = [
    pytest.param({k: v for k, v in turn(0).items() if k != "text"}, "schema", id="turn without text"),
    pytest.param({**turn(0), "type": "click"}, "unknown_type", id="unknown type"),
    pytest.param({**turn(0), "session_id": ""}, "schema", id="empty session id"),
    pytest.param({**turn(0), "ts": "2026-11-30T10:00:00"}, "schema", id="timestamp without offset"),
    pytest.param({**turn(0), "role": "robot"}, "schema", id="unknown role"),
    pytest.param({"event_id": "s:0", "session_id": "s", "ts": 1, "type": "edit", "edit_ratio": 2.0}, "schema",
                 id="edit ratio over 1"),
    pytest.param(turn(0, text="x" * 2000), "oversized", id="over the message limit"),
    pytest.param({**turn(0), "attrs": {"when": object()}}, "schema", id="not JSON"),
]


@pytest.mark.parametrize(("event", "reason"), INVALID)
async def test_an_invalid_event_raises_with_its_reason_and_nothing_is_sent(event, reason):
    transport = RecordingTransport()
    producer = Producer(transport, options=ProducerOptions(envelope_size=1, max_message_bytes=1000))
    with pytest.raises(InvalidEvent) as raised:
        await producer.send(event)
    assert (raised.value.reason, raised.value.event_id) == (reason, "s:0")
    assert str(raised.value).startswith(f"event 's:0' not sent ({reason}): ")
    await producer.close()
    assert transport.messages == [] and producer.stats.events == 0


async def test_contract_structs_and_mappings_go_to_their_topics_keyed_by_session():
    transport = RecordingTransport()
    producer = Producer(transport, Topics("c", "k"), ProducerOptions(envelope_size=1))
    await producer.send(Turn(event_id="a:0", session_id="a", ts=1, role="user", text="q"))
    await producer.send(Copy(event_id="a:1", session_id="a", ts=2, turn=1))
    await producer.send({"event_id": "b:0", "session_id": "b", "ts": 3, "type": "copy"})
    await producer.close()
    assert [(m.topic, m.partition, m.key, m.event_ids) for m in transport.messages] == [
        ("c", None, b"a", ("a:0",)),
        ("k", None, b"a", ("a:1",)),
        ("k", None, b"b", ("b:0",)),
    ]
    assert transport.closed


async def test_a_refused_message_reaches_the_callback_with_its_error_and_frees_its_places():
    reports = []
    transport = RecordingTransport(refuse=frozenset({"k"}))
    producer = Producer(
        transport, Topics("c", "k"), ProducerOptions(envelope_size=4, linger_s=None, buffer_events=4),
        on_delivery=lambda ids, error: reports.append((ids, repr(error))),
    )
    for n in range(6):
        await producer.send(turn(n))
    await producer.send({"event_id": "s:9", "session_id": "s", "ts": 9, "type": "copy"})
    await producer.flush()
    assert reports == [
        (("s:0", "s:1", "s:2", "s:3"), "None"),
        (("s:4", "s:5"), "None"),
        (("s:9",), "RuntimeError('refused')"),
    ]
    assert (producer.stats.delivered, producer.stats.failed, producer.pending) == (6, 1, 0)
