import msgspec
import pytest

from undercurrent.events import EventDecoder
from undercurrent.producer.packing import Message, Packer


def _event(n: int) -> bytes:
    return msgspec.json.encode({"event_id": f"s:{n}", "session_id": "s", "ts": n, "type": "copy", "turn": 1})


def test_size_one_sends_each_event_alone():
    assert Packer(1, 1000).add("t", None, b"s", b"{}", "e", 0.0) == [Message("t", None, b"s", b"{}", ("e",))]


def test_envelope_is_sent_when_full_keyed_by_its_first_event():
    packer = Packer(3, 10_000)
    assert packer.add("t", 0, b"first", _event(1), "s:1", 0.0) == []
    assert packer.add("t", 0, b"second", _event(2), "s:2", 0.0) == []
    (message,) = packer.add("t", 0, b"third", _event(3), "s:3", 0.0)
    assert (message.topic, message.partition, message.key) == ("t", 0, b"first")
    assert message.event_ids == ("s:1", "s:2", "s:3")
    decoded = EventDecoder("client").decode(message.value)
    assert [e.ts for e in decoded.events] == [1, 2, 3] and decoded.rejects == []


def test_envelopes_never_mix_partitions_or_topics():
    packer = Packer(10, 10_000)
    for topic, partition in [("t", 0), ("t", 1), ("u", 0), ("t", 0)]:
        packer.add(topic, partition, b"k", _event(partition), "e", 0.0)
    assert sorted((m.topic, m.partition, m.events) for m in packer.drain()) == [
        ("t", 0, 2),
        ("t", 1, 1),
        ("u", 0, 1),
    ]
    assert packer.drain() == []


def test_envelope_is_sealed_before_it_would_pass_the_byte_limit():
    item = _event(1)
    packer = Packer(100, len(b'{"events":[]}') + 2 * (len(item) + 1))
    assert packer.add("t", 0, b"k", item, "e", 0.0) == [] and packer.add("t", 0, b"k", item, "e", 0.0) == []
    (sealed,) = packer.add("t", 0, b"k", item, "e", 0.0)
    assert sealed.events == 2 and len(sealed.value) <= packer.max_bytes
    assert [m.events for m in packer.drain()] == [1]


def test_an_event_over_the_limit_is_refused():
    with pytest.raises(ValueError):
        Packer(5, 10).add("t", 0, b"k", b"x" * 11, "e", 0.0)


def test_an_event_too_big_for_an_envelope_goes_alone_after_its_partitions_open_envelope():
    item = _event(1)
    packer = Packer(100, len(item) + 5)
    assert packer.add("t", 1, b"k", b"{}", "small", 0.0) == []
    sealed, alone = packer.add("t", 1, b"k", item, "big", 0.0)
    assert (sealed.event_ids, alone.event_ids, alone.value) == (("small",), ("big",), item)
    assert packer.drain() == []


# (linger_s, [(partition, added at)], asked at) -> (next due, [event ids of each sealed envelope])
LINGER = [
    pytest.param(None, [(0, 0.0)], 99.0, None, [], id="no linger: never due"),
    pytest.param(0.5, [], 1.0, None, [], id="nothing open"),
    pytest.param(0.5, [(0, 0.0)], 0.4, 0.5, [], id="not yet"),
    pytest.param(0.5, [(0, 0.0)], 0.5, 0.5, [["e0"]], id="exactly due"),
    pytest.param(0.5, [(0, 0.0), (0, 0.3)], 0.6, 0.5, [["e0", "e1"]], id="oldest event decides"),
    pytest.param(0.5, [(0, 0.0), (1, 0.3)], 0.6, 0.5, [["e0"]], id="per partition"),
    pytest.param(0.5, [(0, 0.2), (1, 0.1)], 0.7, 0.6, [["e1"], ["e0"]], id="both due, oldest first"),
    pytest.param(0.0, [(0, 1.0)], 1.0, 1.0, [["e0"]], id="zero linger: due at once"),
]


@pytest.mark.parametrize(("linger_s", "adds", "now", "next_due", "sealed"), LINGER)
def test_linger(linger_s, adds, now, next_due, sealed):
    packer = Packer(10, 10_000, linger_s)
    opened = sorted(enumerate(adds), key=lambda added: added[1][1])
    for n, (partition, at) in opened:
        assert packer.add("t", partition, b"k", _event(n), f"e{n}", at) == []
    assert packer.next_due() == next_due
    assert [list(m.event_ids) for m in packer.due(now)] == sealed
    assert packer.buffered == len(adds) - sum(map(len, sealed))
