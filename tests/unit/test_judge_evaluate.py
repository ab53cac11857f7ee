import pytest

from undercurrent.judge.evaluate import (
    Agreement,
    Labels,
    agreement_report,
    gate_passed,
    incoherence_report,
    quality_gate,
)


def labels(*archetypes: str, visibility: str = "invisible") -> Labels:
    return Labels(archetypes=frozenset(archetypes or ("none",)), visibility=visibility)


def row(report, label):
    return next(r for r in report if r.label == label)


WALK, OK = labels("walkaway"), labels(visibility="none")


def test_perfect_agreement() -> None:
    report = agreement_report([(WALK, WALK), (OK, OK), (WALK, WALK), (OK, OK)])
    walkaway = row(report, "walkaway")
    assert (walkaway.kappa, walkaway.raw, walkaway.reference_positive, walkaway.judge_positive) == (
        1.0,
        1.0,
        2,
        2,
    )


def test_known_kappa_value() -> None:
    # 2x2 table a=20 b=5 c=10 d=15: po=0.7, pe=0.5, kappa=0.4
    pairs = [(WALK, WALK)] * 20 + [(WALK, OK)] * 5 + [(OK, WALK)] * 10 + [(OK, OK)] * 15
    walkaway = row(agreement_report(pairs), "walkaway")
    assert walkaway.kappa == pytest.approx(0.4)
    assert walkaway.raw == pytest.approx(0.7)
    low, high = walkaway.kappa_ci
    assert low < 0.4 < high


def test_kappa_is_undefined_when_both_raters_never_use_the_label() -> None:
    drift = row(agreement_report([(WALK, WALK), (OK, OK)]), "drift")
    assert drift.kappa is None
    assert drift.raw == 1.0


def test_raw_agreement_carries_an_interval() -> None:
    vis = row(agreement_report([(WALK, WALK), (OK, WALK), (OK, OK)]), "visibility")
    assert vis.raw == pytest.approx(2 / 3)
    assert vis.raw_ci[0] < 2 / 3 < vis.raw_ci[1]


def test_visibility_is_multiclass() -> None:
    pairs = [
        (labels("drift", visibility=v), labels("drift", visibility=v)) for v in ("visible", "mixed", "none")
    ]
    assert row(agreement_report(pairs), "visibility").kappa == 1.0


def names(*archetypes: str) -> frozenset[str]:
    return frozenset(archetypes or ("none",))


DRIFT = labels("drift")


def incoherence_row(references, votes, label="drift"):
    return row(incoherence_report(references, votes, reps=400), label)


@pytest.mark.parametrize(
    ("references", "votes", "expected"),
    [
        # two lone dissenters (1/9 + 2/9 each) and two systematic misses (1 + 0): (4/9) / (8/3)
        ([DRIFT] * 4, [(names("drift"), names("drift"), names())] * 2 + [(names(),) * 3] * 2, 1 / 6),
        ([DRIFT] * 3, [(names(),) * 3] * 3, 0.0),  # always wrong the same way: all bias
        ([OK] * 2, [(names("drift"), names())] * 2, 1 / 2),  # even splits against the label
        ([DRIFT] * 3, [(names("drift"),) * 3] * 3, None),  # all agree and right: no error, no value
        ([DRIFT] * 2, [(names(),)] * 2, None),  # K=1: no variance can be seen, so no session counts
        ([], [], None),
    ],
)
def test_incoherence_against_the_reference_labels(references, votes, expected) -> None:
    drift = incoherence_row(references, votes)
    if expected is None:
        assert (drift.incoherence, drift.ci) == (None, None)
    else:
        assert drift.incoherence == pytest.approx(expected)
        low, high = drift.ci
        assert 0.0 <= low <= drift.incoherence + 1e-12 and drift.incoherence - 1e-12 <= high <= 1.0


def test_incoherence_counts_only_sessions_with_two_verdicts_and_reports_mean_terms() -> None:
    drift = incoherence_row([DRIFT] * 3, [(names("drift"), names()), (names(),), (names(), names())])
    assert drift.n == 2
    assert (drift.bias2, drift.variance) == (pytest.approx((1 / 4 + 1) / 2), pytest.approx((1 / 4 + 0) / 2))


def test_overall_incoherence_sums_the_terms_of_every_archetype() -> None:
    votes = [(names("drift"), names("walkaway"), names("drift"))] * 5
    report = incoherence_report([DRIFT] * 5, votes, reps=400)
    drift, walkaway, overall = row(report, "drift"), row(report, "walkaway"), row(report, "all archetypes")
    # drift: bias² 1/9, variance 2/9; walkaway: bias² 1/9, variance 2/9; identical sessions leave no spread
    assert drift.incoherence == pytest.approx(2 / 3) and walkaway.incoherence == pytest.approx(2 / 3)
    assert overall.incoherence == pytest.approx(2 / 3)
    assert overall.ci == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert row(report, "death_spiral").incoherence is None


def test_incoherence_interval_is_reproducible_and_narrows_with_more_sessions() -> None:
    votes = [(names("drift"), names("drift"), names())] + [(names(),) * 3] * 3
    small = incoherence_row([DRIFT] * 4, votes)
    assert small.ci == incoherence_row([DRIFT] * 4, votes).ci
    large = incoherence_row([DRIFT] * 40, votes * 10)
    assert large.incoherence == pytest.approx(small.incoherence)
    assert large.ci[1] - large.ci[0] < small.ci[1] - small.ci[0]


def _row(label: str, kappa: float | None) -> Agreement:
    return Agreement(label=label, n=40, kappa=kappa, kappa_ci=None, raw=0.9, raw_ci=(0.8, 0.95))


@pytest.mark.parametrize(
    ("candidate", "baseline", "passed", "gate"),  # passed: drift, visibility
    [
        ({"visibility": 0.70, "drift": 0.60}, {"visibility": 0.72, "drift": 0.62}, [True, True], True),
        ({"visibility": 0.70, "drift": 0.60}, {"visibility": 0.75, "drift": 0.65}, [True, True], True),  # at margin
        ({"visibility": 0.64, "drift": 0.60}, {"visibility": 0.75, "drift": 0.60}, [True, False], False),
        ({"visibility": 0.90, "drift": 0.20}, {"visibility": 0.70, "drift": 0.40}, [False, True], False),
        ({"visibility": 0.70, "drift": None}, {"visibility": 0.70, "drift": 0.50}, [None, True], True),
        ({"visibility": None, "drift": 0.50}, {"visibility": 0.70, "drift": 0.50}, [True, None], False),
    ],
)
def test_the_quality_gate_passes_when_no_label_loses_more_than_the_margin_of_kappa(
    candidate: dict[str, float | None], baseline: dict[str, float | None], passed: list[bool | None], gate: bool
) -> None:
    rows = quality_gate([_row(k, v) for k, v in candidate.items()], [_row(k, v) for k, v in baseline.items()],
                        margin=0.05)
    assert sorted((r.label, r.passed) for r in rows) == sorted(zip(["drift", "visibility"], passed, strict=True))
    assert gate_passed(rows) is gate
