"""The demo's summary: what it states about synthesised behaviour, signals and the judge."""

from __future__ import annotations

from collections import Counter

import pytest
from rich.console import Console

from undercurrent.devstack.processes import Samples
from undercurrent.devstack.report import (
    SUCCESS_SIGNALS,
    SYNTHESISED_SIGNALS,
    judge_row,
    report,
    shares,
    synthesis_note,
)
from undercurrent.replay.produce import ReplaySummary
from undercurrent.replay.rates import BehaviourRates


def sample(name: str, value: float, **labels: str) -> Samples:
    return {(name, tuple(sorted(labels.items()))): value}


def worker_samples(*, closed: int, sampled: int, judged: int = 0, signals: dict[str, int] | None = None) -> Samples:
    samples: Samples = {}
    samples |= sample("undercurrent_sessions_closed_total", closed, feature="chat", domain="unknown", reason="idle")
    samples |= sample("undercurrent_events_total", 10 * closed, topic="t", type="turn", outcome="accepted")
    samples |= sample("undercurrent_judge_sampled_sessions_total", sampled, feature="chat", domain="unknown")
    samples |= sample("undercurrent_judged_sessions_total", judged, feature="chat", domain="unknown", quality="ok")
    for name, n in (signals or {}).items():
        samples |= sample("undercurrent_signal_sessions_total", n, signal=name, feature="chat", domain="unknown")
    return samples


@pytest.mark.parametrize(
    "signal, success",
    [
        ("copy", True),
        ("thumbs_up", True),
        ("user_positive_feedback", True),
        ("thumbs_down", False),
        ("regenerate", False),
        ("walkaway", False),
        ("ai_malfunction", False),
        ("user_corrects_ai", False),
    ],
)
def test_success_and_failure_signals_are_told_apart(signal: str, success: bool) -> None:
    assert (signal in SUCCESS_SIGNALS) is success


@pytest.mark.parametrize(
    "signal, synthesised",
    [
        ("copy", True),
        ("thumbs_up", True),
        ("thumbs_down", True),
        ("regenerate", True),
        ("walkaway", True),
        ("abandon_after_answer", True),
        ("ai_malfunction", False),
        ("user_positive_feedback", False),
        ("user_repeats_request", False),
    ],
)
def test_signals_resting_on_synthesised_events_are_marked(signal: str, synthesised: bool) -> None:
    assert (signal in SYNTHESISED_SIGNALS) is synthesised


@pytest.mark.parametrize(
    "rates, stated",
    [
        (BehaviourRates(), ["copy 20%", "thumbs up 3%", "thumbs down 1.5%", "regenerate 4%",
                            "nothing (closed when idle) 30%", "session_end event 50%", "undone with 15%"]),
        (BehaviourRates(copy=0.5, walkaway=0.0), ["copy 50%", "nothing (closed when idle) 0%"]),
    ],
)
def test_the_note_states_the_rates_the_replay_drew_behaviour_with(rates: BehaviourRates, stated: list[str]) -> None:
    note = synthesis_note(rates)
    assert "synthesised" in note and "real (ShareGPT)" in note
    for phrase in stated:
        assert phrase in note


@pytest.mark.parametrize(
    "judge_on, label, value",
    [
        (False, "would be sampled for the judge (judge off: none judged)", "692 (23% of closed)"),
        (True, "sampled for the judge / judged so far", "692 (23% of closed) / 40"),
    ],
)
def test_judge_row_never_reads_as_judged_when_the_judge_is_off(judge_on: bool, label: str, value: str) -> None:
    samples = worker_samples(closed=3000, sampled=692, judged=40)
    assert judge_row(samples, 3000, judge_on) == (label, value)


def test_shares_carry_a_wilson_interval_around_the_share() -> None:
    rows = shares(Counter({"a": 30, "b": 300, "c": 0}), 1000)
    assert [r.name for r in rows] == ["b", "a"]
    for row in rows:
        assert row.low < row.share < row.high
    assert rows[0].share == pytest.approx(0.3)


def test_report_puts_each_signal_in_one_table_with_its_source() -> None:
    samples = worker_samples(closed=100, sampled=20, signals={"copy": 50, "thumbs_down": 5, "ai_malfunction": 25})
    summary = ReplaySummary(conversations=100, events=Counter({"turn": 900, "copy": 60}), messages=960)
    console = Console(record=True, width=120)
    for part in report(samples, summary, BehaviourRates(), judge_on=False):
        console.print(part)
    text = console.export_text()
    failure, success = text.split("Success signals")
    failure = failure.split("Failure signals")[1]
    assert "thumbs_down" in failure and "ai_malfunction" in failure and "copy" not in failure
    assert "copy" in success and "thumbs_down" not in success
    assert any("copy" in line and "synthesised" in line for line in success.splitlines())
    assert any("ai_malfunction" in line and "text" in line for line in failure.splitlines())
    assert "copy events produced (synthesised)" in text and "turn events produced (text)" in text
    assert "would be sampled" in text and "sampled for the judge /" not in text
