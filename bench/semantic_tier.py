"""Does the semantic tier (``bench/semantic.py``) earn its place? Quality on the dev split and cost, measured.

    .venv/bin/python -m bench.semantic_tier quality            # dev split: risk AUROC with and without it
    .venv/bin/python -m bench.semantic_tier cost --limit 3000  # ms per ShareGPT session beside the detectors

``quality`` fits the risk model exactly as ``undercurrent calibrate`` does (``calibration.fit``:
L2 logistic regression, C chosen by grouped 5-fold cross-validation) twice on the labelled dev
conversations: on the lexical tier's signals and factors, and on those plus the semantic
features. It compares the two out-of-fold AUROCs (folds grouped by parent conversation) with
bootstrap 95% intervals that resample parent conversations, the same replicates for both, so
the interval of the difference is paired. The test split is never read.

``cost`` runs the detectors and the semantic tier (embedding the turns and the features)
alternately per session over the same real conversations, CPU time of this process, after
loading the table once (a worker would load it at start-up).

The decision rule, fixed before measuring: keep the tier only if the cross-validated dev AUROC
rises by at least 0.03 with the interval of the difference above 0, and it adds at most
0.2 ms at the median and 1 ms at p99 per session (a fifth of the inline budget of 1 / 5 ms,
which the lexical tier alone already exceeds).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np
from bench.semantic import (
    FEATURES,
    REASK_SIMILARITY,
    Followup,
    embed_session,
    followups,
    load_embedder,
    session_features,
    snapshot_features,
)

from undercurrent.calibration.fit import Example, FitOptions, fit_block
from undercurrent.detectors.bootstrap import (
    REPLICATES,
    SEED,
    Interval,
    auroc,
    auroc_replicates,
    percentile_interval,
    replicate_weights,
)
from undercurrent.detectors.model import DetectorConfig
from undercurrent.detectors.risk import RiskTerms

LABELLED = Path("evaluation/sharegpt")


class TierResult(msgspec.Struct, frozen=True, kw_only=True):
    auroc: float
    interval: Interval | None
    c: float
    inputs: tuple[str, ...]


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    sessions: int
    failed: int
    groups: int
    lexical: TierResult
    semantic: TierResult
    difference: float
    difference_interval: Interval | None


def with_features(examples: Sequence[Example], features: Sequence[dict[str, float]]) -> list[Example]:
    """The examples with the semantic features added to their inputs."""
    if len(examples) != len(features):
        raise ValueError(f"{len(examples)} examples for {len(features)} feature rows")
    return [msgspec.structs.replace(e, inputs=e.inputs | f) for e, f in zip(examples, features, strict=True)]


def compare_tiers(
    examples: Sequence[Example],
    features: Sequence[dict[str, float]],
    prior: RiskTerms,
    options: FitOptions | None = None,
    *,
    replicates: int = REPLICATES,
    seed: int = SEED,
) -> Comparison:
    """Cross-validated AUROC of the risk model without and with the features, paired bootstrap over groups."""
    failed = [e.failed for e in examples]
    groups = sorted({e.group for e in examples})
    column = {g: i for i, g in enumerate(groups)}
    weights = replicate_weights(len(groups), replicates, seed)[:, [column[e.group] for e in examples]]
    tiers = {}
    for name, rows in (("lexical", list(examples)), ("semantic", with_features(examples, features))):
        fit = fit_block(rows, prior, options or FitOptions(), with_domains=True)
        score = auroc(fit.out_of_fold, failed)
        if score is None:
            raise ValueError("the examples need failed and not failed sessions")
        tiers[name] = (fit, score, auroc_replicates(fit.out_of_fold, failed, weights))
    (lexical, lexical_auroc, lexical_reps), (semantic, semantic_auroc, semantic_reps) = tiers.values()
    return Comparison(
        sessions=len(examples),
        failed=sum(failed),
        groups=len(groups),
        lexical=TierResult(
            auroc=lexical_auroc, interval=percentile_interval(lexical_reps), c=lexical.c, inputs=lexical.design.inputs
        ),
        semantic=TierResult(
            auroc=semantic_auroc,
            interval=percentile_interval(semantic_reps),
            c=semantic.c,
            inputs=semantic.design.inputs,
        ),
        difference=semantic_auroc - lexical_auroc,
        difference_interval=percentile_interval(semantic_reps - lexical_reps),
    )


def _interval(interval: Interval | None) -> str:
    return "[–]" if interval is None else f"[{interval[0]:+.3f}, {interval[1]:+.3f}]"


def quality(args: argparse.Namespace) -> None:
    from undercurrent.calibration.sources import LABELLED as SOURCE
    from undercurrent.calibration.sources import example_from_session, parent_of
    from undercurrent.detectors.labelled_load import labelled_sessions
    from undercurrent.detectors.risk import shipped_model

    embedder, config = load_embedder(), DetectorConfig()
    examples, features, turns = [], [], []
    for label, snapshot in labelled_sessions(args.labelled, "dev"):
        examples.append(
            example_from_session(
                snapshot, source=SOURCE, group=parent_of(label.id), failed=label.failed, language=label.language
            )
        )
        embedded = embed_session(snapshot, embedder, config)
        features.append(session_features(embedded.roles, embedded.vectors))
        for followup in followups(embedded.roles, embedded.vectors):
            index = embedded.indices[followup.position]
            turns.append((followup, {name: index in label.signals.get(name, ()) for name in TURN_SIGNALS}))
    result = compare_tiers(examples, features, shipped_model().terms, replicates=args.replicates)
    print(
        f"dev split: {result.sessions} conversations ({result.groups} parents), {result.failed} failed; "
        f"grouped {FitOptions().folds}-fold cross-validated risk AUROC, bootstrap 95% over parents "
        f"({args.replicates} replicates, seed {SEED})"
    )
    print("tier | AUROC [95% CI] | C | inputs fitted")
    for name, tier in (("lexical", result.lexical), ("lexical + semantic", result.semantic)):
        low, high = tier.interval or (float("nan"), float("nan"))
        print(f"{name} | {tier.auroc:.3f} [{low:.3f}, {high:.3f}] | {tier.c} | {len(tier.inputs)}")
    print(f"difference | {result.difference:+.3f} {_interval(result.difference_interval)}")
    print("\nsemantic feature | mean failed | mean not failed | AUROC alone")
    failed = [e.failed for e in examples]
    for name in FEATURES:
        values = np.array([f[name] for f in features])
        alone = auroc(values.tolist(), failed)
        print(
            f"{name} | {values[failed].mean():.3f} | {values[~np.array(failed)].mean():.3f} | "
            f"{'–' if alone is None else f'{alone:.3f}'}"
        )
    _turn_table(turns)


TURN_SIGNALS = ("user_repeats_request", "user_corrects_ai")


def _turn_table(turns: Sequence[tuple[Followup, dict[str, bool]]]) -> None:
    """Can similarity to an earlier user turn tell the labelled re-asks and corrections from other follow-ups?"""
    similarity = [f.to_earlier for f, _ in turns]
    reaches = [s >= REASK_SIMILARITY for s in similarity]
    print(f"\nturn level: {len(turns)} user follow-ups; similarity to an earlier user turn against the labels")
    print(f"label | follow-ups labelled | AUROC | reaching {REASK_SIMILARITY}: labelled / all")
    for name in TURN_SIGNALS:
        labelled = [flags[name] for _, flags in turns]
        score = auroc(similarity, labelled)
        hits = sum(r and lab for r, lab in zip(reaches, labelled, strict=True))
        print(f"{name} | {sum(labelled)} | {'–' if score is None else f'{score:.3f}'} | {hits} / {sum(reaches)}")


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def cost(args: argparse.Namespace) -> None:
    from undercurrent.detectors import run_session_detectors
    from undercurrent.replay.offline import conversation_snapshot
    from undercurrent.replay.sharegpt import read_sharegpt

    snapshots = [conversation_snapshot(c) for c in read_sharegpt(limit=args.limit)]
    started = time.perf_counter()
    embedder, config = load_embedder(), DetectorConfig()
    load_s = time.perf_counter() - started
    run_session_detectors(snapshots[0])  # one-off set-up on both sides is not a session's cost
    snapshot_features(snapshots[0], embedder, config)
    detector_ms, semantic_ms = [], []
    for snapshot in snapshots:
        started = time.process_time()
        run_session_detectors(snapshot)
        middle = time.process_time()
        snapshot_features(snapshot, embedder, config)
        detector_ms.append((middle - started) * 1000)
        semantic_ms.append((time.process_time() - middle) * 1000)
    both = [a + b for a, b in zip(detector_ms, semantic_ms, strict=True)]
    print(
        f"sessions={len(snapshots)} turns={sum(len(s.turns) for s in snapshots)}; loading the table "
        f"{load_s:.2f} s once; CPU ms per session, alternating per session"
    )
    print("tier | median | p99")
    for name, values in (("detectors (lexical)", detector_ms), ("semantic tier", semantic_ms), ("both", both)):
        print(f"{name} | {statistics.median(values):.3f} | {_p99(values):.3f}")
    print(
        f"semantic / detectors: median {statistics.median(semantic_ms) / statistics.median(detector_ms):.2f}x, "
        f"p99 {_p99(semantic_ms) / _p99(detector_ms):.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    q = commands.add_parser("quality", help="dev split: cross-validated risk AUROC with and without the tier")
    q.add_argument("--labelled", type=Path, default=LABELLED)
    q.add_argument("--replicates", type=int, default=REPLICATES)
    c = commands.add_parser("cost", help="ms per real ShareGPT session, beside the detectors")
    c.add_argument("--limit", type=int, default=3000, help="conversations to read")
    args = parser.parse_args()
    quality(args) if args.command == "quality" else cost(args)


if __name__ == "__main__":
    main()
