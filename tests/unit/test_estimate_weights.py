from __future__ import annotations

import pytest

from undercurrent.estimate import failure_weight_increments


def _summary(archetypes: list[str], visibility: str, pi: float) -> list[tuple[str, str, float, float]]:
    increments = failure_weight_increments(archetypes, visibility, pi=pi, feature="chat", domain="legal")
    return [(i.archetype, i.visibility, i.weight, i.variance) for i in increments]


@pytest.mark.parametrize(
    ("archetypes", "visibility", "pi", "expected"),
    [
        (["none"], "none", 0.1, []),
        ([], "none", 0.1, []),
        (
            ["walkaway"],
            "invisible",
            0.5,
            [("walkaway", "invisible", 2.0, 2.0), ("any", "invisible", 2.0, 2.0)],
        ),
        (
            ["walkaway"],
            "invisible",
            1.0,
            [("walkaway", "invisible", 1.0, 0.0), ("any", "invisible", 1.0, 0.0)],
        ),
        (
            ["walkaway", "confidence_trap"],
            "mixed",
            0.25,
            [
                ("confidence_trap", "mixed", 4.0, 12.0),
                ("walkaway", "mixed", 4.0, 12.0),
                ("any", "mixed", 4.0, 12.0),
            ],
        ),
        (["drift", "drift"], "visible", 0.5, [("drift", "visible", 2.0, 2.0), ("any", "visible", 2.0, 2.0)]),
        (["none"], "visible", 0.5, [("mystery_failure", "visible", 2.0, 2.0), ("any", "visible", 2.0, 2.0)]),
        ([], "invisible", 0.5, [("mystery_failure", "invisible", 2.0, 2.0), ("any", "invisible", 2.0, 2.0)]),
    ],
)
def test_increments(
    archetypes: list[str], visibility: str, pi: float, expected: list[tuple[str, str, float, float]]
) -> None:
    assert _summary(archetypes, visibility, pi) == expected


def test_increments_carry_the_session_labels() -> None:
    (increment, _any) = failure_weight_increments(
        ["drift"], "invisible", pi=0.5, feature="search", domain="other", release="m@v2"
    )
    assert increment.labels() == {
        "archetype": "drift",
        "visibility": "invisible",
        "feature": "search",
        "domain": "other",
        "release": "m@v2",
    }


@pytest.mark.parametrize(
    ("archetypes", "visibility", "pi", "message"),
    [
        (["walkaway"], "none", 0.5, "contradicts"),
        (["the_walkaway"], "invisible", 0.5, "unknown archetypes"),
        (["walkaway"], "hidden", 0.5, "unknown visibility"),
        (["walkaway"], "invisible", 0.0, "pi must be"),
        (["walkaway"], "invisible", 1.2, "pi must be"),
    ],
)
def test_invalid_verdicts_are_rejected(
    archetypes: list[str], visibility: str, pi: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        failure_weight_increments(archetypes, visibility, pi=pi, feature="chat", domain="legal")
