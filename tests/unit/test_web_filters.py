import pytest

from undercurrent.metrics.labels import LabelBounds
from undercurrent.web.filters import FilterError, SessionFilter, matches, parse_filter, parse_time
from undercurrent.web.summary import SessionSummary

BOUNDS = LabelBounds(["writer"])


def summary(**overrides: object) -> SessionSummary:
    values: dict[str, object] = dict(
        session_id="s",
        feature="writer",
        domain="legal",
        close_reason="end",
        closed_at_ms=1_000,
        turn_count=2,
        risk=0.5,
        heuristic_archetypes=("drift",),
        visibility_hint="visible",
        signals=("regenerate",),
        judge_status="judged",
        judge_visibility="invisible",
        judge_archetypes=("walkaway",),
    )
    return SessionSummary(**{**values, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1736935200000", 1_736_935_200_000),
        ("2025-01-15T10:00:00Z", 1_736_935_200_000),
        ("2025-01-15T10:00", 1_736_935_200_000),
        ("2025-01-15T11:00:00+01:00", 1_736_935_200_000),
        ("", None),
        (None, None),
    ],
)
def test_parse_time(value: str | None, expected: int | None) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    "params, message",
    [
        ({"since": "yesterday"}, "not a time"),
        ({"archetype": "gremlin"}, "unknown archetype"),
        ({"visibility": "opaque"}, "unknown visibility"),
        ({"since": "2000", "until": "1000"}, "before"),
    ],
)
def test_parse_filter_rejects(params: dict[str, str], message: str) -> None:
    with pytest.raises(FilterError, match=message):
        parse_filter(params)


@pytest.mark.parametrize("wildcard", ["", "All", "$__all", "*", "  "])
def test_grafana_all_is_no_filter(wildcard: str) -> None:
    assert parse_filter({"feature": wildcard, "domain": wildcard}) == SessionFilter()


def test_query_round_trips() -> None:
    f = SessionFilter(feature="writer", archetype="any", since_ms=5, until_ms=9)
    assert parse_filter(f.query()) == f


@pytest.mark.parametrize(
    "f, expected",
    [
        (SessionFilter(), True),
        (SessionFilter(feature="writer"), True),
        (SessionFilter(feature="search"), False),
        (SessionFilter(feature="other"), False),
        (SessionFilter(domain="legal"), True),
        (SessionFilter(archetype="drift"), True),  # heuristic flag
        (SessionFilter(archetype="walkaway"), True),  # judge verdict
        (SessionFilter(archetype="death_spiral"), False),
        (SessionFilter(archetype="any"), True),
        (SessionFilter(signal="regenerate"), True),
        (SessionFilter(signal="copy"), False),
        (SessionFilter(visibility="visible"), True),  # heuristic hint
        (SessionFilter(visibility="invisible"), True),  # judge
        (SessionFilter(visibility="mixed"), False),
        (SessionFilter(since_ms=1_000), True),
        (SessionFilter(since_ms=1_001), False),
        (SessionFilter(until_ms=1_000), False),
        (SessionFilter(until_ms=1_001), True),
    ],
)
def test_matches(f: SessionFilter, expected: bool) -> None:
    assert matches(f, summary(), BOUNDS) is expected


@pytest.mark.parametrize(
    "f, s, expected",
    [
        (SessionFilter(feature="other"), summary(feature="checkout"), True),
        (SessionFilter(domain="other"), summary(domain="made_up"), True),
        (SessionFilter(domain="unknown"), summary(domain="unknown"), True),
        (SessionFilter(archetype="any"), summary(heuristic_archetypes=(), judge_archetypes=()), False),
    ],
)
def test_matches_bounded_labels_and_no_failure(f: SessionFilter, s: SessionSummary, expected: bool) -> None:
    assert matches(f, s, BOUNDS) is expected
