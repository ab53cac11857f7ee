"""Combine K verdicts on the same session by majority, and measure disagreement.

Quality, visibility, domain and origin take the most common value; a tie goes
to the value of the earliest verdict (variant 0), so the result is
deterministic. The trajectory (agent sessions) and the summary come from the
earliest verdict that agrees with the majority's quality and visibility, so its
step verdicts stay one judge's coherent reading. An archetype is kept when a strict majority of verdicts name
it. The combined verdict always satisfies the verdict's consistency rules:
when the majority sees no failure the archetypes are ``none``, and when it
sees a failure but no archetype reaches a majority the most named one is kept.

Disagreement is per archetype: the K votes on its presence were not unanimous.
It feeds ``undercurrent_judge_disagreement_total{archetype}`` over
``undercurrent_judge_ensembles_total``.

``brier`` holds, per archetype, the Brier bias² and variance of the K presence votes
against the combined verdict itself (:mod:`.incoherence`): in production the ensemble's
own majority is the only reference there is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

import msgspec

from ..vocabulary import ARCHETYPES, NO_FAILURE
from .incoherence import BrierTerms, archetype_terms
from .verdict import ArchetypeFinding, Verdict

T = TypeVar("T")


class EnsembleOutcome(msgspec.Struct, frozen=True, kw_only=True):
    verdict: Verdict
    votes: int
    archetype_votes: dict[str, int]
    disagreement: dict[str, bool]
    quality_agreement: float
    visibility_agreement: float
    brier: dict[str, BrierTerms]


def combine(verdicts: Sequence[Verdict]) -> EnsembleOutcome:
    if not verdicts:
        raise ValueError("combine needs at least one verdict")
    k = len(verdicts)
    votes = {name: sum(name in v.archetype_names for v in verdicts) for name in ARCHETYPES}
    visibility = _mode([v.failure_visibility for v in verdicts])
    quality = _mode([v.quality for v in verdicts])
    failing = [v for v in verdicts if v.is_failure] or list(verdicts)
    voice = next((v for v in verdicts if (v.quality, v.failure_visibility) == (quality, visibility)), verdicts[0])
    verdict = Verdict(
        quality=quality,
        failure_visibility=visibility,
        archetypes=_archetypes(verdicts, votes, failed=visibility != "none"),
        domain=_mode([v.domain for v in verdicts]),
        failure_origin=_mode([v.failure_origin for v in failing]) if visibility != "none" else "none",
        summary=voice.summary,
        trajectory=voice.trajectory,
    )
    return EnsembleOutcome(
        verdict=verdict,
        votes=k,
        archetype_votes=votes,
        disagreement={name: 0 < n < k for name, n in votes.items()},
        quality_agreement=sum(v.quality == quality for v in verdicts) / k,
        visibility_agreement=sum(v.failure_visibility == visibility for v in verdicts) / k,
        brier=archetype_terms([v.archetype_names for v in verdicts], verdict.archetype_names),
    )


def _archetypes(
    verdicts: Sequence[Verdict], votes: dict[str, int], *, failed: bool
) -> tuple[ArchetypeFinding, ...]:
    if not failed:
        return (
            ArchetypeFinding(archetype=NO_FAILURE, evidence_turns=(), rationale="majority saw no failure"),
        )
    kept = [name for name in ARCHETYPES if votes[name] * 2 > len(verdicts)]
    if not kept:
        kept = [_mode([a.archetype for v in verdicts for a in v.archetypes if a.archetype != NO_FAILURE])]
    return tuple(_merged(name, verdicts) for name in kept)


def _merged(name: str, verdicts: Sequence[Verdict]) -> ArchetypeFinding:
    findings = [a for v in verdicts for a in v.archetypes if a.archetype == name]
    turns = sorted({t for f in findings for t in f.evidence_turns})
    return ArchetypeFinding(archetype=name, evidence_turns=tuple(turns), rationale=findings[0].rationale)


def _mode(values: Sequence[T]) -> T:
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)
