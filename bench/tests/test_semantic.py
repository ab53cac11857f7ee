"""The semantic tier's features, its embedder and the paired comparison of risk models with and without it."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import numpy as np
import pytest
from bench.semantic import FEATURES, REASK_SIMILARITY, Embedder, Followup, followups, load_embedder, session_features
from bench.semantic_tier import compare_tiers, with_features

from undercurrent.calibration.fit import Example, FitOptions
from undercurrent.detectors.bootstrap import auroc, auroc_replicates
from undercurrent.detectors.risk import RiskTerms

# Unit vectors on three axes: a topic, another topic, a third; and one halfway between the first two.
A, B, C = np.eye(3, dtype=np.float32)
AB = (A + B) / np.linalg.norm(A + B)
COS_A_AB = float(A @ AB)  # 0.707…, below REASK_SIMILARITY


def _features(*turns: tuple[str, np.ndarray]) -> dict[str, float]:
    roles = [role for role, _ in turns]
    vectors = np.stack([v for _, v in turns]) if turns else np.zeros((0, 3), dtype=np.float32)
    return session_features(roles, vectors)


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # Nothing to compare: every feature is 0.
        ((), dict.fromkeys(FEATURES, 0.0)),
        ((("user", A),), dict.fromkeys(FEATURES, 0.0)),
        # An answer on topic: no re-ask, no distance from the request.
        ((("user", A), ("assistant", A)), dict.fromkeys(FEATURES, 0.0)),
        # The same request asked again after the answer: a re-ask of the previous turn.
        (
            (("user", A), ("assistant", B), ("user", A)),
            {
                "semantic_reask": 1.0,
                "semantic_reasks": 1.0,
                "semantic_restates": 1.0,
                "semantic_off_request": 1.0,
                "semantic_drift": 0.0,
            },
        ),
        # Two user turns with no answer between them: not a follow-up, so not a re-ask.
        ((("user", A), ("user", A), ("assistant", A)), dict.fromkeys(FEATURES, 0.0)),
        # The first request asked again two follow-ups later: a re-ask, but not of the turn just before.
        (
            (("user", A), ("assistant", A), ("user", B), ("assistant", B), ("user", A), ("assistant", A)),
            {
                "semantic_reask": 1.0,
                "semantic_reasks": 1.0,
                "semantic_restates": 0.0,
                "semantic_off_request": 0.0,
                "semantic_drift": 0.0,
            },
        ),
        # A follow-up close to, but below, the re-ask similarity: measured, not counted.
        (
            (("user", A), ("assistant", A), ("user", AB), ("assistant", AB)),
            {
                "semantic_reask": COS_A_AB,
                "semantic_reasks": 0.0,
                "semantic_restates": COS_A_AB,
                "semantic_off_request": 0.0,
                "semantic_drift": 0.0,
            },
        ),
        # The first answer fits its request, the last does not: drift is the fall in fit.
        (
            (("user", A), ("assistant", A), ("user", B), ("assistant", C)),
            {
                "semantic_reask": 0.0,
                "semantic_reasks": 0.0,
                "semantic_restates": 0.0,
                "semantic_off_request": 1.0,
                "semantic_drift": 1.0,
            },
        ),
        # An opposite vector is clipped to the features' [0, 1] range.
        (
            (("user", A), ("assistant", -A), ("user", -A)),
            {
                "semantic_reask": 0.0,
                "semantic_reasks": 0.0,
                "semantic_restates": 0.0,
                "semantic_off_request": 1.0,
                "semantic_drift": 0.0,
            },
        ),
    ],
)
def test_session_features(turns: tuple[tuple[str, np.ndarray], ...], expected: dict[str, float]) -> None:
    assert _features(*turns) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ((("user", A), ("assistant", A)), []),
        ((("user", A), ("user", B), ("assistant", A), ("user", B)), [Followup(3, 1.0, 1.0)]),
        ((("assistant", C), ("user", A), ("assistant", A), ("user", AB)), [Followup(3, COS_A_AB, COS_A_AB)]),
        (
            (("user", A), ("assistant", A), ("user", B), ("assistant", B), ("user", A)),
            [Followup(2, 0.0, 0.0), Followup(4, 1.0, 0.0)],
        ),
    ],
)
def test_followups_are_user_turns_after_an_answer(
    turns: tuple[tuple[str, np.ndarray], ...], expected: list[Followup]
) -> None:
    found = followups([role for role, _ in turns], np.stack([v for _, v in turns]))
    assert [f.position for f in found] == [f.position for f in expected]
    similarities = [s for f in found for s in (f.to_earlier, f.to_previous)]
    assert similarities == pytest.approx([s for f in expected for s in (f.to_earlier, f.to_previous)], abs=1e-6)


def test_the_reask_threshold_lies_between_a_paraphrase_and_the_same_text() -> None:
    assert COS_A_AB < REASK_SIMILARITY <= 1.0


def test_roles_and_vectors_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 roles for 1 vectors"):
        session_features(["user", "assistant"], np.stack([A]))


class _Tokenizer:
    """Token ids by a fixed table of words: enough to check pooling without the real tokenizer."""

    VOCABULARY = {"cat": 0, "dog": 1, "car": 2}

    def encode_batch(self, texts: list[str], add_special_tokens: bool = False) -> list[SimpleNamespace]:
        return [SimpleNamespace(ids=[self.VOCABULARY[w] for w in t.split()]) for t in texts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cat", [1.0, 0.0]),
        ("cat dog", [2**-0.5, 2**-0.5]),  # the mean of the tokens' rows, scaled to unit length
        ("car car", [0.6, 0.8]),
        ("", [0.0, 0.0]),  # no token: a zero vector, similar to nothing
    ],
)
def test_embedder_mean_pools_and_normalises(text: str, expected: list[float]) -> None:
    table = np.array([[2.0, 0.0], [0.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    assert Embedder(table, _Tokenizer()).embed([text])[0] == pytest.approx(expected)


def test_the_embedder_loads_from_the_installed_wheel_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embedder tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    vectors = load_embedder().embed(
        ["that link did not work", "the link you gave me is broken", "write a poem about cats"]
    )
    similarity = vectors @ vectors.T
    assert np.diag(similarity) == pytest.approx(np.ones(3), abs=1e-5)
    assert similarity[0, 1] > similarity[0, 2]


FAST = FitOptions(folds=4, c_grid=(0.3, 3.0))
"""Two regularisation strengths instead of eight: the comparison, not the choice of C, is under test."""


def _example(group: str, failed: bool, signal: float) -> Example:
    return Example(
        source="labelled",
        group=group,
        feature="default",
        domain="unknown",
        inputs={"user_corrects_ai": signal} if signal else {},
        failed=failed,
    )


def test_a_feature_that_separates_failures_raises_the_cross_validated_auroc() -> None:
    rng = np.random.default_rng(7)
    failed = [i % 2 == 0 for i in range(80)]
    examples = [_example(f"g{i // 2}", f, float(rng.random() < 0.5)) for i, f in enumerate(failed)]
    informative = [{"semantic_reask": 0.8 + 0.1 * rng.random() if f else 0.1 * rng.random()} for f in failed]
    result = compare_tiers(examples, informative, RiskTerms(weights={}), FAST, replicates=200)
    assert result.lexical.auroc < 0.7
    assert result.semantic.auroc > 0.95
    assert "semantic_reask" in result.semantic.inputs and "semantic_reask" not in result.lexical.inputs
    assert result.difference == pytest.approx(result.semantic.auroc - result.lexical.auroc)
    assert result.difference_interval is not None and result.difference_interval[0] > 0
    assert (result.sessions, result.failed, result.groups) == (80, 40, 40)


def test_a_feature_of_noise_leaves_the_difference_interval_around_zero() -> None:
    rng = np.random.default_rng(11)
    failed = [i % 3 == 0 for i in range(120)]
    examples = [_example(f"g{i}", f, float(f and rng.random() < 0.6)) for i, f in enumerate(failed)]
    noise = [{"semantic_drift": float(rng.random())} for _ in failed]
    result = compare_tiers(examples, noise, RiskTerms(weights={}), FAST, replicates=200)
    assert result.difference_interval is not None
    assert result.difference_interval[0] < 0 < result.difference_interval[1]


def test_features_are_added_to_each_examples_inputs() -> None:
    (example,) = with_features([_example("g", True, 1.0)], [{"semantic_reask": 0.5}])
    assert example.inputs == {"user_corrects_ai": 1.0, "semantic_reask": 0.5}
    with pytest.raises(ValueError, match="1 examples for 0 feature rows"):
        with_features([example], [])


def test_a_replicate_that_draws_every_conversation_once_gives_the_auroc() -> None:
    scores, positive = [0.9, 0.2, 0.6, 0.4], [True, False, True, False]
    (replicate,) = auroc_replicates(scores, positive, np.ones((1, 4)))
    assert replicate == pytest.approx(auroc(scores, positive))
    assert auroc_replicates(scores, [True] * 4, np.ones((1, 4))) is None
