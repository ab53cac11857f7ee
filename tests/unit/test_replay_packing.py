import msgspec
import pytest

from undercurrent.events import EventDecoder
from undercurrent.replay.packing import Message, Packer


def _event(n: int) -> bytes:
    return msgspec.json.encode({"event_id": f"s:{n}", "session_id": "s", "ts": n, "type": "copy", "turn": 1})


def test_size_one_sends_each_event_alone():
    assert Packer(1, 1000).add("t", None, b"s", b"{}") == [Message("t", None, b"s", b"{}", 1)]


def test_envelope_is_sent_when_full_keyed_by_its_first_event():
    packer = Packer(3, 10_000)
    assert packer.add("t", 0, b"first", _event(1)) == []
    assert packer.add("t", 0, b"second", _event(2)) == []
    (message,) = packer.add("t", 0, b"third", _event(3))
    assert (message.topic, message.partition, message.key, message.events) == ("t", 0, b"first", 3)
    decoded = EventDecoder("client").decode(message.value)
    assert [e.ts for e in decoded.events] == [1, 2, 3] and decoded.rejects == []


def test_envelopes_never_mix_partitions_or_topics():
    packer = Packer(10, 10_000)
    for topic, partition in [("t", 0), ("t", 1), ("u", 0), ("t", 0)]:
        packer.add(topic, partition, b"k", _event(partition))
    assert sorted((m.topic, m.partition, m.events) for m in packer.drain()) == [
        ("t", 0, 2),
        ("t", 1, 1),
        ("u", 0, 1),
    ]
    assert packer.drain() == []


def test_envelope_is_sealed_before_it_would_pass_the_byte_limit():
    item = _event(1)
    packer = Packer(100, len(b'{"events":[]}') + 2 * (len(item) + 1))
    assert packer.add("t", 0, b"k", item) == [] and packer.add("t", 0, b"k", item) == []
    (sealed,) = packer.add("t", 0, b"k", item)
    assert sealed.events == 2 and len(sealed.value) <= packer.max_bytes
    assert [m.events for m in packer.drain()] == [1]


def test_an_event_over_the_limit_is_refused():
    with pytest.raises(ValueError):
        Packer(5, 10).add("t", 0, b"k", b"x" * 11)
