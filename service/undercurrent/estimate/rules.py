"""Generates the Prometheus recording rules for failure-rate estimates.

``python -m undercurrent.estimate.rules > deploy/prometheus/rules/estimates.yml``
regenerates the committed file; a unit test fails when the two differ.

Every rule sums ``increase()`` of counters over a label level first and divides
afterwards, so the result is right across replicas, restarts and any window.

Agent trajectories get their own groups: the success rate and the step errors per
trajectory by category and severity, both ratios over the judged trajectories' HT weight
with linearised standard errors (see ``undercurrent.estimate.trajectories``).
"""

from __future__ import annotations

import sys
from typing import NamedTuple

import yaml

from .. import conventions as names
from .interval import Z95

WINDOWS: dict[str, str] = {"5m": "1m", "1h": "1m", "6h": "5m", "1d": "5m"}  # window -> evaluation interval
INVISIBLE = 'visibility=~"invisible|mixed"'


class Level(NamedTuple):
    """``between_releases`` adds the binomial term of the release's own traffic to the variance:
    comparing releases asks about their traffic, not about the sessions that happened to close
    (docs/releases.md)."""

    name: str
    strata: tuple[str, ...]
    between_releases: bool = False


class Measure(NamedTuple):
    metric: str
    selector: str


LEVELS = (
    Level("feature_domain_archetype", ("feature", "domain")),
    Level("feature_archetype", ("feature",)),
    Level("archetype", ()),
    Level("release_archetype", ("release",), between_releases=True),
)
MEASURES = (
    Measure(names.FAILURE_RATE, ""),
    Measure(names.INVISIBLE_FAILURE_RATE, INVISIBLE),
)


def rule_name(level: Level, measure: Measure, window: str, suffix: str = "") -> str:
    return names.recorded(level.name, measure.metric, f"ratio_rate{window}{suffix}")


def _by(labels: tuple[str, ...]) -> str:
    return f"sum by ({', '.join(labels)})" if labels else "sum"


def _per_session(numerator: str, level: Level, window: str) -> str:
    sessions = f"{_by(level.strata)} (increase({names.SESSIONS_CLOSED}[{window}]))"
    return f"{numerator} / on ({', '.join(level.strata)}) group_left () ({sessions} > 0)"


def _stderr(level: Level, variance: str, rate: str, window: str) -> str:
    """``sqrt(V) / N``; between releases ``sqrt(V + N r(1−r)) / N``, i.e. ``sqrt(V/N² + r(1−r)/N)``."""
    if not level.between_releases:
        return _per_session(f"sqrt({variance})", level, window)
    share = f"clamp({rate}, 0, 1)"
    sessions = f"{_by(level.strata)} (increase({names.SESSIONS_CLOSED}[{window}]))"
    on = f"on ({', '.join(level.strata)}) group_left ()"
    return _per_session(f"sqrt({variance} + {share} * (1 - {share}) * {on} {sessions})", level, window)


def _rules(level: Level, measure: Measure, window: str) -> list[dict[str, str]]:
    by = _by((*level.strata, "archetype"))
    selector = f"{{{measure.selector}}}" if measure.selector else ""
    rate, stderr = rule_name(level, measure, window), rule_name(level, measure, window, "_stderr")
    variance = f"{by} (increase({names.FAILURE_WEIGHT_VARIANCE}{selector}[{window}]))"
    return [
        {
            "record": rate,
            "expr": _per_session(f"{by} (increase({names.FAILURE_WEIGHT}{selector}[{window}]))", level, window),
        },
        {
            "record": stderr,
            "expr": _stderr(level, variance, rate, window),
        },
        {
            "record": rule_name(level, measure, window, "_lower95"),
            "expr": f"clamp({rate} - {Z95} * {stderr}, 0, 1)",
        },
        {
            "record": rule_name(level, measure, window, "_upper95"),
            "expr": f"clamp({rate} + {Z95} * {stderr}, 0, 1)",
        },
    ]


TRAJECTORY_SUCCESS = Measure(names.TRAJECTORY_SUCCESS, "")
STEP_ERRORS = Measure(names.STEP_ERRORS_PER_TRAJECTORY, "")
TRAJECTORY_LEVELS = (Level("feature_trajectory", ("feature",)), Level("trajectory", ()))
STEP_ERROR_LEVELS = (Level("feature_category_severity", ("feature",)), Level("category_severity", ()))
STEP_ERROR_LABELS = ("branch", "category", "severity")
SUCCESS, FAILURE = 'outcome="success"', 'outcome="failure"'


def _sum(labels: tuple[str, ...], metric: str, window: str, selector: str = "") -> str:
    matcher = f"{{{selector}}}" if selector else ""
    return f"{_by(labels)} (increase({metric}{matcher}[{window}]))"


def _interval(level: Level, measure: Measure, window: str, upper_limit: str) -> list[dict[str, str]]:
    """Wald 95% bounds, never below 0; ``upper_limit`` wraps the upper one (``{}`` for none)."""
    rate, stderr = rule_name(level, measure, window), rule_name(level, measure, window, "_stderr")
    upper = upper_limit.format(f"{rate} + {Z95} * {stderr}")
    return [
        {"record": rule_name(level, measure, window, "_lower95"), "expr": f"clamp_min({rate} - {Z95} * {stderr}, 0)"},
        {"record": rule_name(level, measure, window, "_upper95"), "expr": upper},
    ]


def _trajectory_rules(level: Level, window: str) -> list[dict[str, str]]:
    """Success rate S / W with stderr sqrt((1-R)² V_success + R² V_failure) / W."""
    m = TRAJECTORY_SUCCESS
    rate = rule_name(level, m, window)
    weight = f"({_sum(level.strata, names.TRAJECTORY_WEIGHT, window)} > 0)"
    spread = (
        f"(1 - {rate}) ^ 2 * {_sum(level.strata, names.TRAJECTORY_WEIGHT_VARIANCE, window, SUCCESS)}"
        f" + {rate} ^ 2 * {_sum(level.strata, names.TRAJECTORY_WEIGHT_VARIANCE, window, FAILURE)}"
    )
    return [
        {
            "record": f"{level.name}:undercurrent_trajectories_judged:support{window}",
            "expr": _sum(level.strata, names.TRAJECTORIES_JUDGED, window),
        },
        {"record": rate, "expr": f"{_sum(level.strata, names.TRAJECTORY_WEIGHT, window, SUCCESS)} / {weight}"},
        {"record": rule_name(level, m, window, "_stderr"), "expr": f"sqrt({spread}) / {weight}"},
        *_interval(level, m, window, "clamp({}, 0, 1)"),
    ]


def _step_error_rules(level: Level, window: str) -> list[dict[str, str]]:
    """Errors per trajectory R = Y / W with stderr sqrt(Σv·y² − 2R Σv·y + R² Σv) / W."""
    m = STEP_ERRORS
    rate = rule_name(level, m, window)
    by = (*level.strata, *STEP_ERROR_LABELS)
    on = f"on ({', '.join(level.strata)}) group_left ()"
    weight = f"({_sum(level.strata, names.TRAJECTORY_WEIGHT, window)} > 0)"
    spread = (
        f"{_sum(by, names.STEP_ERROR_WEIGHT_VARIANCE, window)}"
        f" - 2 * {rate} * {_sum(by, names.STEP_ERROR_WEIGHT_CROSS, window)}"
        f" + {rate} ^ 2 * {on} {_sum(level.strata, names.TRAJECTORY_WEIGHT_VARIANCE, window)}"
    )
    return [
        {"record": rate, "expr": f"{_sum(by, names.STEP_ERROR_WEIGHT, window)} / {on} {weight}"},
        {"record": rule_name(level, m, window, "_stderr"), "expr": f"sqrt(clamp_min({spread}, 0)) / {on} {weight}"},
        *_interval(level, m, window, "{}"),
    ]


def rule_groups() -> dict[str, list[dict[str, object]]]:
    failure: list[dict[str, object]] = [
        {
            "name": f"undercurrent_failure_estimates_{window}",
            "interval": interval,
            "rules": [rule for level in LEVELS for measure in MEASURES for rule in _rules(level, measure, window)],
        }
        for window, interval in WINDOWS.items()
    ]
    trajectories: list[dict[str, object]] = [
        {
            "name": f"undercurrent_trajectory_estimates_{window}",
            "interval": interval,
            "rules": [
                *(rule for level in TRAJECTORY_LEVELS for rule in _trajectory_rules(level, window)),
                *(rule for level in STEP_ERROR_LEVELS for rule in _step_error_rules(level, window)),
            ],
        }
        for window, interval in WINDOWS.items()
    ]
    return {"groups": [*failure, *trajectories]}


def render() -> str:
    header = "# Generated by `python -m undercurrent.estimate.rules`. DO NOT EDIT.\n"
    return header + yaml.safe_dump(rule_groups(), sort_keys=False, width=1000)


if __name__ == "__main__":
    sys.stdout.write(render())
