"""Fitting the risk model, joining judge verdicts with their records, and the reliability figures."""

from __future__ import annotations

import msgspec
import pytest

from undercurrent.calibration.fit import Example, FitOptions, design_for, fit_model, normalised_weights
from undercurrent.calibration.reliability import ece, reliability
from undercurrent.calibration.sources import join_verdicts
from undercurrent.detectors.risk import RiskModel, RiskTerms
from undercurrent.judge.cost import Usage
from undercurrent.judge.record import VerdictRecord
from undercurrent.judge.verdict import ArchetypeFinding, Verdict
from undercurrent.records.session import session_record
from undercurrent.sampling.inclusion import SamplingDecision
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn

PRIOR = RiskModel(terms=RiskTerms(bias=-1.0, weights={"corrects": 2.0, "thumbs_down": 3.0}))


def examples(count: int, *, failed: int, signals: dict[str, float] | None = None, weight: float = 1.0,
             feature: str = "chat", domain: str = "unknown", source: str = "labelled", tag: str = "") -> list[Example]:
    return [
        Example(source=source, group=f"{tag}{feature}{domain}{sorted(signals or {})}{i}", feature=feature,
                domain=domain, inputs=dict(signals or {}), failed=i < failed, weight=weight)
        for i in range(count)
    ]


def score(model: RiskModel, *names: str, feature: str = "chat", domain: str = "unknown") -> float:
    return model.score(dict.fromkeys(names, 1.0), feature=feature, domain=domain)


def test_a_fit_reproduces_the_failure_rates_of_its_data():
    rows = examples(200, failed=40) + examples(100, failed=80, signals={"corrects": 1.0})
    model = fit_model(rows, PRIOR, FitOptions(), created="d").model
    assert score(model) == pytest.approx(0.20, abs=0.02)
    assert score(model, "corrects") == pytest.approx(0.80, abs=0.03)


def test_inverse_probability_weights_undo_risk_weighted_sampling():
    """Planted: sessions that look alike to the detectors; the judge saw every high-risk one (π = 1) and a tenth
    of the others (π = 0.1). Among all 440 sessions 25% failed; among the 80 judged, half did."""
    sampled = (examples(40, failed=32, weight=1 / 1.0, source="verdicts", tag="a")
               + examples(40, failed=8, weight=1 / 0.1, source="verdicts", tag="b"))
    population_rate = (32 + 8 * 10) / (40 + 40 * 10)
    weighted = fit_model(sampled, PRIOR, FitOptions(), created="d").model
    unweighted = fit_model([msgspec.structs.replace(e, weight=1.0) for e in sampled], PRIOR, FitOptions(),
                           created="d").model
    assert score(weighted) == pytest.approx(population_rate, abs=0.01)
    assert score(unweighted) == pytest.approx(0.5, abs=0.01)


def test_weights_are_scaled_to_mean_one_within_each_source():
    rows = examples(4, failed=1, weight=10.0, source="verdicts") + examples(2, failed=1, weight=1.0)
    scaled = normalised_weights(rows)
    assert [e.weight for e in scaled] == [1.0] * 6


@pytest.mark.parametrize(
    ("rows", "signals", "domains"),
    [
        # a signal needs min_signal_examples sessions showing it; a zero score does not count
        (examples(10, failed=5, signals={"a": 1.0}) + examples(4, failed=2, signals={"b": 1.0}), ("a",), ()),
        (examples(10, failed=5, signals={"a": 0.0}), (), ()),
        # a domain term needs min_domain_examples sessions and another domain to contrast with
        (examples(30, failed=5, domain="legal") + examples(10, failed=5), (), ("legal",)),
        (examples(30, failed=5, domain="legal"), (), ()),
        (examples(30, failed=5, domain="legal") + examples(30, failed=5), (), ("legal", "unknown")),
    ],
)
def test_which_terms_the_data_allow(rows, signals, domains):
    design = design_for(rows, FitOptions(min_input_examples=5, min_domain_examples=25), with_domains=True)
    assert (design.inputs, design.domains) == (signals, domains)


def test_signals_the_data_never_show_keep_their_prior_weight():
    rows = examples(100, failed=20) + examples(50, failed=40, signals={"corrects": 1.0})
    fit = fit_model(rows, PRIOR, FitOptions(), created="d")
    assert fit.model.terms.weights["thumbs_down"] == 3.0
    assert fit.model.terms.weights["corrects"] != 2.0
    assert (fit.model.provenance.fitted, fit.model.provenance.prior) == (["corrects"], ["thumbs_down"])


def test_a_feature_block_is_fitted_on_its_own_sessions_and_leaves_the_others_alone():
    rows = (examples(100, failed=20) + examples(40, failed=30, feature="agent")
            + examples(20, failed=5, feature="agent", signals={"corrects": 1.0}))
    model = fit_model(rows, PRIOR, FitOptions(feature_blocks=("agent",), block_inputs={}), created="d").model
    assert set(model.by_feature) == {"agent"}
    assert score(model) == pytest.approx(0.20, abs=0.02)
    assert score(model, feature="agent") == pytest.approx(0.75, abs=0.05)
    assert score(model, "corrects", feature="agent") < score(model, feature="agent")


@pytest.mark.parametrize(
    ("allowed", "fitted", "kept"),
    [
        # the block's inputs: a shown one is fitted, an unshown one keeps its prior, any other weighs nothing
        (frozenset({"tool_error", "thumbs_down"}), ("tool_error",), {"thumbs_down": 3.0}),
        (frozenset({"thumbs_down"}), (), {"thumbs_down": 3.0}),
        (frozenset(), (), {}),
        # no restriction: every shown input is fitted and every prior kept
        (None, ("corrects", "tool_error"), {"thumbs_down": 3.0}),
    ],
)
def test_a_block_weighs_only_the_inputs_it_allows(allowed, fitted, kept):
    rows = (examples(40, failed=20, feature="agent") + examples(20, failed=15, feature="agent", signals={
        "corrects": 1.0}) + examples(20, failed=15, feature="agent", signals={"tool_error": 1.0}))
    options = FitOptions(feature_blocks=("agent",), block_inputs={} if allowed is None else {"agent": allowed})
    terms = fit_model(rows, PRIOR, options, created="d").model.by_feature["agent"]
    assert tuple(sorted(set(terms.weights) - set(kept))) == fitted
    assert {name: terms.weights[name] for name in kept} == kept
    model = msgspec.structs.replace(PRIOR, by_feature={"agent": terms})
    assert (score(model, "corrects", feature="agent") > score(model, feature="agent")) == ("corrects" in fitted)


def test_the_agent_block_reads_events_and_steps_not_words():
    allowed = FitOptions().block_inputs["agent"]
    assert {"tool_error", "state_change", "premature_end", "thumbs_down", "regenerate"} <= allowed
    assert not {"user_corrects_ai", "ai_malfunction", "answer_code", "last_answer_short"} & allowed


def test_domain_terms_shift_only_their_domain():
    rows = examples(100, failed=60, domain="legal") + examples(100, failed=20, domain="gaming")
    model = fit_model(rows, PRIOR, FitOptions(min_domain_examples=25), created="d").model
    assert score(model, domain="legal") == pytest.approx(0.6, abs=0.03)
    assert score(model, domain="gaming") == pytest.approx(0.2, abs=0.03)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (examples(20, failed=0), "all have failed=False"),
        ([msgspec.structs.replace(e, group="one") for e in examples(20, failed=5)], "fewer than two groups"),
    ],
)
def test_data_that_cannot_be_fitted_are_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        fit_model(rows, PRIOR, FitOptions(), created="d")


def record(session_id: str, *texts: str) -> bytes:
    turns = tuple(TranscriptTurn(index=i, role="user" if i % 2 == 0 else "assistant", text=t, ts_ms=1000 * i,
                                 event_id=f"{session_id}:{i}") for i, t in enumerate(texts))
    snapshot = SessionSnapshot(session_id=session_id, feature="chat", domain=None, user_id=None, turns=turns,
                               behaviours=(), opened_ms=0, last_event_ms=1000 * len(texts), close_reason="end")
    record = session_record(snapshot, closed_at_ms=10_000)
    record.sampling = SamplingDecision(sampled=True, pi=0.25, pi_unscaled=0.25, floor_binding=False, budget_scale=1.0,
                                       policy_version="v1")
    return msgspec.json.encode(record)


def verdict(session_id: str, visibility: str, pi: float) -> bytes:
    """A verdict as the judge worker publishes it."""
    failed = visibility != "none"
    return msgspec.json.encode(VerdictRecord(
        session_id=session_id, feature="chat", domain=None, pi=pi, model="m", votes=1, disagreement={},
        usage=Usage(), judged_at_ms=0,
        verdict=Verdict(
            quality="poor" if failed else "good", failure_visibility=visibility, domain="general_knowledge",
            failure_origin="capability" if failed else "none", summary="s",
            archetypes=(ArchetypeFinding(archetype="silent_mismatch" if failed else "none",
                                         evidence_turns=(1,) if failed else (), rationale="r"),),
        ),
    ))


def test_verdicts_join_their_records_with_weight_one_over_pi_and_the_latest_verdict_wins():
    joined = join_verdicts(
        [verdict("s1", "none", 0.5), verdict("s1", "invisible", 0.5), verdict("s2", "none", 0.25),
         verdict("gone", "visible", 0.1), b"not json", verdict("s3", "none", 0.5).replace(b"verdict/v1", b"verdict/v9"),
         verdict("s4", "none", 0.0)],
        [record("s1", "How do I sort a list in Python?", "Use sorted(items)."),
         record("s2", "Translate hello into French", "Bonjour"), b"{}"],
    )
    got = {e.group: (e.failed, e.weight, e.source) for e in joined.examples}
    assert got == {"s1": (True, 2.0, "verdicts"), "s2": (False, 4.0, "verdicts")}
    assert (joined.verdicts, joined.without_record, joined.unreadable) == (3, ["gone"], 4)


def test_features_come_from_the_current_detectors_run_over_the_record():
    joined = join_verdicts(
        [verdict("s1", "visible", 1.0)],
        [record("s1", "What is the capital of Australia?", "Sydney.",
                "No, that's wrong. The capital is Canberra, not Sydney.", "Sorry, Canberra.")],
    )
    assert "user_corrects_ai" in joined.examples[0].inputs


@pytest.mark.parametrize(
    ("predicted", "failed", "expected"),
    [
        ([0.2] * 10, [True] * 2 + [False] * 8, 0.0),
        ([0.2] * 10, [True] * 5 + [False] * 5, 0.3),
        ([0.05] * 10 + [0.95] * 10, [False] * 10 + [True] * 10, 0.05),
        ([0.5, 0.5, 0.9, 0.9], [True, False, True, True], (2 * 0.0 + 2 * 0.1) / 4),
    ],
)
def test_expected_calibration_error(predicted, failed, expected):
    import numpy as np

    p, y = np.array(predicted), np.array(failed, dtype=float)
    assert ece(p, y, np.ones(len(p))) == pytest.approx(expected)


def test_the_reliability_table_bins_predictions_and_intervals_cover_the_observed_rates():
    predicted = [0.15] * 50 + [0.75] * 50
    failed = [i < 10 for i in range(50)] + [i < 35 for i in range(50)]
    result = reliability(predicted, failed, [str(i) for i in range(100)], replicates=200)
    assert [(b.low, b.examples, b.observed) for b in result.bins] == [(0.1, 50, 0.2), (0.7, 50, 0.7)]
    assert all(b.observed_ci[0] <= b.observed <= b.observed_ci[1] for b in result.bins)
    assert result.ece == pytest.approx((50 * 0.05 + 50 * 0.05) / 100)
    assert result.ece_ci[0] <= result.ece <= result.ece_ci[1]
    wins, ties = 35 * 40, 35 * 15 + 10 * 40  # failed vs not failed pairs: higher risk, equal risk
    assert result.auroc == pytest.approx((wins + ties / 2) / (45 * 55), abs=1e-4)


@pytest.mark.parametrize(("predicted", "floor"), [([0.5] * 100, 0.04), ([0.5] * 400, 0.02), ([0.0] * 50, 0.0)])
def test_the_ece_floor_is_what_exactly_calibrated_predictions_show_from_noise_alone(predicted, floor):
    """For n predictions of 0.5 the observed rate's mean absolute error is sqrt(0.25 / n) · sqrt(2 / π)."""
    result = reliability(predicted, [False] * len(predicted), [str(i) for i in range(len(predicted))],
                         replicates=2000)
    assert result.ece_if_calibrated == pytest.approx(floor, abs=0.004)
