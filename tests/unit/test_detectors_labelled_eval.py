"""The real-data evaluation: the matching rule, the groups, AUROC and bootstrap intervals over conversations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from undercurrent.detectors.bootstrap import auroc, auroc_interval, ratio, ratio_interval, replicate_weights
from undercurrent.detectors.labelled_eval import (
    IMPLICIT,
    Counts,
    Detected,
    LabelledConversation,
    evaluate_labelled,
    language_groups,
    row_counts,
    turn_counts,
)
from undercurrent.detectors.labelled_load import LabelledSetError, labelled_names, read_labels


@pytest.mark.parametrize(
    ("labelled", "reported", "expected"),
    [
        ([4], [4], Counts(1, 1, 1)),  # same user turn: a hit
        ([4], [6], Counts(1, 1, 0)),  # a neighbouring turn is a miss and a false report
        ([4, 6], [6], Counts(2, 1, 1)),
        ([], [2, 4], Counts(0, 2, 0)),
        ([2], [], Counts(1, 0, 0)),
    ],
)
def test_a_signal_matches_only_on_the_same_turn(labelled: list[int], reported: list[int], expected: Counts) -> None:
    assert turn_counts(labelled, reported) == expected


def _label(
    cid: str = "c", language: str = "en", failed: bool = False, **signals: tuple[int, ...]
) -> LabelledConversation:
    return LabelledConversation(id=cid, language=language, failed=failed, signals=dict(signals))


def test_implicit_corrections_count_as_corrections_and_have_their_own_recall() -> None:
    label = LabelledConversation(
        id="c", language="en", failed=True, signals={"user_corrects_ai": (2, 4)}, implicit_corrections=(4,),
        archetypes=frozenset({"death_spiral"}),
    )  # fmt: skip
    detected = Detected(signals={"user_corrects_ai": (4,)}, archetypes=frozenset({"walkaway"}), risk=0.5)
    rows = row_counts(label, detected, ["user_corrects_ai"], ["death_spiral", "walkaway"])
    assert rows["user_corrects_ai"] == Counts(2, 1, 1)
    assert rows[IMPLICIT] == Counts(1, 1, 1)
    assert rows["flag death_spiral"] == Counts(1, 0, 0)
    assert rows["flag walkaway"] == Counts(0, 1, 0)


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (["en", "ko", "ko", "und"], ["all", "English", "non-English", "ko"]),
        (["en", "ko", "es", "es", "es"], ["all", "English", "non-English", "es"]),
        (["und", "und", "und"], ["all", "English", "non-English"]),
    ],
)
def test_languages_with_enough_conversations_get_a_group(languages: list[str], expected: list[str]) -> None:
    assert list(language_groups(languages, min_language=2)) == expected


def test_undetermined_language_is_in_neither_language_group() -> None:
    groups = language_groups(["und"], min_language=1)
    assert not groups["English"]("und") and not groups["non-English"]("und") and groups["all"]("und")


@pytest.mark.parametrize(
    ("scores", "positive", "expected"),
    [
        ([0.9, 0.8, 0.2, 0.1], [True, True, False, False], 1.0),
        ([0.1, 0.2, 0.8, 0.9], [True, True, False, False], 0.0),
        ([0.5, 0.5, 0.5, 0.5], [True, False, True, False], 0.5),
        ([0.9, 0.3, 0.5, 0.1], [True, True, False, False], 0.75),
        ([0.9, 0.3], [True, True], None),
    ],
)
def test_auroc(scores: list[float], positive: list[bool], expected: float | None) -> None:
    assert auroc(scores, positive) == expected


def test_a_replicate_that_draws_every_conversation_once_reproduces_the_figures() -> None:
    scores, positive = [0.9, 0.3, 0.5, 0.1, 0.7], [True, True, False, False, True]
    once = np.ones((1, 5))
    assert auroc_interval(scores, positive, once) == pytest.approx((auroc(scores, positive),) * 2)
    hits, reported = [1, 0, 2, 1, 0], [1, 1, 2, 3, 0]
    assert ratio_interval(hits, reported, once) == pytest.approx((ratio(hits, reported),) * 2)


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(7)
    positive = rng.random(200) < 0.5
    scores = positive * 0.3 + rng.random(200)
    first = auroc_interval(scores, positive, replicate_weights(200, 500, seed=1))
    again = auroc_interval(scores, positive, replicate_weights(200, 500, seed=1))
    value = auroc(scores, positive)
    assert first == again and first is not None and value is not None
    assert first[0] < value < first[1]
    assert replicate_weights(50, 30, seed=3).sum(axis=1).tolist() == [50.0] * 30


def test_empty_denominators_give_no_figure() -> None:
    assert ratio([0, 0], [0, 0]) is None
    assert ratio_interval([0, 0], [0, 0], replicate_weights(2, 10, seed=1)) is None


def test_evaluation_reports_each_group_with_counts_auroc_and_intervals() -> None:
    def found(risk: float, **signals: tuple[int, ...]) -> Detected:
        return Detected(signals=dict(signals), archetypes=frozenset(), risk=risk)

    pairs = [
        (_label("a", "en", True, user_corrects_ai=(2,)), found(0.9, user_corrects_ai=(2,))),
        (_label("b", "en", False), found(0.2, user_corrects_ai=(2,))),
        (_label("c", "ko", True, user_corrects_ai=(4,)), found(0.6)),
        (_label("d", "ko", False), found(0.4)),
    ]
    result = evaluate_labelled(pairs, ["user_corrects_ai"], ["walkaway"], split="dev", replicates=200, min_language=2)
    by_group = {g.group: g for g in result.groups}
    assert list(by_group) == ["all", "English", "non-English", "ko"]
    overall = by_group["all"]
    assert (overall.conversations, overall.failed, overall.risk_auroc.value) == (4, 2, 1.0)
    correction = overall.signals[0]
    assert (correction.labelled, correction.reported, correction.hits) == (2, 2, 1)
    assert correction.precision.value == 0.5 and correction.recall.value == 0.5
    low, high = correction.precision.interval or (None, None)
    assert low is not None and high is not None and 0.0 <= low <= 0.5 <= high <= 1.0
    assert by_group["ko"].signals[0].recall.value == 0.0
    assert [r.name for r in overall.archetypes] == ["flag walkaway"]
    implicit = next(r for r in overall.signals if r.name == IMPLICIT)
    assert implicit.precision.value is None  # a recall only: reports do not say which corrections are implicit


def _write_set(root: Path) -> None:
    (root / "labels").mkdir(parents=True)
    (root / "sample.jsonl").write_text(
        '{"id": "a_0", "split": "dev", "language": "en"}\n{"id": "b_0", "split": "test"}\n'
        '{"id": "c_0", "split": "dev"}\n'
    )
    line = (
        '{{"id": "{cid}", "labeller": "{who}", "language": "en", "quality": "poor", "failure_visibility": "{vis}", '
        '"archetypes": {arch}, "signals": {{"user_corrects_ai": [2]}}, "implicit_corrections": [2], "note": "n"}}\n'
    )
    (root / "labels" / "batch-01.jsonl").write_text(
        line.format(cid="a_0", who="x", vis="visible", arch='{"death_spiral": [2]}')
        + line.format(cid="b_0", who="x", vis="none", arch='{"none": []}')
    )
    (root / "labels" / "batch-02.jsonl").write_text(line.format(cid="c_0", who="y", vis="none", arch='{"none": []}'))
    (root / "labels" / "batch-01-reader-b.jsonl").write_text(
        line.format(cid="a_0", who="b", vis="none", arch='{"none": []}')
    )


def test_labels_come_from_the_first_reader_and_the_chosen_split(tmp_path: Path) -> None:
    _write_set(tmp_path)
    labels = read_labels(tmp_path, "dev")
    assert [(label.id, label.failed) for label in labels] == [("a_0", True), ("c_0", False)]
    assert labels[0].signals == {"user_corrects_ai": (2,)}
    assert labels[0].implicit_corrections == (2,)
    assert labels[0].archetypes == {"death_spiral"} and labels[1].archetypes == frozenset()


def test_an_unlabelled_conversation_of_the_split_is_an_error(tmp_path: Path) -> None:
    _write_set(tmp_path)
    (tmp_path / "labels" / "batch-02.jsonl").unlink()
    with pytest.raises(LabelledSetError, match="1 dev conversations have no label, e.g. c_0"):
        read_labels(tmp_path, "dev")


def test_a_missing_set_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LabelledSetError, match="no sample.jsonl and labels/"):
        read_labels(tmp_path, "test")


def test_signal_names_are_those_both_the_labels_and_the_detectors_know() -> None:
    signals, archetypes = labelled_names(Path(__file__).parents[2] / "evaluation" / "sharegpt")
    assert "user_corrects_ai" in signals and "ai_malfunction" in signals
    assert "ai_acknowledges_correction" not in signals  # labelled, but no detector reports it
    assert "walkaway" in archetypes and "none" not in archetypes
