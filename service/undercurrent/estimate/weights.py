"""Horvitz–Thompson bookkeeping: what one judged verdict adds to the weight counters.

A session judged with inclusion probability π adds ``1/π`` to
``undercurrent_failure_weight_total`` for each failing archetype (and once for
``archetype="any"``) and ``(1 − π)/π²`` to ``undercurrent_failure_weight_variance_total``.
Summed over a window and divided by the closed sessions in that window, these
give the failure rate and its variance; see ``docs/estimation.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import get_args

import msgspec

from ..metrics.labels import OTHER
from ..vocabulary import ARCHETYPES, NO_FAILURE, Visibility

ANY = "any"
VISIBILITIES: tuple[str, ...] = get_args(Visibility)
# A failure the judge could not attribute to a pattern, as the reference analysis does.
UNATTRIBUTED = "mystery_failure"


class WeightIncrement(msgspec.Struct, frozen=True, kw_only=True):
    archetype: str
    visibility: str
    feature: str
    domain: str
    release: str = OTHER
    weight: float
    variance: float

    def labels(self) -> dict[str, str]:
        return {
            "archetype": self.archetype,
            "visibility": self.visibility,
            "feature": self.feature,
            "domain": self.domain,
            "release": self.release,
        }


def failing_archetypes(archetypes: Iterable[str], visibility: str) -> tuple[str, ...]:
    """The archetypes a verdict counts a failure for, ``any`` last; empty when the session did not fail.

    A session fails when ``visibility`` is not ``none``; a failure without a named
    archetype counts as ``mystery_failure``. Inconsistent verdicts are rejected.
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    failing = set(archetypes) - {NO_FAILURE}
    unknown = failing - set(ARCHETYPES)
    if unknown:
        raise ValueError(f"unknown archetypes {sorted(unknown)}")
    if visibility == NO_FAILURE:
        if failing:
            raise ValueError(f"visibility 'none' contradicts failing archetypes {sorted(failing)}")
        return ()
    names = [a for a in ARCHETYPES if a in failing] or [UNATTRIBUTED]
    return (*names, ANY)


def check_probability(pi: float) -> None:
    if not (math.isfinite(pi) and 0 < pi <= 1):
        raise ValueError(f"pi must be in (0, 1], got {pi!r}")


def failure_weight_increments(
    archetypes: Iterable[str], visibility: str, *, pi: float, feature: str, domain: str, release: str = OTHER
) -> tuple[WeightIncrement, ...]:
    """Increments for one judged session; empty when the session did not fail.

    ``feature``, ``domain`` and ``release`` must be the session's bounded label values,
    the ones its ``undercurrent_sessions_closed_total`` increment carried, never the
    judge's domain: numerator and denominator must count the same stratum.
    """
    check_probability(pi)
    names = failing_archetypes(archetypes, visibility)
    weight, variance = 1 / pi, (1 - pi) / pi**2
    return tuple(
        WeightIncrement(
            archetype=name,
            visibility=visibility,
            feature=feature,
            domain=domain,
            release=release,
            weight=weight,
            variance=variance,
        )
        for name in names
    )
