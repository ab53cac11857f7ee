"""Fitting the risk model: L2-regularised logistic regression of "the session failed" on signals and factors.

Each product feature named in ``FitOptions.feature_blocks`` (e.g. ``agent``) gets its own terms,
fitted on its own examples; every other example fits the default terms, which also get a
per-domain intercept for each domain with enough examples. A signal or risk factor enters a
fit only when enough examples show it; any other keeps its prior weight (the client-behaviour
signals never occur in a text-only labelled set; factors have no prior and weigh nothing). The
regularisation strength is chosen by grouped cross-validation on weighted log-loss, so parts
of one conversation (or runs of one task) never sit on both sides of a fold.

Example weights carry the sampling design: a judge verdict on a session drawn with
probability π stands for 1/π sessions, so the fit describes all traffic rather than the
risk-weighted sample the judge saw.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import msgspec
import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ..detectors.registry import EVENT_SIGNALS
from ..detectors.risk import Provenance, RiskModel, RiskTerms, SourceSummary


class Example(msgspec.Struct, frozen=True, kw_only=True):
    """One session to fit on: its signal scores and factor values, where it came from and whether it failed."""

    source: str
    group: str
    """Examples of one group (parts of one conversation, runs of one task) stay in one fold."""
    feature: str
    domain: str
    inputs: dict[str, float]
    """Signal scores and factor values by name (``risk.risk_inputs``)."""
    failed: bool
    weight: float = 1.0
    language: str | None = None
    """The labelled language, where a label gives one (for per-language reliability tables)."""


class FitOptions(msgspec.Struct, frozen=True, kw_only=True):
    feature_blocks: tuple[str, ...] = ("agent",)
    block_inputs: dict[str, frozenset[str]] = msgspec.field(default_factory=lambda: {"agent": EVENT_SIGNALS})
    """The only inputs a block may weigh; any other weighs nothing in it. The agent block reads the trajectory
    (steps, tool results, client events): fitted on a few dozen runs of a dozen tasks, the word cues and text
    factors made for chat only added noise (grouped cross-validation on the dev tasks)."""
    min_input_examples: int = 5
    min_domain_examples: int = 25
    c_grid: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    folds: int = 5


class Design(msgspec.Struct, frozen=True, kw_only=True):
    """The columns of one block's design matrix."""

    inputs: tuple[str, ...]
    domains: tuple[str, ...]

    def matrix(self, examples: Sequence[Example]) -> NDArray[np.float64]:
        x = np.zeros((len(examples), len(self.inputs) + len(self.domains)))
        for row, example in enumerate(examples):
            for col, name in enumerate(self.inputs):
                x[row, col] = example.inputs.get(name, 0.0)
            if example.domain in self.domains:
                x[row, len(self.inputs) + self.domains.index(example.domain)] = 1.0
        return x


class BlockFit(msgspec.Struct, frozen=True, kw_only=True):
    terms: RiskTerms
    design: Design
    c: float
    out_of_fold: list[float]
    """Cross-validated probability for each example of the block, in input order."""


def design_for(
    examples: Sequence[Example], options: FitOptions, *, with_domains: bool, allowed: frozenset[str] | None = None
) -> Design:
    """The inputs enough examples show (among ``allowed``, if given) and the domains with enough examples."""
    shown = Counter(
        name for e in examples for name, value in e.inputs.items() if value > 0 and (allowed is None or name in allowed)
    )
    domains = Counter(e.domain for e in examples)
    return Design(
        inputs=tuple(sorted(n for n, k in shown.items() if k >= options.min_input_examples)),
        domains=tuple(sorted(d for d, k in domains.items() if k >= options.min_domain_examples))
        if with_domains and len(domains) > 1 else (),
    )


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000)


def _fit(x: NDArray[np.float64], y: NDArray[np.int_], w: NDArray[np.float64], c: float) -> LogisticRegression | float:
    """A fitted logistic, or the weighted failure rate when there is nothing to regress on (no column, one class)."""
    if x.shape[1] == 0 or len(set(y.tolist())) < 2:
        return float(np.average(y, weights=w))
    return _logistic(c).fit(x, y, sample_weight=w)


def _predict(model: LogisticRegression | float, x: NDArray[np.float64]) -> NDArray[np.float64]:
    if isinstance(model, float):
        return np.full(len(x), model)
    failing: NDArray[np.float64] = model.predict_proba(x)[:, 1]
    return failing


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def out_of_fold(
    x: NDArray[np.float64], y: NDArray[np.int_], w: NDArray[np.float64], groups: Sequence[str], c: float, folds: int
) -> NDArray[np.float64]:
    predicted = np.zeros(len(y))
    for train, held in GroupKFold(n_splits=folds).split(x, y, groups):
        predicted[held] = _predict(_fit(x[train], y[train], w[train], c), x[held])
    return predicted


def weighted_log_loss(p: NDArray[np.float64], y: NDArray[np.int_], w: NDArray[np.float64]) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.sum(w * (y * np.log(p) + (1 - y) * np.log(1 - p))) / np.sum(w))


def fit_block(
    examples: Sequence[Example], prior: RiskTerms, options: FitOptions, *, with_domains: bool,
    allowed: frozenset[str] | None = None,
) -> BlockFit:
    """Fit one block; the regularisation strength is the grid value with the best cross-validated log-loss.

    With ``allowed``, only those inputs are fitted or keep a prior weight; every other input weighs nothing.
    """
    y = np.array([int(e.failed) for e in examples])
    if len(set(y.tolist())) < 2:
        raise ValueError(f"cannot fit on {len(examples)} examples that all have failed={bool(y[0])}")
    design = design_for(examples, options, with_domains=with_domains, allowed=allowed)
    x, w = design.matrix(examples), np.array([e.weight for e in examples])
    groups = [e.group for e in examples]
    folds = min(options.folds, len(set(groups)))
    if folds < 2:
        raise ValueError("cannot cross-validate: the examples come from fewer than two groups")
    scored = {c: out_of_fold(x, y, w, groups, c, folds) for c in options.c_grid}
    c = min(options.c_grid, key=lambda c: (weighted_log_loss(scored[c], y, w), -c))
    model = _fit(x, y, w, c)
    if isinstance(model, float):
        intercept, coefficients = _logit(model), np.zeros(0)
    else:
        intercept, coefficients = float(model.intercept_[0]), model.coef_[0]
    input_part, domain_part = coefficients[: len(design.inputs)], coefficients[len(design.inputs):]
    kept = prior.weights if allowed is None else {n: v for n, v in prior.weights.items() if n in allowed}
    weights = kept | dict(zip(design.inputs, input_part.tolist(), strict=True))
    terms = RiskTerms(
        bias=round(intercept, 4),
        weights={name: round(value, 4) for name, value in sorted(weights.items())},
        domain_bias={d: round(v, 4) for d, v in zip(design.domains, domain_part.tolist(), strict=True)},
    )
    return BlockFit(terms=terms, design=design, c=c, out_of_fold=scored[c].tolist())


def normalised_weights(examples: Sequence[Example]) -> list[Example]:
    """Weights scaled to mean 1 within each source, so no source counts more for its weights' scale."""
    means = {
        source: float(np.mean([e.weight for e in examples if e.source == source]))
        for source in {e.source for e in examples}
    }
    return [msgspec.structs.replace(e, weight=e.weight / means[e.source]) for e in examples]


class ModelFit(msgspec.Struct, frozen=True, kw_only=True):
    model: RiskModel
    blocks: dict[str, BlockFit]
    """By block name: ``default`` or a feature of ``FitOptions.feature_blocks``."""
    examples: dict[str, list[Example]]


DEFAULT_BLOCK = "default"


def block_of(example: Example, options: FitOptions) -> str:
    return example.feature if example.feature in options.feature_blocks else DEFAULT_BLOCK


def fit_model(
    examples: Sequence[Example], prior: RiskModel, options: FitOptions, *, created: str, notes: str = ""
) -> ModelFit:
    """Fit every block that has examples; a block without examples keeps the prior's terms."""
    weighted = normalised_weights(examples)
    by_block: dict[str, list[Example]] = {}
    for example in weighted:
        by_block.setdefault(block_of(example, options), []).append(example)
    blocks = {
        name: fit_block(rows, prior.terms_for(None if name == DEFAULT_BLOCK else name), options,
                        with_domains=name == DEFAULT_BLOCK, allowed=options.block_inputs.get(name))
        for name, rows in sorted(by_block.items())
    }
    default = blocks[DEFAULT_BLOCK].terms if DEFAULT_BLOCK in blocks else prior.terms
    by_feature = dict(prior.by_feature) | {n: b.terms for n, b in blocks.items() if n != DEFAULT_BLOCK}
    fitted = sorted({s for b in blocks.values() for s in b.design.inputs})
    model = RiskModel(
        created=created,
        terms=default,
        by_feature=by_feature,
        provenance=Provenance(
            method="L2 logistic regression (scikit-learn), C by grouped cross-validation on weighted log-loss",
            sources=[
                SourceSummary(
                    name=source,
                    rows=sum(e.source == source for e in weighted),
                    failed=sum(e.failed for e in weighted if e.source == source),
                    weight=round(sum(e.weight for e in weighted if e.source == source), 3),
                )
                for source in sorted({e.source for e in weighted})
            ],
            fitted=fitted,
            prior=sorted(set(default.weights) - set(fitted)),
            l2_c={n: b.c for n, b in blocks.items()},
            notes=notes,
        ),
    )
    return ModelFit(model=model, blocks=blocks, examples=by_block)
