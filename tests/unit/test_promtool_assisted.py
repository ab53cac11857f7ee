"""promtool evaluates the generated model-assisted rules on synthetic counters; the numpy mirror must agree.

The simulations (``tests/simulation``) judge coverage and bias through the mirror,
so this is what ties their evidence to the PromQL that Prometheus will run.
Counters grow linearly, so ``increase()`` over 1h at 120m is exactly 60 × the
per-minute step. The strata cover the edge cases: a stratum without sessions,
one with verdicts but nothing judged (response ratio falls back to 1), one with
more verdicts than samples in the window (ratio capped at 1), a cell with no
judged failure (continuity from the mean weight) and one with no predictions.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.simulation.promql_mirror import Counters, estimates
from undercurrent import conventions as names
from undercurrent.estimate import assisted_rules as rules

STRATA = [("chat", "legal"), ("chat", "gaming"), ("search", "legal"), ("search", "gaming")]
CELLS = [("walkaway", "failure"), ("walkaway", "invisible_failure"), ("drift", "failure")]
# Per-minute steps per stratum: closed, sampled, judged, Σ1/π.
STRATUM_STEPS = {
    ("chat", "legal"): (10.0, 2.0, 1.8, 80.0),
    ("chat", "gaming"): (5.0, 1.0, 1.25, 30.0),
    ("search", "legal"): (0.0, 0.0, 0.0, 0.0),
    ("search", "gaming"): (2.0, 0.5, 0.0, 10.0),
}
CELL_FIELDS = (
    "predicted", "predicted_sq", "predicted_sq_weight", "failure_weight", "failure_weight_sq",
    "prediction_weight", "hit_weight", "hit_weight_sq",
)
COUNTER_OF = {
    "predicted": names.PREDICTED_FAILURES, "predicted_sq": names.PREDICTED_FAILURES_SQ,
    "predicted_sq_weight": names.PREDICTED_FAILURES_SQ_WEIGHT, "failure_weight": names.JUDGED_FAILURE_WEIGHT,
    "failure_weight_sq": names.JUDGED_FAILURE_WEIGHT_SQ, "prediction_weight": names.JUDGED_PREDICTION_WEIGHT,
    "hit_weight": names.JUDGED_HIT_WEIGHT, "hit_weight_sq": names.JUDGED_HIT_WEIGHT_SQ,
}
# Per-minute steps per (stratum, cell), in CELL_FIELDS order.
CELL_STEPS = {
    (("chat", "legal"), ("walkaway", "failure")): (3.0, 1.5, 12.0, 4.0, 20.0, 2.5, 2.0, 9.0),
    (("chat", "legal"), ("walkaway", "invisible_failure")): (2.0, 1.0, 8.0, 1.0, 6.0, 1.5, 0.5, 3.0),
    (("chat", "legal"), ("drift", "failure")): (0.5, 0.125, 1.0, 0.0, 0.0, 0.25, 0.0, 0.0),
    (("chat", "gaming"), ("walkaway", "failure")): (1.0, 0.4, 2.4, 2.0, 12.0, 0.5, 0.75, 4.5),
    (("chat", "gaming"), ("drift", "failure")): (0.0, 0.0, 0.0, 0.3, 1.8, 0.0, 0.0, 0.0),
    (("search", "gaming"), ("walkaway", "failure")): (0.8, 0.32, 1.6, 0.0, 0.0, 0.0, 0.0, 0.0),
}
WINDOW, MINUTES = "1h", 60
LEVEL_GROUPS = {
    "feature_domain": [dict(zip(("feature", "domain"), s, strict=True)) for s in STRATA],
    "feature": [{"feature": "chat"}, {"feature": "search"}],
    "": [{}],
}


def _counters() -> Counters:
    strata = np.array([STRATUM_STEPS[s] for s in STRATA]) * MINUTES
    cells = np.array([[CELL_STEPS.get((s, c), (0.0,) * len(CELL_FIELDS)) for c in CELLS] for s in STRATA]) * MINUTES
    return Counters(
        closed=strata[:, 0], sampled=strata[:, 1], judged=strata[:, 2], inclusion_weight=strata[:, 3],
        **{name: cells[:, :, i] for i, name in enumerate(CELL_FIELDS)},
    )


def _level_matrix(level: rules.Level) -> np.ndarray:
    labels = [dict(zip(("feature", "domain"), s, strict=True)) for s in STRATA]
    groups = LEVEL_GROUPS[level.name]
    return np.array([[all(stratum[k] == v for k, v in g.items()) for g in groups] for stratum in labels], dtype=float)


def _series(name: str, labels: dict[str, str], step: float) -> dict[str, str]:
    body = ",".join(f'{k}="{v}"' for k, v in labels.items())
    return {"series": f"{name}{{{body}}}", "values": f"0+{step!r}x120"}


def _input_series() -> list[dict[str, str]]:
    out = []
    for (feature, domain), (closed, sampled, judged, weight) in STRATUM_STEPS.items():
        stratum = {"feature": feature, "domain": domain}
        out += [
            _series("undercurrent_sessions_closed_total", {**stratum, "reason": "idle"}, closed),
            _series(names.JUDGE_SAMPLED_SESSIONS, stratum, sampled),
            _series(names.JUDGED_SESSIONS, {**stratum, "quality": "poor"}, judged),
            _series(names.INCLUSION_WEIGHT, stratum, weight),
        ]
        for archetype, measure in CELLS:
            steps = CELL_STEPS.get(((feature, domain), (archetype, measure)), (0.0,) * len(CELL_FIELDS))
            labels = {"archetype": archetype, "measure": measure, **stratum}
            out += [_series(COUNTER_OF[name], labels, step) for name, step in zip(CELL_FIELDS, steps, strict=True)]
    return out


def _expected() -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    """The mirror's values as ``mirror_expected{rule=...}`` input series, and the checks against them.

    promtool compares samples exactly, and PromQL sums in another order than numpy,
    so each rule is checked by expressions that must come back empty: no value
    further than 1e-9 from the mirror's, no series the mirror lacks, none missing.
    """
    counters, series, checks = _counters(), [], []
    for level in rules.LEVELS:
        result = estimates(counters, _level_matrix(level))
        chosen, assisted = result.chosen()
        by_estimator = {"ht": (result.ht, None), "assisted": (result.assisted, None), "chosen": (chosen, assisted)}
        for estimator, (interval, picked) in by_estimator.items():
            for suffix, values in zip(rules.BOUNDS, interval, strict=True):
                name = rules.output(level, estimator, WINDOW, suffix)
                for g, group in enumerate(LEVEL_GROUPS[level.name]):
                    for c, (archetype, measure) in enumerate(CELLS):
                        value = float(values[g, c])
                        if math.isnan(value):
                            continue
                        labels = {"rule": name, **group, "archetype": archetype, "measure": measure}
                        if picked is not None:
                            labels["estimator"] = "assisted" if picked[g, c] else "ht"
                        series.append(_series("mirror_expected", labels, 0.0) | {"values": f"{value!r}+0x120"})
                mirror = f'mirror_expected{{rule="{name}"}}'
                checks += [
                    {"expr": f"abs({name} - ignoring (rule) {mirror}) > 1e-9", "eval_time": "120m", "exp_samples": []},
                    {"expr": f"{name} unless ignoring (rule) {mirror}", "eval_time": "120m", "exp_samples": []},
                    {"expr": f"{mirror} unless ignoring (rule) {name}", "eval_time": "120m", "exp_samples": []},
                ]
    return series, checks


def test_mirror_covers_the_edge_cases() -> None:
    """The synthetic counters reach the branches they are meant to (else the comparison proves less)."""
    stratum = estimates(_counters(), _level_matrix(rules.LEVELS[0]))
    assert np.isnan(stratum.ht.rate[2]).all()  # search/legal: no sessions, no series
    assert stratum.assisted.rate[3, 0] > 0 and stratum.ht.rate[3, 0] == 0  # predictions only, nothing judged
    assert stratum.assisted.lower[0, 2] == 0 and stratum.assisted.upper[0, 2] > 0
    _, assisted = stratum.chosen()
    assert assisted.any() and not assisted[~np.isnan(stratum.ht.rate)].all()  # both estimators get chosen


def test_generated_rules_compute_what_the_mirror_computes(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool is not installed: `apt-get install prometheus` (or `make test`) provides it")
    (tmp_path / "all_windows.yml").write_text(rules.render())
    one_window = [g for g in rules.rule_groups()["groups"] if g["name"].endswith(f"_{WINDOW}")]
    (tmp_path / "assisted.yml").write_text(yaml.safe_dump({"groups": one_window}, sort_keys=False))
    expected, checks = _expected()
    spec = {
        "rule_files": ["assisted.yml"],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": _input_series() + expected, "promql_expr_test": checks}],
    }
    (tmp_path / "assisted_test.yml").write_text(yaml.safe_dump(spec, sort_keys=False))
    checked = subprocess.run([promtool, "check", "rules", str(tmp_path / "all_windows.yml")],
                             capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    result = subprocess.run([promtool, "test", "rules", str(tmp_path / "assisted_test.yml")],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
