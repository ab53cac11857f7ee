"""Agreement between the judge and reference labels (Cohen's κ and raw agreement), and incoherence.

κ comes from scikit-learn. Its 95% interval uses Cohen's large-sample
standard error ``sqrt(po·(1−po) / (n·(1−pe)²))``; raw agreement carries a
Wilson interval. κ is undefined (``None``) when both raters used one single
label throughout.

Incoherence (:mod:`.incoherence`) is measured against the reference labels over
the sessions with at least two valid verdicts, per archetype and over all of
them, with a bootstrap 95% interval that resamples sessions.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
from numpy.typing import NDArray
from scipy.stats import binomtest
from sklearn.metrics import cohen_kappa_score

from ..detectors.bootstrap import REPLICATES, SEED, Interval, ratio_interval, replicate_weights
from ..detectors.model import Signal
from ..privacy.redact import Redact
from ..sessions.model import SessionSnapshot
from ..vocabulary import ARCHETYPES, Visibility
from .client import JudgeClient
from .cost import Usage
from .incoherence import BrierTerms, archetype_terms, incoherence
from .runner import judge_session
from .verdict import Verdict

_Z95 = 1.959964


class Labels(msgspec.Struct, frozen=True, kw_only=True):
    archetypes: frozenset[str]
    visibility: Visibility

    @classmethod
    def of(cls, verdict: Verdict) -> Labels:
        return cls(archetypes=verdict.archetype_names, visibility=verdict.failure_visibility)


class CaseSignal(msgspec.Struct, frozen=True, kw_only=True):
    """A signal as a labelled case lists it: the evidence may be left out, and the detector is the one
    named after the signal, as every detector is."""

    name: str
    turns: list[int]
    score: float
    evidence: str = ""

    def signal(self) -> Signal:
        return Signal(name=self.name, turns=self.turns, score=self.score, evidence=self.evidence, detector=self.name)


class EvalCase(msgspec.Struct, frozen=True, kw_only=True):
    session: SessionSnapshot
    signals: list[CaseSignal] = []
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


class IncoherenceRow(msgspec.Struct, frozen=True, kw_only=True):
    label: str  # an archetype, or "all archetypes"
    n: int  # sessions with at least two valid verdicts
    bias2: float  # mean per session
    variance: float  # mean per session
    incoherence: float | None  # None when no vote erred
    ci: Interval | None


class EvalRun(msgspec.Struct, frozen=True, kw_only=True):
    model: str
    pairs: list[tuple[Labels, Labels]]
    judged: list[int]
    """Per pair, the index of its case in the input, so two models' runs can be compared on the same sessions."""
    votes: list[tuple[frozenset[str], ...]]
    """Per judged session (as in ``pairs``), the archetypes each valid verdict named."""
    failures: dict[str, int]  # outcome -> sessions the judge could not label
    usage: Usage


async def run_evaluation(
    client: JudgeClient, cases: Sequence[EvalCase], *, redact: Redact, k: int = 1
) -> EvalRun:
    judgements = await asyncio.gather(
        *(judge_session(client, c.session, [s.signal() for s in c.signals], redact=redact, k=k) for c in cases)
    )
    pairs, judged, votes, failures, usage = [], [], [], Counter[str](), Usage()
    for index, (case, judgement) in enumerate(zip(cases, judgements, strict=True)):
        for result in judgement.results:
            usage = usage + result.usage
        if judgement.ensemble is None:
            failures[judgement.results[0].outcome] += 1
        else:
            pairs.append((case.labels, Labels.of(judgement.ensemble.verdict)))
            judged.append(index)
            votes.append(tuple(r.verdict.archetype_names for r in judgement.results if r.verdict is not None))
    return EvalRun(model=client.config.model, pairs=pairs, judged=judged, votes=votes, failures=dict(failures),
                   usage=usage)


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


class GateRow(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    candidate: float | None  # Cohen's κ of the candidate model against the labels
    baseline: float | None
    passed: bool | None  # None: κ is not defined for one of them (one label only), so not compared


def common_pairs(a: EvalRun, b: EvalRun) -> tuple[list[tuple[Labels, Labels]], list[tuple[Labels, Labels]]]:
    """Each run's (reference, judge) pairs on the sessions both judged, so one's failures do not move the other's κ."""
    both = set(a.judged) & set(b.judged)
    return ([p for i, p in zip(a.judged, a.pairs, strict=True) if i in both],
            [p for i, p in zip(b.judged, b.pairs, strict=True) if i in both])


def quality_gate(candidate: Sequence[Agreement], baseline: Sequence[Agreement], *, margin: float) -> list[GateRow]:
    """Per label, whether the candidate's κ is at most ``margin`` below the baseline's (both on the same sessions).

    A label where either κ is undefined is not compared; :func:`gate_passed` needs visibility compared.
    """
    by_label = {row.label: row for row in baseline}
    rows = []
    for row in candidate:
        base = by_label[row.label]
        compared = row.kappa is not None and base.kappa is not None
        # a drop of exactly the margin passes, whatever the last bit of the floating-point κ
        # compared is true only when both kappas are floats.
        passed = base.kappa - row.kappa <= margin + 1e-9 if compared else None  # type: ignore[operator]
        rows.append(GateRow(label=row.label, candidate=row.kappa, baseline=base.kappa, passed=passed))
    return rows


def gate_passed(rows: Sequence[GateRow]) -> bool:
    """No compared label fell by more than the margin, and visibility (every session has one) was compared."""
    visibility = next(r for r in rows if r.label == "visibility")
    return visibility.passed is not None and all(r.passed is not False for r in rows)


OVERALL = "all archetypes"


def incoherence_report(
    references: Sequence[Labels],
    votes: Sequence[Sequence[frozenset[str]]],
    *,
    reps: int = REPLICATES,
    seed: int = SEED,
) -> list[IncoherenceRow]:
    """One row per archetype and one over all archetypes, against the reference labels.

    A session with one valid verdict shows no variance, only bias, so it would pull
    incoherence towards 0: only sessions with two or more verdicts count.
    """
    terms = [
        archetype_terms(list(voted), reference.archetypes)
        for reference, voted in zip(references, votes, strict=True)
        if len(voted) >= 2
    ]
    weights = replicate_weights(len(terms), reps, seed) if terms else None
    rows = [_incoherence_row(name, [t[name] for t in terms], weights) for name in ARCHETYPES]
    overall = [BrierTerms(sum(t.bias2 for t in s.values()), sum(t.variance for t in s.values())) for s in terms]
    return [*rows, _incoherence_row(OVERALL, overall, weights)]


def _incoherence_row(
    label: str, terms: Sequence[BrierTerms], weights: NDArray[np.float64] | None
) -> IncoherenceRow:
    n = len(terms)
    value = incoherence(terms)
    ci = None
    if value is not None and weights is not None:
        ci = ratio_interval([t.variance for t in terms], [t.error for t in terms], weights)
    return IncoherenceRow(
        label=label,
        n=n,
        bias2=sum(t.bias2 for t in terms) / n if n else 0.0,
        variance=sum(t.variance for t in terms) / n if n else 0.0,
        incoherence=value,
        ci=ci,
    )
