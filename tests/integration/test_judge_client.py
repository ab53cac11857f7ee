"""The judge client driven through the real ``anthropic`` SDK against a local Messages API."""

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import make_snapshot
from tests.support.fake_anthropic import FakeAnthropic, Reply, rule_verdict
from undercurrent.detectors.model import Signal
from undercurrent.judge.client import JudgeClient, JudgeConfig
from undercurrent.judge.errors import JudgeInvalidOutput, JudgeRateLimited, JudgeTimeout, JudgeUnavailable
from undercurrent.judge.evaluate import agreement_report, incoherence_report, load_cases, run_evaluation
from undercurrent.judge.prompt import build_request
from undercurrent.privacy.redact import Redactor

SESSION = make_snapshot(
    ("user", "I'm bob.smith@example.com, card 4242 4242 4242 4242. Why was I charged twice?"),
    ("assistant", "You were charged once."),
    behaviours=(("abandon", 5, 1),),
)
SIGNALS = [Signal(name="walkaway", turns=[1], score=0.8, evidence="bob.smith@example.com left", detector="walkaway")]


def request() -> dict:
    return build_request(SESSION, SIGNALS, model="claude-sonnet-4-6", redact=Redactor())


_opened: list[JudgeClient] = []


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as server:
        yield server
        while _opened:  # the clients' connections close in the loop that opened them
            await _opened.pop().close()


def client(fake: FakeAnthropic, **overrides) -> JudgeClient:
    config = {
        "base_url": fake.base_url,
        "api_key": "test-key",
        "max_retries": 2,
        "timeout_s": 5.0,
        **overrides,
    }
    opened = JudgeClient(JudgeConfig(**config))
    _opened.append(opened)
    return opened


async def test_good_verdict(fake: FakeAnthropic) -> None:
    result = await client(fake).judge(request(), known_turns={0, 1})
    assert result.outcome == "ok"
    assert result.verdict.archetype_names == {"walkaway"}
    assert result.usage.cache_creation_input_tokens > 0


async def test_second_call_reads_the_cached_prefix(fake: FakeAnthropic) -> None:
    judge = client(fake)
    await judge.judge(request())
    result = await judge.judge(request())
    assert result.usage.cache_read_input_tokens > 0
    assert fake.received[0].body["system"][0]["cache_control"] == {"type": "ephemeral"}


async def test_retries_after_429_honouring_retry_after(fake: FakeAnthropic) -> None:
    fake.then(Reply.rate_limited(retry_after=1.0))
    result = await client(fake).judge(request())
    assert result.ok
    assert len(fake.received) == 2
    # without the header the SDK's first backoff is at most 0.5 s
    assert fake.received[1].at - fake.received[0].at >= 1.0


async def test_rate_limited_after_retries_is_typed(fake: FakeAnthropic) -> None:
    fake.then(*[Reply.rate_limited(retry_after=0.01)] * 3)
    result = await client(fake, max_retries=2).judge(request())
    assert isinstance(result.error, JudgeRateLimited)
    assert result.error.retry_after == 0.01


async def test_500_then_success(fake: FakeAnthropic) -> None:
    fake.then(Reply.server_error(500))
    result = await client(fake).judge(request())
    assert result.ok
    assert len(fake.received) == 2


async def test_timeout_is_typed(fake: FakeAnthropic) -> None:
    fake.then(Reply.slow(1.5))
    result = await client(fake, timeout_s=0.2, max_retries=0).judge(request())
    assert isinstance(result.error, JudgeTimeout)
    assert result.outcome == "timeout"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply.malformed_json(), "no record_verdict tool call"),
        (Reply.wrong_schema(), "schema:"),
        (Reply.broken_body(), "unreadable response"),
    ],
)
async def test_invalid_output_is_a_typed_failure(fake: FakeAnthropic, reply: Reply, reason: str) -> None:
    fake.then(reply)
    result = await client(fake).judge(request())
    assert isinstance(result.error, JudgeInvalidOutput)
    assert reason in result.error.reason


async def test_evidence_outside_the_session_is_invalid(fake: FakeAnthropic) -> None:
    result = await client(fake).judge(request(), known_turns={0})
    assert result.outcome == "invalid_output"


async def test_circuit_opens_after_repeated_failures(fake: FakeAnthropic) -> None:
    fake.then(*[Reply.server_error(503)] * 3)
    judge = client(fake, max_retries=0, breaker_threshold=3, breaker_ttl_s=60)
    outcomes = [(await judge.judge(request())).outcome for _ in range(3)]
    blocked = await judge.judge(request())
    assert outcomes == ["unavailable"] * 3
    assert isinstance(blocked.error, JudgeUnavailable)
    assert "circuit open" in str(blocked.error)
    assert len(fake.received) == 3


async def test_invalid_output_does_not_open_the_circuit(fake: FakeAnthropic) -> None:
    fake.then(*[Reply.wrong_schema()] * 3)
    judge = client(fake, breaker_threshold=2)
    for _ in range(3):
        await judge.judge(request())
    assert (await judge.judge(request())).ok


async def test_no_raw_pii_reaches_the_server(fake: FakeAnthropic) -> None:
    fake.then(Reply.rate_limited(retry_after=0.01))
    await client(fake).judge(request())
    sent = json.dumps([r.body for r in fake.received])
    assert len(fake.received) == 2
    for raw in ("bob.smith@example.com", "4242 4242 4242 4242", "4242424242424242"):
        assert raw not in sent
    assert "[EMAIL]" in sent and "[CARD]" in sent


async def test_base_url_and_key_come_from_the_environment(fake: FakeAnthropic, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "env-key")
    judge = JudgeClient(JudgeConfig(max_retries=0))
    _opened.append(judge)
    result = await judge.judge(request())
    assert result.ok
    headers = fake.received[0].headers
    assert "env-key" in headers.get("x-api-key", "") + headers.get("authorization", "")


SAMPLE = Path(__file__).resolve().parents[1] / "data" / "judge_eval_sample.jsonl"


# One of the three verdicts on ev-01 (labelled a success) names walkaway: the ensemble splits there.
SPLIT_MARKER = "capital of Australia"
WALKAWAY_VOTE = {
    "quality": "poor",
    "failure_visibility": "visible",
    "archetypes": [{"archetype": "walkaway", "evidence_turns": [], "rationale": "a dissenting vote"}],
    "domain": "general_knowledge",
    "failure_origin": "interactional",
    "summary": "The user gave up.",
}


async def test_evaluation_against_the_local_server(fake: FakeAnthropic) -> None:
    fake.when(SPLIT_MARKER, Reply.ok(WALKAWAY_VOTE))
    run = await run_evaluation(client(fake), load_cases(SAMPLE), redact=Redactor(), k=3)
    assert len(run.pairs) == 12 and run.failures == {}
    assert len(fake.received) == 36
    report = {row.label: row for row in agreement_report(run.pairs)}
    # the fake's rule follows the signals, so it misses the two sessions labelled against them
    assert report["mystery_failure"].reference_positive == 1 and report["mystery_failure"].judge_positive == 0
    assert report["drift"].judge_positive == 2 and report["drift"].reference_positive == 1

    incoherence = {row.label: row for row in incoherence_report([r for r, _ in run.pairs], run.votes)}
    # The rule answers the same every time, so its misses (drift on ev-11, mystery_failure on ev-12)
    # are all bias; the one split vote is all the variance: walkaway on ev-01, bias² 1/9, variance 2/9.
    assert incoherence["drift"].incoherence == 0.0 and incoherence["mystery_failure"].incoherence == 0.0
    assert incoherence["walkaway"].incoherence == pytest.approx(2 / 3)
    assert incoherence["all archetypes"].incoherence == pytest.approx((2 / 9) / (1 / 3 + 1 + 1))
    assert incoherence["confidence_trap"].incoherence is None
    assert all(row.n == 12 for row in incoherence.values())


SMALL_MODEL = "claude-haiku-4-5"
DEFAULT_MODEL = "claude-sonnet-4-6"


def _small_model_sees_no_failure(body: dict[str, Any]) -> dict[str, Any]:
    """The stand-in's rule for the default model; the small one calls every session fine (a fixture, not a judge)."""
    verdict = rule_verdict(body)
    if body["model"] == SMALL_MODEL:
        verdict |= {"quality": "good", "failure_visibility": "none", "failure_origin": "none",
                    "archetypes": [{"archetype": "none", "evidence_turns": [], "rationale": "looks fine"}]}
    return verdict


@dataclass
class GateRun:
    code: int
    reference: str  # what the command printed for the model compared with, then for the candidate
    candidate: str
    models: set[str]


@pytest.fixture(scope="module")
def gate_run() -> GateRun:
    """One ``eval-judge --k 3`` that also gates the small model against the default one."""

    async def run() -> GateRun:
        async with FakeAnthropic(rule=_small_model_sees_no_failure) as fake:
            fake.when(SPLIT_MARKER, Reply.ok(WALKAWAY_VOTE))  # the first model judged gets the split vote
            env = {**os.environ, "ANTHROPIC_BASE_URL": fake.base_url, "ANTHROPIC_API_KEY": "test-key",
                   "COLUMNS": "160"}
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "undercurrent.cli", "eval-judge", str(SAMPLE), "--k", "3",
                "--model", SMALL_MODEL, "--compare-with", DEFAULT_MODEL, "--requests-per-minute", "6000",
                env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await proc.communicate()
            assert proc.returncode in (0, 1), err.decode()
            reference, candidate = out.decode().split(f" {SMALL_MODEL} ─", 1)
            return GateRun(proc.returncode, reference, candidate, {r.body["model"] for r in fake.received})

    return asyncio.run(run())


def test_eval_judge_prints_agreement_and_incoherence(gate_run: GateRun) -> None:
    text = gate_run.reference
    assert "walkaway" in text and "visibility" in text and "judged 12 sessions" in text
    assert "Incoherence against the reference labels (3 verdicts per session)" in text
    lines = text.splitlines()
    walkaway = [line for line in lines if "walkaway" in line][-1]  # the incoherence table's row
    assert "0.67 (0.67–0.67)" in walkaway
    assert any("drift" in line and "0.00 (0.00–0.00)" in line for line in lines)
    assert "not the quality of a real judge" in " ".join(gate_run.candidate.split())


def test_the_quality_gate_refuses_a_smaller_model_that_agrees_less_with_the_labels(gate_run: GateRun) -> None:
    assert gate_run.models == {SMALL_MODEL, DEFAULT_MODEL}
    text = " ".join(gate_run.candidate.split())
    assert gate_run.code == 1 and "quality gate failed" in text, text
    assert f"Quality gate: {SMALL_MODEL} against {DEFAULT_MODEL}" in text
    assert any(line.strip("│ ").startswith("visibility") and "NO" in line for line in gate_run.candidate.splitlines())


async def test_a_message_batch_through_the_sdk_goes_from_in_progress_to_ended(fake: FakeAnthropic) -> None:
    """The stand-in's batch endpoints speak the shapes the SDK decodes: batch, status, JSONL results."""
    other = build_request(make_snapshot(("user", "case-busy: help"), ("assistant", "ok")), model="claude-sonnet-4-6",
                          redact=Redactor())
    fake.when("case-busy", Reply.server_error(529))
    judge = client(fake)
    batch_id = await judge.submit_batch([{"custom_id": "s-1", "params": request()},
                                         {"custom_id": "s-2", "params": other}])
    assert await judge.batch_status(batch_id) == "in_progress"
    assert await judge.batch_status(batch_id) == "ended"
    lines = {line.custom_id: line.result async for line in judge.batch_results(batch_id)}
    assert lines["s-1"].type == "succeeded" and lines["s-1"].message.content[0].name == "record_verdict"
    assert (lines["s-2"].type, lines["s-2"].error.error.type) == ("errored", "overloaded_error")
    assert [r.body["messages"] for r in fake.received] == [request()["messages"], other["messages"]]
