"""Draw the labelled sample, split it into dev and test, and deal it into batches (pure logic).

Every random choice is an order by a keyed hash, ``blake2b("<seed>:<purpose>:<id>")``, so
the procedure is reproducible in any language and independent of iteration order:

1. Exclude conversations without an assistant turn (nothing to judge), and say so.
2. Strata by the user's language: ``english`` (English or undetermined), ``cjk`` (Chinese,
   Japanese, Korean) and ``other`` (any other language). English is a simple random
   sample of ``english_size``; ``cjk`` and ``other`` are rare, so all of them are taken,
   at most ``per_parent_cap`` parts of one parent (the first ones in hash order).
3. Split by parent, so that the parts of one original conversation land on one side.
   Each parent belongs to the cell (stratum, user-turn bucket) of its first part in
   hash order; within a cell, parents in hash order go to the side with fewer
   conversations in that cell so far (then fewer overall, then dev).
4. Batches of about ``batch_size``: the sample ordered by stratum, split, user-turn bucket
   and hash is dealt round-robin, so every batch mixes languages, splits and lengths.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec

from .language import CJK, UNDETERMINED
from .population import Member

Stratum = Literal["english", "cjk", "other"]
Split = Literal["dev", "test"]
STRATA: tuple[Stratum, ...] = ("english", "cjk", "other")
TURN_BUCKETS: tuple[str, ...] = ("1", "2", "3-4", "5+")
NO_ASSISTANT_TURN = "no assistant turn"


class DrawConfig(msgspec.Struct, frozen=True, kw_only=True):
    seed: int = 20261130
    english_size: int = 300
    per_parent_cap: int = 3
    batch_size: int = 50


class SampleRow(msgspec.Struct, frozen=True, kw_only=True):
    """One sampled conversation; its text stays in the package."""

    id: str
    parent: str
    language: str
    stratum: Stratum
    user_turns: int
    split: Split
    batch: int


class Draw(msgspec.Struct, frozen=True, kw_only=True):
    rows: list[SampleRow]
    excluded: dict[str, list[str]]
    population: dict[str, int]


def hash_key(seed: int, purpose: str, name: str) -> bytes:
    return hashlib.blake2b(f"{seed}:{purpose}:{name}".encode(), digest_size=16).digest()


def stratum_of(language: str) -> Stratum:
    if language in ("en", UNDETERMINED):
        return "english"
    return "cjk" if language in CJK else "other"


def turn_bucket(user_turns: int) -> str:
    if user_turns <= 2:
        return str(max(user_turns, 1))
    return "3-4" if user_turns <= 4 else "5+"


DEFAULT_CONFIG = DrawConfig()


def draw(population: Sequence[Member], config: DrawConfig = DEFAULT_CONFIG) -> Draw:
    excluded = sorted(m.id for m in population if m.assistant_turns == 0)
    eligible = [m for m in population if m.assistant_turns > 0]
    by_stratum: dict[Stratum, list[Member]] = defaultdict(list)
    for m in sorted(eligible, key=lambda m: hash_key(config.seed, "draw", m.id)):
        by_stratum[stratum_of(m.language)].append(m)
    chosen = by_stratum["english"][: config.english_size]
    chosen += _capped(by_stratum["cjk"], config.per_parent_cap) + _capped(by_stratum["other"], config.per_parent_cap)
    splits = _split(chosen, config.seed)
    rows = _batched(chosen, splits, config)
    return Draw(
        rows=rows,
        excluded={NO_ASSISTANT_TURN: excluded} if excluded else {},
        population={s: len(by_stratum[s]) for s in STRATA},
    )


def _capped(members: Iterable[Member], cap: int) -> list[Member]:
    taken: Counter[str] = Counter()
    kept = []
    for m in members:
        if taken[m.parent] < cap:
            taken[m.parent] += 1
            kept.append(m)
    return kept


def _cell(m: Member) -> tuple[Stratum, str]:
    return stratum_of(m.language), turn_bucket(m.user_turns)


def _split(chosen: Sequence[Member], seed: int) -> dict[str, Split]:
    """Parent -> split; ``chosen`` is in draw-hash order, so a parent's first part comes first."""
    parents: dict[str, list[Member]] = {}
    for m in chosen:
        parents.setdefault(m.parent, []).append(m)
    cells: dict[tuple[Stratum, str], list[str]] = defaultdict(list)
    for parent, parts in parents.items():
        cells[_cell(parts[0])].append(parent)
    in_cell: Counter[tuple[tuple[Stratum, str], Split]] = Counter()
    overall: Counter[Split] = Counter()
    assigned: dict[str, Split] = {}
    for cell in sorted(cells):
        for parent in sorted(cells[cell], key=lambda p: hash_key(seed, "split", p)):
            side: Split = min(("dev", "test"), key=lambda s: (in_cell[cell, s], overall[s], s != "dev"))
            assigned[parent] = side
            in_cell[cell, side] += len(parents[parent])
            overall[side] += len(parents[parent])
    return assigned


def _batched(chosen: Sequence[Member], splits: dict[str, Split], config: DrawConfig) -> list[SampleRow]:
    batches = max(1, math.ceil(len(chosen) / config.batch_size))
    order = sorted(
        chosen,
        key=lambda m: (
            STRATA.index(stratum_of(m.language)),
            splits[m.parent],
            TURN_BUCKETS.index(turn_bucket(m.user_turns)),
            hash_key(config.seed, "batch", m.id),
        ),
    )
    rows = [
        SampleRow(
            id=m.id,
            parent=m.parent,
            language=m.language,
            stratum=stratum_of(m.language),
            user_turns=m.user_turns,
            split=splits[m.parent],
            batch=i % batches + 1,
        )
        for i, m in enumerate(order)
    ]
    return sorted(rows, key=lambda r: (r.batch, r.id))
