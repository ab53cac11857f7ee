"""Release signatures compared: rates with the release's own variance, Bonferroni-corrected differences (pure)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from undercurrent.releases.compare import Component, RateSums, Signature, compare, release_rate

DRIFT, LOOP, ANY = (Component("archetype", name) for name in ("drift", "death_spiral", "any"))


@pytest.mark.parametrize(
    ("sums", "sessions", "rate", "stderr"),
    [
        (RateSums(6, 0), 600, 0.01, math.sqrt(0.01 * 0.99 / 600)),  # judged in full: the traffic term alone
        (RateSums(12, 36), 600, 0.02, math.sqrt(36 / 600**2 + 0.02 * 0.98 / 600)),  # both terms add
        (RateSums(0, 0), 100, 0.0, 0.0),
        (RateSums(120, 80), 100, 1.2, math.sqrt(80 / 100**2)),  # a short window can overshoot 1: share clipped
    ],
)
def test_release_rate(sums: RateSums, sessions: float, rate: float, stderr: float) -> None:
    result = release_rate(sums, sessions)
    assert result.rate == pytest.approx(rate)
    assert result.stderr == pytest.approx(stderr)
    assert (result.lower, result.upper) == pytest.approx(
        (max(0.0, rate - 1.96 * stderr), min(1.0, rate + 1.96 * stderr))
    )


@pytest.mark.parametrize(("sums", "sessions"), [(RateSums(1, 0), 0), (RateSums(-1, 0), 10), (RateSums(1, -1), 10)])
def test_release_rate_refuses_impossible_sums(sums: RateSums, sessions: float) -> None:
    with pytest.raises(ValueError):
        release_rate(sums, sessions)


def _signature(release: str, sessions: float, **rates: tuple[float, float]) -> Signature:
    return Signature(release, sessions, {Component("archetype", k): RateSums(*v) for k, v in rates.items()})


# (baseline, candidate, expected verdicts per archetype: +1 higher, -1 lower, 0 no difference shown)
CASES = [
    ("a fivefold drift rate is higher",
     _signature("m@v1", 600, drift=(6, 0)), _signature("m@v2", 600, drift=(30, 0)), {"drift": 1}),
    ("the same rates show no difference",
     _signature("m@v1", 600, drift=(30, 0)), _signature("m@v2", 600, drift=(30, 0)), {"drift": 0}),
    ("fewer failures are lower",
     _signature("m@v1", 600, drift=(60, 0)), _signature("m@v2", 600, drift=(20, 0)), {"drift": -1}),
    ("a failure absent from one release compares with zero",
     _signature("m@v1", 600, drift=(30, 0)), _signature("m@v2", 600), {"drift": -1}),
    ("sampling variance widens the interval: the same rates judged at π = 0.1 show no difference",
     _signature("m@v1", 600, drift=(6, 54)), _signature("m@v2", 600, drift=(30, 270)), {"drift": 0}),
    ("different traffic volumes compare as rates",
     _signature("m@v1", 6000, drift=(60, 0)), _signature("m@v2", 300, drift=(3, 0)), {"drift": 0}),
]


@pytest.mark.parametrize(("baseline", "candidate", "verdicts"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_compare_verdicts(baseline: Signature, candidate: Signature, verdicts: dict[str, int]) -> None:
    result = compare(baseline, candidate)
    got = {d.component.name: (0 if not d.differs else 1 if d.difference > 0 else -1) for d in result.differences}
    assert got == verdicts


def test_bonferroni_widens_with_the_number_of_rates_compared() -> None:
    """A difference of about 2.2 standard errors shows alone but not among three rates."""
    baseline = _signature("m@v1", 1000, drift=(50, 0), death_spiral=(10, 0), any=(80, 0))
    candidate = _signature("m@v2", 1000, drift=(71, 0), death_spiral=(10, 0), any=(80, 0))
    alone = compare(_signature("m@v1", 1000, drift=(50, 0)), _signature("m@v2", 1000, drift=(71, 0)))
    together = compare(baseline, candidate)
    assert alone.z == pytest.approx(1.959964, abs=1e-6)
    assert together.z == pytest.approx(NormalDist().inv_cdf(1 - 0.05 / 6))
    (single,) = alone.differences
    drift = next(d for d in together.differences if d.component == DRIFT)
    assert single.differs and not drift.differs
    assert drift.p_value == pytest.approx(single.p_value) and drift.p_adjusted == pytest.approx(3 * single.p_value)
    assert together.differences[0].component == DRIFT  # most significant first


def test_components_without_failures_are_listed_and_not_counted() -> None:
    baseline = Signature("m@v1", 100, {DRIFT: RateSums(5, 0), LOOP: RateSums(0, 0)})
    candidate = Signature("m@v2", 100, {DRIFT: RateSums(5, 0), LOOP: RateSums(0, 0), ANY: RateSums(0, 0)})
    result = compare(baseline, candidate)
    assert result.tests == 1 and result.without_failures == [ANY, LOOP]


def test_family_wise_error_and_power_under_sampling() -> None:
    """Simulated releases: with equal true rates, some rate is declared different in at most about α of
    replicates; with a real threefold difference on one archetype, it is found in most."""
    rng = np.random.default_rng(7)
    sessions, pi, replicates = 2000, 0.3, 1000
    true_rates = {"drift": 0.03, "death_spiral": 0.05, "walkaway": 0.10, "any": 0.15}

    def signature(release: str, rates: dict[str, float]) -> Signature:
        sums = {}
        for name, rate in rates.items():
            judged_failures = rng.binomial(rng.binomial(sessions, rate), pi)
            sums[Component("archetype", name)] = RateSums(judged_failures / pi, judged_failures * (1 - pi) / pi**2)
        return Signature(release, sessions, sums)

    def any_difference(candidate_rates: dict[str, float]) -> list[bool]:
        return [
            any(d.differs for d in compare(signature("a", true_rates), signature("b", candidate_rates)).differences)
            for _ in range(replicates)
        ]

    false_alarms = sum(any_difference(true_rates)) / replicates
    detected = sum(any_difference({**true_rates, "drift": 0.09})) / replicates
    assert false_alarms <= 0.07, false_alarms  # α = 0.05, Bonferroni is conservative; 0.07 allows MC noise
    assert detected >= 0.9, detected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "six hours"], "not a Prometheus duration"),
        (["--prometheus", "http://127.0.0.1:9"], "cannot reach Prometheus at http://127.0.0.1:9"),
    ],
)
def test_compare_refuses_clearly(args: list[str], message: str) -> None:
    from typer.testing import CliRunner

    from undercurrent.cli.main import app

    result = CliRunner().invoke(app, ["compare", "--baseline", "m@v1", "--candidate", "m@v2", *args],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
