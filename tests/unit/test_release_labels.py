"""The ``release`` label: named releases, the busiest others, and ``other``, bounded whatever producers send."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from undercurrent.events import Turn
from undercurrent.metrics.labels import OTHER, ReleaseBounds, release_name
from undercurrent.sessions.model import build_snapshot


@pytest.mark.parametrize(
    ("model", "prompt_version", "expected"),
    [("m", "v1", "m@v1"), ("m", None, "m@-"), (None, "v1", "-@v1"), (None, None, None)],
)
def test_release_name(model: str | None, prompt_version: str | None, expected: str | None) -> None:
    assert release_name(model, prompt_version) == expected


def _assistant(n: int, model: str | None, prompt_version: str | None = "v1") -> tuple[Turn, bool]:
    turn = Turn(event_id=f"t{n}", session_id="s", ts=n, role="assistant", text="a", turn=n,
                model=model, prompt_version=prompt_version)
    return turn, False


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ([("m", "v1"), ("m", "v1"), ("n", "v1")], "m@v1"),  # most assistant turns
        ([("m", "v1"), ("n", "v1")], "n@v1"),  # a tie goes to the latest
        ([("m", None)], "m@-"),
        ([(None, None), ("m", "v2"), (None, None)], "m@v2"),  # turns that name nothing do not vote
        ([(None, None)], None),
        ([], None),
    ],
)
def test_session_release(turns: list[tuple[str | None, str | None]], expected: str | None) -> None:
    user = (Turn(event_id="u", session_id="s", ts=0, role="user", text="q", turn=0), False)
    events = [user, *(_assistant(i + 1, m, p) for i, (m, p) in enumerate(turns))]
    assert build_snapshot("s", events).release == expected


# (sessions observed in order, labels expected for each), top_n=1, min_sessions=3, allow={"base"}
CASES = [
    ("allow-listed names keep their name from the first session", ["base"], ["base"]),
    ("an unnamed session is other", [None], [OTHER]),
    ("a new release is other until it has min_sessions", ["a", "a", "a", "a"], [OTHER, OTHER, "a", "a"]),
    ("one slot: the second busy release waits until it is busier",
     ["a"] * 3 + ["b"] * 4, [OTHER, OTHER, "a", OTHER, OTHER, OTHER, "b"]),
    ("a demoted release is other again",
     ["a"] * 3 + ["b"] * 4 + ["a"], [OTHER, OTHER, "a"] + [OTHER] * 3 + ["b", OTHER]),
    ("the allow-list takes no slot", ["base", "a", "a", "a"], ["base", OTHER, OTHER, "a"]),
]


@pytest.mark.parametrize(("sessions", "expected"), [(s, e) for _, s, e in CASES], ids=[c[0] for c in CASES])
def test_release_labels(sessions: list[str | None], expected: list[str]) -> None:
    bounds = ReleaseBounds({"base"}, top_n=1, min_sessions=3)
    assert [bounds.observe(name) for name in sessions] == expected


def test_old_traffic_decays_so_a_new_release_takes_the_slot() -> None:
    bounds = ReleaseBounds((), top_n=1, min_sessions=3, decay_every=10)
    for _ in range(30):
        bounds.observe("old")
    labels = [bounds.observe("new") for _ in range(30)]
    assert labels[-1] == "new" and bounds.values() == ("new", OTHER)
    assert bounds.label("old") == OTHER


def test_thousands_of_distinct_releases_create_no_series() -> None:
    bounds = ReleaseBounds({"base"}, top_n=3, min_sessions=20)
    seen = set()
    for n in range(5000):
        seen.add(bounds.observe(f"m@{n}"))  # a request id in prompt_version
        if n % 10 == 0:
            seen.add(bounds.observe("m@busy"))
    assert seen == {OTHER, "m@busy"}
    assert len(bounds.candidates) <= bounds.capacity


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.one_of(st.none(), st.text(min_size=1, max_size=4)), max_size=400),
    top_n=st.integers(0, 4),
    min_sessions=st.integers(1, 5),
    decay_every=st.integers(1, 50),
)
def test_labels_in_use_never_exceed_the_bound(
    names: list[str | None], top_n: int, min_sessions: int, decay_every: int
) -> None:
    allow = {"base", "canary"}
    bounds = ReleaseBounds(allow, top_n, min_sessions=min_sessions, decay_every=decay_every)
    for name in names:
        label = bounds.observe(name)
        assert label in bounds.values()
        assert label in (name, OTHER)
        assert len(bounds.values()) <= len(allow) + top_n + 1
        assert len(bounds.candidates) <= bounds.capacity


def test_invalid_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="top_n"):
        ReleaseBounds((), top_n=-1)


def test_detector_counts_carry_the_release_the_record_was_closed_with() -> None:
    """Series exist at zero for allow-listed releases and other; a session's counts carry its record's label."""
    from prometheus_client import CollectorRegistry

    from undercurrent.config import ReleaseSettings, Settings
    from undercurrent.ingest.detect import DetectorStage
    from undercurrent.metrics.definitions import DetectorMetrics
    from undercurrent.metrics.labels import LabelBounds, LanguageBounds
    from undercurrent.records.session import session_record
    from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn

    registry = CollectorRegistry()
    settings = Settings(releases=ReleaseSettings(allow=["m@v1"], baseline="m@v0"))
    stage = DetectorStage(settings, DetectorMetrics(registry), LabelBounds(["chat"]), LanguageBounds(["en"]))
    releases = {s.labels["release"] for m in registry.collect() for s in m.samples
                if s.name == "undercurrent_signal_sessions_total"}
    assert releases == {"m@v0", "m@v1", OTHER}

    turns = (
        TranscriptTurn(index=0, role="user", text="Summarise this contract for me", ts_ms=0, event_id="u"),
        TranscriptTurn(index=1, role="assistant", text="Here is a poem about the sea.", ts_ms=1, event_id="a",
                       model="m", prompt_version="v7"),
        TranscriptTurn(index=2, role="user", text="No, that is wrong. I asked for a summary.", ts_ms=2, event_id="u2"),
    )
    session = SessionSnapshot(session_id="s", feature="chat", domain=None, user_id=None, turns=turns,
                              behaviours=(), opened_ms=0, last_event_ms=2, close_reason="idle")
    record = session_record(session, closed_at_ms=3)
    record.release = "m@v7"
    stage(session, record)
    counted = {s.labels["release"] for m in registry.collect() for s in m.samples
               if s.name == "undercurrent_signal_sessions_total" and s.value}
    assert counted == {"m@v7"}
