"""The draw: strata, per-parent cap, grouped split, batches; pure logic on made-up populations."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from evaluation.draw import DrawConfig, draw, stratum_of, turn_bucket
from evaluation.population import Member, part_of


def member(cid: str, language: str = "en", user_turns: int = 1, assistant_turns: int = 1) -> Member:
    parent, offset = part_of(cid)
    return Member(
        id=cid,
        parent=parent,
        offset=offset,
        user_turns=user_turns,
        assistant_turns=assistant_turns,
        language=language,
    )


def population() -> list[Member]:
    people = [member(f"en{i:03d}_0", "en", user_turns=1 + i % 7) for i in range(400)]
    people += [member(f"long{i:02d}_{k}", "en", user_turns=3) for i in range(10) for k in (0, 9, 20)]
    people += [member(f"ko{i:02d}_{k}", "ko", user_turns=1 + k % 5) for i in range(12) for k in range(5)]
    people += [member(f"es{i:02d}_0", "es", user_turns=1 + i % 3) for i in range(30)]
    people += [member("quiet_0", "en", assistant_turns=0), member("und01_0", "und")]
    return people


CONFIG = DrawConfig(seed=7, english_size=120, per_parent_cap=3, batch_size=25)


@pytest.mark.parametrize(
    ("language", "stratum"),
    [("en", "english"), ("und", "english"), ("ko", "cjk"), ("zh", "cjk"), ("ja", "cjk"), ("es", "other"),
     ("vi", "other"), ("ru", "other")],
)  # fmt: skip
def test_strata_by_language(language: str, stratum: str) -> None:
    assert stratum_of(language) == stratum


@pytest.mark.parametrize(("turns", "bucket"), [(1, "1"), (2, "2"), (3, "3-4"), (4, "3-4"), (5, "5+"), (40, "5+")])
def test_user_turn_buckets(turns: int, bucket: str) -> None:
    assert turn_bucket(turns) == bucket


@pytest.mark.parametrize(("cid", "parts"), [("abc_0", ("abc", 0)), ("a_b_17", ("a_b", 17)), ("plain", ("plain", 0))])
def test_part_of_splits_the_offset_suffix(cid: str, parts: tuple[str, int]) -> None:
    assert part_of(cid) == parts


def test_conversations_without_an_answer_are_excluded_and_reported() -> None:
    result = draw(population(), CONFIG)
    assert result.excluded == {"no assistant turn": ["quiet_0"]}
    assert "quiet_0" not in {r.id for r in result.rows}


def test_english_is_a_sample_of_the_asked_size_and_rare_strata_are_taken_whole_up_to_the_cap() -> None:
    result = draw(population(), CONFIG)
    by_stratum = Counter(r.stratum for r in result.rows)
    assert by_stratum == {"english": 120, "cjk": 36, "other": 30}
    assert result.population == {"english": 431, "cjk": 60, "other": 30}
    assert max(Counter(r.parent for r in result.rows if r.stratum == "cjk").values()) == 3


def test_parts_of_one_parent_never_straddle_the_split() -> None:
    rows = draw(population(), CONFIG).rows
    sides: dict[str, set[str]] = {}
    for r in rows:
        sides.setdefault(r.parent, set()).add(r.split)
    assert all(len(s) == 1 for s in sides.values())
    assert any(Counter(r.parent for r in rows)[p] > 1 for p in sides)


def test_split_is_balanced_within_each_stratum() -> None:
    rows = draw(population(), CONFIG).rows
    for stratum in ("english", "cjk", "other"):
        counts = Counter(r.split for r in rows if r.stratum == stratum)
        assert abs(counts["dev"] - counts["test"]) <= 3, (stratum, counts)


def test_batches_have_even_sizes_and_mix_splits_and_strata() -> None:
    rows = draw(population(), CONFIG).rows
    sizes = Counter(r.batch for r in rows)
    assert sorted(sizes) == list(range(1, 9))
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for batch in sizes:
        members = [r for r in rows if r.batch == batch]
        assert {r.split for r in members} == {"dev", "test"}
        assert {r.stratum for r in members} == {"english", "cjk", "other"}


def test_the_draw_depends_on_the_seed_and_not_on_the_input_order() -> None:
    people = population()
    shuffled = people[:]
    random.Random(3).shuffle(shuffled)
    assert draw(people, CONFIG) == draw(shuffled, CONFIG)
    other_seed = DrawConfig(seed=8, english_size=120, per_parent_cap=3, batch_size=25)
    assert {r.id for r in draw(people, other_seed).rows} != {r.id for r in draw(people, CONFIG).rows}
