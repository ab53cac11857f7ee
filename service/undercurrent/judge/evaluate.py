"""Agreement between the judge and reference labels (Cohen's κ and raw agreement).

κ comes from scikit-learn. Its 95% interval uses Cohen's large-sample
standard error ``sqrt(po·(1−po) / (n·(1−pe)²))``; raw agreement carries a
Wilson interval. κ is undefined (``None``) when both raters used one single
label throughout.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
from scipy.stats import binomtest
from sklearn.metrics import cohen_kappa_score

from ..sessions.model import SessionSnapshot
from .client import JudgeClient
from .cost import Usage
from .prompt import Redact
from .runner import judge_session
from .verdict import ARCHETYPES, Verdict, Visibility

_Z95 = 1.959964


class Labels(msgspec.Struct, frozen=True, kw_only=True):
    archetypes: frozenset[str]
    visibility: Visibility

    @classmethod
    def of(cls, verdict: Verdict) -> Labels:
        return cls(archetypes=verdict.archetype_names, visibility=verdict.failure_visibility)


class EvalCase(msgspec.Struct, frozen=True, kw_only=True):
    session: SessionSnapshot
    signals: list[dict[str, Any]] = []
    labels: Labels


class Agreement(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    n: int
    kappa: float | None
    kappa_ci: tuple[float, float] | None
    raw: float
    raw_ci: tuple[float, float]
    reference_positive: int | None = None  # archetypes only: sessions where each rater named it
    judge_positive: int | None = None


class EvalRun(msgspec.Struct, frozen=True, kw_only=True):
    pairs: list[tuple[Labels, Labels]]
    failures: dict[str, int]  # outcome -> sessions the judge could not label
    usage: Usage


async def run_evaluation(
    client: JudgeClient, cases: Sequence[EvalCase], *, redact: Redact, k: int = 1
) -> EvalRun:
    judgements = await asyncio.gather(
        *(judge_session(client, c.session, c.signals, redact=redact, k=k) for c in cases)
    )
    pairs, failures, usage = [], Counter[str](), Usage()
    for case, judgement in zip(cases, judgements, strict=True):
        for result in judgement.results:
            usage = usage + result.usage
        if judgement.ensemble is None:
            failures[judgement.results[0].outcome] += 1
        else:
            pairs.append((case.labels, Labels.of(judgement.ensemble.verdict)))
    return EvalRun(pairs=pairs, failures=dict(failures), usage=usage)


def load_cases(path: Path) -> list[EvalCase]:
    decoder = msgspec.json.Decoder(EvalCase)
    lines = path.read_bytes().splitlines()
    return [decoder.decode(line) for line in lines if line.strip()]


def agreement_report(pairs: Sequence[tuple[Labels, Labels]]) -> list[Agreement]:
    """One row per archetype (presence) and one for visibility, from (reference, judge) pairs."""
    rows = []
    for name in ARCHETYPES:
        ref = [name in r.archetypes for r, _ in pairs]
        got = [name in j.archetypes for _, j in pairs]
        rows.append(_agreement(name, ref, got, reference_positive=sum(ref), judge_positive=sum(got)))
    rows.append(_agreement("visibility", [r.visibility for r, _ in pairs], [j.visibility for _, j in pairs]))
    return rows


def _agreement(label: str, ref: Sequence[Any], got: Sequence[Any], **counts: int) -> Agreement:
    n = len(ref)
    same = sum(a == b for a, b in zip(ref, got, strict=True))
    po = same / n
    kappa, kappa_ci = _kappa(ref, got, po, n)
    ci = binomtest(same, n).proportion_ci(method="wilson")
    return Agreement(
        label=label, n=n, kappa=kappa, kappa_ci=kappa_ci, raw=po, raw_ci=(ci.low, ci.high), **counts
    )


def _kappa(
    ref: Sequence[Any], got: Sequence[Any], po: float, n: int
) -> tuple[float | None, tuple[float, float] | None]:
    if len(set(ref) | set(got)) < 2:
        return None, None
    kappa = float(cohen_kappa_score(list(ref), list(got)))
    if kappa >= 1.0:
        return 1.0, (1.0, 1.0)
    pe = (po - kappa) / (1 - kappa)
    se = math.sqrt(po * (1 - po) / (n * (1 - pe) ** 2))
    return kappa, (max(-1.0, kappa - _Z95 * se), min(1.0, kappa + _Z95 * se))
