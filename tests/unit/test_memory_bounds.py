"""Caches that live as long as the worker stay bounded, whatever the traffic (pure)."""

from __future__ import annotations

import gc
import weakref

import pytest

from undercurrent.config import SessionSettings, Settings
from undercurrent.detectors.memo import MEMO_MAX_CHARS, TextMemo, text_memo
from undercurrent.detectors.text import content_tokens, fold, prose
from undercurrent.ingest.pipeline import IngestPipeline, feature_timings
from undercurrent.sessions.protocol import EventTiming


class Text(str):
    """A str that can be weakly referenced, to see whether a cache keeps it alive."""


def bounded(fn):
    """``fn`` behind a cache of at most 3 entries and 100 characters."""
    return text_memo(max_entries=3, max_chars=100)(fn)


def test_a_cached_value_is_returned_for_an_equal_text() -> None:
    calls = []
    upper = bounded(lambda t: calls.append(t) or t.upper())
    assert upper("abc") == upper("".join(["a", "bc"])) == "ABC"
    assert len(calls) == 1


def test_extra_arguments_are_part_of_the_key() -> None:
    head = bounded(lambda t, n: t[:n])
    assert (head("abcdef", 2), head("abcdef", 3)) == ("ab", "abc")


@pytest.mark.parametrize(
    ("texts", "entries", "chars"),
    [
        (["a" * 10] * 5, 1, 10),
        ([str(i) * 10 for i in range(5)], 3, 30),  # at most 3 entries
        (["a" * 40, "b" * 40, "c" * 40], 2, 80),  # at most 100 characters
        (["a" * 101], 0, 0),  # a text larger than the whole cache is not kept
    ],
    ids=["same-text", "entry-bound", "char-bound", "too-large"],
)
def test_entries_and_characters_stay_within_bounds(texts, entries: int, chars: int) -> None:
    upper = bounded(str.upper)
    for text in texts:
        assert upper(text) == text.upper()
    assert (len(upper.memo), upper.memo.chars) == (entries, chars)


def test_the_oldest_entry_goes_first() -> None:
    calls = []
    upper = bounded(lambda t: calls.append(t) or t.upper())
    for text in ("a", "b", "c", "d", "b", "a"):
        upper(text)
    assert calls == ["a", "b", "c", "d", "a"]  # "b" was still cached, "a" had been dropped for "d"


@pytest.mark.parametrize(
    "call", [fold, content_tokens, lambda t: prose(t, 100, 100)], ids=["fold", "content_tokens", "prose"]
)
def test_detector_caches_do_not_keep_texts_alive(call) -> None:
    text = Text("the answer " * 70_000)
    ref = weakref.ref(text)
    call(text)
    del text
    gc.collect()
    assert ref() is None


def test_every_detector_cache_is_bounded_after_many_large_texts() -> None:
    for i in range(300):
        text = f"answer {i} " + "lorem ipsum dolor " * 40_000
        fold(text), content_tokens(text), prose(text, 1000, 1000)
    for memo in TextMemo.instances():
        assert len(memo) <= memo.max_entries and memo.chars <= memo.max_chars, memo.name
        assert memo.max_chars <= MEMO_MAX_CHARS


def test_timings_are_kept_only_for_configured_features() -> None:
    sessions = SessionSettings(idle_timeout_s=60, idle_timeout_by_feature={"search": 5}, max_duration_s=600)
    configured, default = feature_timings(sessions)
    assert configured == {"search": EventTiming(idle_ms=5000, max_ms=600_000)}
    assert default == EventTiming(idle_ms=60_000, max_ms=600_000)


def test_the_pipelines_timings_do_not_grow_with_new_features() -> None:
    sessions = SessionSettings(idle_timeout_by_feature={"search": 5})
    pipeline = IngestPipeline(Settings(sessions=sessions), store=None, sink=None, metrics=None)  # type: ignore[arg-type]
    timings = {pipeline.timing(f"hostile-{i}").idle_ms for i in range(40_000)}
    assert timings == {int(sessions.idle_timeout_s * 1000)} and pipeline.timing("search").idle_ms == 5000
    assert len(pipeline._timings) == 1
