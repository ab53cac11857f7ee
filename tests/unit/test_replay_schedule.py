import itertools

import pytest

from undercurrent.replay.conversation import Conversation
from undercurrent.replay.schedule import Window, interleave, sessions
from undercurrent.replay.synth import SynthOptions

NOW_MS = 1_750_000_000_000


def test_default_window_ends_an_hour_before_now():
    window = Window.before(NOW_MS)
    assert window.start_ms == NOW_MS - 5 * 3600_000
    assert window.end_ms == NOW_MS - 3600_000


@pytest.mark.parametrize(("start_ago_s", "length_s"), [(3600, 0), (3600, 7200)])
def test_window_must_fit_before_now(start_ago_s, length_s):
    with pytest.raises(ValueError):
        Window.before(NOW_MS, start_ago_s=start_ago_s, length_s=length_s)


def test_starts_are_ordered_and_inside_the_window():
    window = Window(start_ms=0, length_ms=1000)
    starts = [window.start_of(position, 10, jitter) for position, jitter in enumerate([0.99, 0.0, 0.5] * 4)]
    assert starts == sorted(starts)
    assert starts[0] >= 0 and starts[9] <= 1000
    assert starts[10:] == [1000, 1000]


def _session(name: str, *ts: int) -> list[dict]:
    return [{"session_id": name, "ts": t} for t in ts]


def test_interleave_orders_by_timestamp_across_sessions():
    merged = list(interleave([_session("a", 0, 5, 9), _session("b", 1, 2, 20), [], _session("c", 3, 4)]))
    assert [(e["session_id"], e["ts"]) for e in merged] == [
        ("a", 0),
        ("b", 1),
        ("b", 2),
        ("c", 3),
        ("c", 4),
        ("a", 5),
        ("a", 9),
        ("b", 20),
    ]


def test_interleave_keeps_the_order_within_a_session_on_equal_timestamps():
    first, second = [{"session_id": "a", "ts": 5, "n": n} for n in (1, 2)]
    assert [e["n"] for e in interleave([[first, second], _session("b", 5)]) if "n" in e] == [1, 2]


def test_interleave_pulls_sessions_lazily():
    endless = (_session(str(n), n * 10, n * 10 + 15) for n in itertools.count())
    head = list(itertools.islice(interleave(endless), 6))
    assert [e["ts"] for e in head] == [0, 10, 15, 20, 25, 30]


def test_sessions_start_inside_the_window_in_order():
    conversations = [Conversation(id=f"c{n}", messages=(("user", "hi"),)) for n in range(20)]
    window = Window.before(NOW_MS)
    starts = [
        events[0]["ts"]
        for events in sessions(conversations, seed=1, window=window, expected=20, options=SynthOptions())
    ]
    assert starts == sorted(starts)
    assert window.start_ms <= starts[0] and starts[-1] <= window.end_ms
