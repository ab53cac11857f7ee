import pytest

from undercurrent.judge.evaluate import Labels, agreement_report


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
