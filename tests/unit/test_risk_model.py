"""Risk model files: scoring with feature and domain terms, versions, and what a bad file does."""

from __future__ import annotations

import math
from pathlib import Path

import msgspec
import pytest

from undercurrent.detectors import Signal
from undercurrent.detectors.registry import SIGNAL_NAMES
from undercurrent.detectors.risk import (
    RiskModel,
    RiskModelError,
    RiskTerms,
    decode_model,
    encode_model,
    load_model,
    risk_inputs,
    shipped_model,
)


def sig(name: str, score: float = 1.0) -> Signal:
    return Signal(name=name, turns=[0], score=score, evidence="", detector=name)


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


MODEL = RiskModel(
    created="2026-01-02",
    terms=RiskTerms(bias=-1.0, weights={"a": 2.0, "b": -1.0}, domain_bias={"legal": 0.5}),
    by_feature={"agent": RiskTerms(bias=0.0, weights={"a": 1.0})},
)


@pytest.mark.parametrize(
    ("signals", "feature", "domain", "z"),
    [
        ((), None, None, -1.0),
        ((sig("a"),), "chat", None, 1.0),
        ((sig("a", 0.5), sig("b")), "chat", "unknown", -1.0),
        ((sig("a"),), "chat", "legal", 1.5),
        ((sig("unlisted"),), "chat", None, -1.0),
        ((sig("a"), sig("b")), "agent", "legal", 1.0),
        ((), "agent", None, 0.0),
    ],
)
def test_score_is_the_logistic_of_the_terms_for_the_feature(signals, feature, domain, z):
    assert MODEL.score(risk_inputs(signals, {}), feature=feature, domain=domain) == pytest.approx(logistic(z))


def test_factors_are_weighed_beside_the_signals_and_an_unweighted_factor_counts_nothing():
    inputs = risk_inputs([sig("a")], {"answer_links": 0.5, "new_factor": 1.0})
    model = RiskModel(terms=RiskTerms(bias=0.0, weights={"a": 1.0, "answer_links": 2.0}))
    assert model.score(inputs) == pytest.approx(logistic(1.0 + 0.5 * 2.0))


@pytest.mark.parametrize("z", [-800.0, 800.0])
def test_extreme_scores_do_not_overflow(z):
    model = RiskModel(terms=RiskTerms(bias=z, weights={}))
    assert 0.0 <= model.score({}) <= 1.0


def test_a_written_model_loads_back_equal_with_a_date_and_content_version(tmp_path: Path):
    path = tmp_path / "model.json"
    path.write_bytes(encode_model(MODEL))
    loaded = load_model(path)
    assert loaded.version.startswith("2026-01-02-") and len(loaded.version) == len("2026-01-02-") + 10
    assert msgspec.structs.replace(loaded, version="") == MODEL


def test_the_version_changes_with_any_coefficient():
    other = msgspec.structs.replace(MODEL, terms=msgspec.structs.replace(MODEL.terms, bias=-1.01))
    assert decode_model(encode_model(other)).version != decode_model(encode_model(MODEL)).version


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace(b'"bias": -1.0', b'"bias": -0.5'), "does not match its content"),
        (lambda text: text.replace(b"risk-model/v1", b"risk-model/v9"), "schema"),
        (lambda text: text[:-20], "risk model .*model.json: Input data was truncated"),
        (lambda text: text.replace(b'"bias": -1.0', b'"bias": "high"'), "Expected `float`"),
    ],
)
def test_a_bad_or_hand_edited_file_is_refused_with_the_reason(tmp_path: Path, edit, message):
    path = tmp_path / "model.json"
    path.write_bytes(edit(encode_model(MODEL)))
    with pytest.raises(RiskModelError, match=message):
        load_model(path)


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path):
    with pytest.raises(RiskModelError, match="nowhere.json"):
        load_model(tmp_path / "nowhere.json")


def test_the_shipped_model_loads_and_weighs_every_signal():
    model = shipped_model()
    missing = set(SIGNAL_NAMES) - set(model.terms.weights)
    assert not missing, f"the shipped risk model lacks {sorted(missing)}: refit it (docs/detectors.md, Calibration)"
    assert model.version == load_model(None).version
