"""Recording rules for the plain Horvitz–Thompson and the model-assisted estimates with score intervals.

``render()`` gives the rule file; ``docs/estimation.md`` §7–§9 derive every
expression. Three stages per window, each only sums and arithmetic on counter
increases, so the result is the same for any number of replicas:

1. per (feature, domain) stratum: the judge response ratio r (judged ÷ sampled,
   at most 1; 1 where nothing was judged), and every judge-side sum divided by
   r (or r² for the 1/π² sums), i.e. weighted by 1/(π·r) instead of 1/π;
2. per level (stratum, feature, everything): ``sum by`` of the stage-1 sums, and
   the closed sessions and mean weight Σ 1/(π·r) ÷ N broadcast to every cell;
3. per level: rate, standard error and the score interval's bounds, for each estimator;
4. per level: the estimator with the narrower interval, its four series labelled
   ``estimator="assisted"`` or ``"ht"`` (for dashboards: either is unbiased, and the
   choice keeps coverage, ``tests/simulation/test_assisted_coverage.py``).
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import yaml

from .. import conventions as names
from .interval import Z95
from .rules import WINDOWS

# Counters the rules read (ingest side, then judge side); docs/estimation.md §7 lists their increments.

# Pseudo-failures at the stratum's mean weight that steady the variance slope of a
# cell with few judged failures (docs/estimation.md §8).
PSEUDO_FAILURES = 4
ESTIMATORS = ("ht", "assisted")
BOUNDS = ("", "_stderr", "_lower95", "_upper95")
STRATUM = ("feature", "domain")


class Level(NamedTuple):
    name: str
    strata: tuple[str, ...]

    @property
    def cell(self) -> str:
        return "_".join(p for p in (self.name, "archetype", "measure") if p)

    @property
    def labels(self) -> tuple[str, ...]:
        return (*self.strata, "archetype", "measure")


LEVELS = (Level("feature_domain", STRATUM), Level("feature", ("feature",)), Level("", ()))
# Stage-1 and stage-2 sums per cell: name -> the counter summed (stage 1) and the power of r it is divided by.
JUDGED_SUMS = {
    "failure_weight": (names.JUDGED_FAILURE_WEIGHT, 1),
    "failure_weight_sq": (names.JUDGED_FAILURE_WEIGHT_SQ, 2),
    "prediction_weight": (names.JUDGED_PREDICTION_WEIGHT, 1),
    "hit_weight": (names.JUDGED_HIT_WEIGHT, 1),
    "hit_weight_sq": (names.JUDGED_HIT_WEIGHT_SQ, 2),
}
CELL_SUMS = (*JUDGED_SUMS, "predicted", "prediction_variance", "closed", "mean_weight")


def _on(labels: tuple[str, ...]) -> str:
    return f"on ({', '.join(labels)})"


def _by(labels: tuple[str, ...]) -> str:
    return f"sum by ({', '.join(labels)})" if labels else "sum"


def response_ratio(window: str) -> str:
    return f"feature_domain:undercurrent_judge_response:ratio_rate{window}"


def stratum_sum(name: str, window: str) -> str:
    return f"feature_domain:undercurrent_{name}:increase{window}"


def cell_sum(level: Level, name: str, window: str) -> str:
    return f"{level.cell}:undercurrent_assisted_{name}:increase{window}"


def output(level: Level, estimator: str, window: str, suffix: str = "") -> str:
    return f"{level.cell}:undercurrent_failure_rate_{estimator}:ratio_rate{window}{suffix}"


def _increase(counter: str, labels: tuple[str, ...], window: str) -> str:
    return f"{_by(labels)} (increase({counter}[{window}]))"


def _stage1(window: str) -> list[dict[str, str]]:
    cells = LEVELS[0].labels
    ratio, per_r = response_ratio(window), f"{_on(STRATUM)} group_left ()"
    closed = _increase(names.SESSIONS_CLOSED, STRATUM, window)
    judged = _increase(names.JUDGED_SESSIONS, STRATUM, window)
    sampled = _increase(names.JUDGE_SAMPLED_SESSIONS, STRATUM, window)
    rules = [
        {
            # r = judged ÷ sampled, at most 1 (verdicts of sessions sampled before the window);
            # a stratum without verdicts keeps r = 1 (docs/estimation.md §9).
            "record": ratio,
            "expr": f"(clamp_max({judged} / {sampled}, 1)"
            f" > 0) or {_on(STRATUM)} ({closed} * 0 + 1)",
        },
        {"record": stratum_sum("assisted_sessions_closed", window), "expr": closed},
        {
            "record": stratum_sum("inclusion_weight_adjusted", window),
            "expr": f"{_increase(names.INCLUSION_WEIGHT, STRATUM, window)} / {ratio}",
        },
    ]
    for name, (counter, power) in JUDGED_SUMS.items():
        divisor = ratio if power == 1 else f"{ratio} ^ {power}"
        rules.append({
            "record": cell_sum(LEVELS[0], name, window),
            "expr": f"{_increase(counter, cells, window)} / {per_r} ({divisor})",
        })
    rules += [
        {"record": cell_sum(LEVELS[0], "predicted", window),
         "expr": _increase(names.PREDICTED_FAILURES, cells, window)},
        {
            # Σ f²(1 − π r)/(π r) over all closed sessions: the exactly known part of the variance.
            "record": cell_sum(LEVELS[0], "prediction_variance", window),
            "expr": f"{_increase(names.PREDICTED_FAILURES_SQ_WEIGHT, cells, window)} / {per_r} {ratio}"
            f" - {_increase(names.PREDICTED_FAILURES_SQ, cells, window)}",
        },
    ]
    return rules


def _stage2(level: Level, window: str) -> list[dict[str, str]]:
    first = LEVELS[0]
    rules = []
    if level != first:
        rules = [
            {"record": cell_sum(level, name, window), "expr": f"{_by(level.labels)} ({cell_sum(first, name, window)})"}
            for name in (*JUDGED_SUMS, "predicted", "prediction_variance")
        ]
    base = f"{cell_sum(level, 'failure_weight', window)} * 0 + {_on(level.strata)} group_left ()"
    closed = f"{_by(level.strata)} ({stratum_sum('assisted_sessions_closed', window)})"
    weight = f"{_by(level.strata)} ({stratum_sum('inclusion_weight_adjusted', window)})"
    return rules + [
        {"record": cell_sum(level, "closed", window), "expr": f"{base} ({closed} > 0)"},
        {"record": cell_sum(level, "mean_weight", window), "expr": f"{base} ({weight} / ({closed} > 0))"},
    ]


def _min(a: str, b: str) -> str:
    return f"({a} - clamp_min({a} - ({b}), 0))"


def _max(a: str, b: str) -> str:
    return f"({a} + clamp_min(({b}) - {a}, 0))"


def _stage3(level: Level, window: str) -> list[dict[str, str]]:
    s = {name: cell_sum(level, name, window) for name in CELL_SUMS}
    n, wbar, h, h2 = s["closed"], s["mean_weight"], s["failure_weight"], s["failure_weight_sq"]
    hits = f"2 * ({s['hit_weight_sq']} - {s['hit_weight']})"
    assisted_total = f"{level.cell}:undercurrent_failure_rate_assisted:total_increase{window}"
    totals = {"ht": h, "assisted": assisted_total}
    known = {"ht": "", "assisted": f"{s['prediction_variance']} + "}
    failure_part = {"ht": f"{h2} - {h}", "assisted": f"{h2} - {h} - {hits}"}
    continuity = f"{level.cell}:undercurrent_assisted_continuity:increase{window}"
    k, z = PSEUDO_FAILURES, Z95
    rules = [
        {"record": continuity, "expr": f"0.5 * (({h2} / ({h} > 0)) or {wbar})"},
        {"record": assisted_total, "expr": f"{s['predicted']} + {h} - {s['prediction_weight']}"},
    ]
    for est in ESTIMATORS:
        slope = f"{level.cell}:undercurrent_failure_rate_{est}:variance_slope{window}"
        rules.append({
            "record": slope,
            "expr": f"({failure_part[est]} + {k} * ({wbar} - 1) * {wbar}) / ({h} + {k} * {wbar})",
        })

        def root(centre: str, sign: str, est: str = est, slope: str = slope) -> str:
            spread = f"sqrt(clamp_min({known[est]}{slope} * {centre} + {z * z / 4:g} * {slope} ^ 2, 0))"
            return f"{centre} + {z * z / 2:g} * {slope} {sign} {z} * {spread}"

        low, high = f"({totals[est]} - {continuity})", f"({totals[est]} + {continuity})"
        rate = output(level, est, window)
        rules += [
            {"record": rate, "expr": f"{totals[est]} / {n}"},
            {
                "record": output(level, est, window, "_stderr"),
                "expr": f"sqrt(clamp_min({known[est]}{failure_part[est]}, 0)) / {n}",
            },
            {
                "record": output(level, est, window, "_lower95"),
                "expr": f"clamp({_min(low, root(low, '-'))} / {n}, 0, 1)",
            },
            {
                "record": output(level, est, window, "_upper95"),
                "expr": f"clamp({_max(high, root(high, '+'))} / {n}, 0, 1)",
            },
        ]
    return rules


def _stage4(level: Level, window: str) -> list[dict[str, str]]:
    def width(est: str) -> str:
        return f"({output(level, est, window, '_upper95')} - {output(level, est, window, '_lower95')})"

    narrower = f"{width('assisted')} < {width('ht')}"
    rules = []
    for suffix in BOUNDS:
        assisted, ht = output(level, "assisted", window, suffix), output(level, "ht", window, suffix)
        labelled = {est: f'label_replace({name}, "estimator", "{est}", "", "")' for est, name in
                    (("assisted", assisted), ("ht", ht))}
        rules.append({
            "record": output(level, "chosen", window, suffix),
            "expr": f"({labelled['assisted']} and ignoring (estimator) ({narrower}))"
            f" or ignoring (estimator) {labelled['ht']}",
        })
    return rules


def rule_groups() -> dict[str, list[dict[str, object]]]:
    return {
        "groups": [
            {
                "name": f"undercurrent_assisted_estimates_{window}",
                "interval": interval,
                "rules": [
                    *_stage1(window),
                    *(
                        rule
                        for level in LEVELS
                        for rule in (*_stage2(level, window), *_stage3(level, window), *_stage4(level, window))
                    ),
                ],
            }
            for window, interval in WINDOWS.items()
        ]
    }


def render() -> str:
    header = "# Generated by `python -m undercurrent.estimate.assisted_rules`. DO NOT EDIT.\n"
    return header + yaml.safe_dump(rule_groups(), sort_keys=False, width=100_000)


if __name__ == "__main__":
    sys.stdout.write(render())
