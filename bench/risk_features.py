"""Which inputs earn their place in the risk model? Grouped cross-validation on the dev splits, paired.

    .venv/bin/python -m bench.risk_features

Two comparisons, each fitted as ``undercurrent calibrate`` fits (``calibration.fit.fit_block``: L2
logistic regression, C by grouped 5-fold cross-validation on log-loss), on dev data only:

- chat: the labelled dev conversations (folds by parent conversation) without and with the
  shape factor ``last_answer_short`` (``detectors/shape.py``);
- agent: the τ-bench dev tasks' runs (folds by task) on every input against the event signals
  only (``FitOptions.block_inputs``).

Two out-of-fold scores: the probability (what ``calibrate`` reports), and the linear score without
the fold's intercept. A shipped model ranks every session with one intercept, but each fold's
intercept moves against the failure rate of the groups it holds out; with 13 tasks whose runs mostly
share their outcome, that alone drags the pooled out-of-fold AUROC below 0.5, so the second score is
the one that says how well the weights rank. Intervals: bootstrap 95% over groups (2,000 replicates,
seed 20261130), the same replicates for both sides, so the difference is paired. The test splits are
never read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec
import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from undercurrent.calibration.fit import BlockFit, Example, FitOptions, fit_block
from undercurrent.detectors.bootstrap import (
    REPLICATES,
    SEED,
    auroc,
    auroc_replicates,
    percentile_interval,
    replicate_weights,
)
from undercurrent.detectors.registry import EVENT_SIGNALS
from undercurrent.detectors.risk import RiskTerms, shipped_model

LABELLED = Path("evaluation/sharegpt")
TAU_BENCH = Path("../shared/data/agent-traces/tau-bench-airline-gpt-4o.dev.json")
TAU_SPLIT = Path("evaluation/tau_bench/split.json")
SHAPE_FACTOR = "last_answer_short"


def centred_out_of_fold(examples: Sequence[Example], fit: BlockFit) -> NDArray[np.float64]:
    """Out-of-fold x·β of the fit's design and C (domain terms included, the fold's intercept left out)."""
    x = fit.design.matrix(examples)
    y = np.array([int(e.failed) for e in examples])
    groups = [e.group for e in examples]
    scores = np.zeros(len(examples))
    for train, held in GroupKFold(n_splits=FitOptions().folds).split(x, y, groups):
        model = LogisticRegression(C=fit.c, max_iter=2000).fit(x[train], y[train])
        scores[held] = x[held] @ model.coef_[0]
    return scores


def unchanged(example: Example) -> Example:
    return example


def without(name: str) -> Callable[[Example], Example]:
    return lambda e: msgspec.structs.replace(e, inputs={k: v for k, v in e.inputs.items() if k != name})


def compare(title: str, examples: Sequence[Example], prior: RiskTerms, *, with_domains: bool,
            before: tuple[str, Callable[[Example], Example], frozenset[str] | None],
            after: tuple[str, Callable[[Example], Example], frozenset[str] | None]) -> None:
    failed = [e.failed for e in examples]
    groups = sorted({e.group for e in examples})
    column = {g: i for i, g in enumerate(groups)}
    weights = replicate_weights(len(groups), REPLICATES, SEED)[:, [column[e.group] for e in examples]]
    print(f"\n{title}: {len(examples)} sessions, {len(groups)} groups, {sum(failed)} failed")
    print("inputs | C | out-of-fold AUROC [95% CI] | centred out-of-fold AUROC [95% CI]")
    replicates = []
    for name, view, allowed in (before, after):
        rows = [view(e) for e in examples]
        fit = fit_block(rows, prior, FitOptions(), with_domains=with_domains, allowed=allowed)
        centred = centred_out_of_fold(rows, fit)
        cells = []
        for scores in (fit.out_of_fold, centred.tolist()):
            reps = auroc_replicates(scores, failed, weights)
            low, high = percentile_interval(reps) or (float("nan"), float("nan"))
            cells.append(f"{auroc(scores, failed):.3f} [{low:.3f}, {high:.3f}]")
            replicates.append(reps)
        print(f"{name} | {fit.c:g} | {cells[0]} | {cells[1]}")
    for label, offset in (("out-of-fold", 0), ("centred", 1)):
        difference = replicates[2 + offset] - replicates[offset]
        low, high = percentile_interval(difference) or (float("nan"), float("nan"))
        print(f"difference, {label}: {float(np.median(difference)):+.3f} (median) [{low:+.3f}, {high:+.3f}]")


def main() -> None:
    from undercurrent.calibration.sources import labelled_examples, tau_bench_examples

    model = shipped_model()
    compare(
        "chat, labelled dev split", labelled_examples(LABELLED, "dev"), model.terms, with_domains=True,
        before=(f"signals and factors without {SHAPE_FACTOR}", without(SHAPE_FACTOR), None),
        after=(f"with {SHAPE_FACTOR}", unchanged, None),
    )
    compare(
        "agent, τ-bench dev tasks", tau_bench_examples(TAU_BENCH, TAU_SPLIT, "dev"), model.terms_for("agent"),
        with_domains=False,
        before=("every signal and factor", unchanged, None),
        after=("event signals only", unchanged, EVENT_SIGNALS),
    )


if __name__ == "__main__":
    main()
