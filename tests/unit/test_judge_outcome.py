"""After each attempt at judging a session: publish, try again later, or give up (and never pay twice)."""

from __future__ import annotations

import pytest

from undercurrent.judge.client import JudgeResult
from undercurrent.judge.cost import Usage, is_priced
from undercurrent.judge.ensemble import combine
from undercurrent.judge.errors import (
    JudgeError,
    JudgeInvalidOutput,
    JudgeRateLimited,
    JudgeRejected,
    JudgeTimeout,
    JudgeUnavailable,
)
from undercurrent.judge.outcome import Decision, GiveUp, Publish, RetryPolicy, TryAgain, decide, reason_of
from undercurrent.judge.runner import SessionJudgement

from .test_judge_ensemble import OK

MODEL = "claude-sonnet-4-6"
POLICY = RetryPolicy(max_attempts=3, backoff_s=10, backoff_max_s=60)
PAID = Usage(input_tokens=900, output_tokens=120)
UNPAID = Usage()


def ok(model: str = MODEL) -> JudgeResult:
    return JudgeResult(model=model, latency_s=1.0, usage=PAID, verdict=OK)


def failed(error: JudgeError, model: str = MODEL, usage: Usage = UNPAID) -> JudgeResult:
    return JudgeResult(model=model, latency_s=1.0, usage=usage, error=error)


def judgement(*results: JudgeResult) -> SessionJudgement:
    verdicts = [r.verdict for r in results if r.verdict is not None]
    return SessionJudgement(results=results, ensemble=combine(verdicts) if verdicts else None)


LIMITED = JudgeRateLimited("rate limited", retry_after=45.0)
DOWN = JudgeUnavailable("HTTP 529 overloaded")
OPEN = JudgeUnavailable("circuit open: recent calls failed")
SLOW = JudgeTimeout("no answer within 60s")
GARBLED = JudgeInvalidOutput("schema: expected a string")


@pytest.mark.parametrize(
    ("results", "attempt", "expected"),
    [
        ([ok()], 1, Publish()),
        ([ok(), failed(DOWN)], 1, Publish()),  # an ensemble's majority of the valid verdicts
        ([failed(SLOW)], 1, TryAgain(reason="timeout", delay_s=10)),
        ([failed(DOWN)], 2, TryAgain(reason="unavailable", delay_s=20)),
        ([failed(OPEN)], 1, TryAgain(reason="unavailable", delay_s=10)),
        ([failed(LIMITED)], 1, TryAgain(reason="rate_limited", delay_s=45)),  # the server's retry-after
        ([failed(JudgeRateLimited("rate limited", retry_after=600))], 1, TryAgain(reason="rate_limited", delay_s=60)),
        ([failed(SLOW), failed(DOWN)], 1, TryAgain(reason="timeout", delay_s=10)),
        ([failed(DOWN)], 3, GiveUp(reason="unavailable",
                                   detail="gave up after 3 attempts; last: unavailable: HTTP 529 overloaded")),
        ([failed(GARBLED, usage=PAID)], 1, GiveUp(reason="invalid_output",
                                                   detail="invalid_output: schema: expected a string")),
        # one variant was paid for: trying again would pay for it twice
        ([failed(DOWN), failed(GARBLED, usage=PAID)], 1,
         GiveUp(reason="invalid_output", detail="unavailable: HTTP 529 overloaded; invalid_output: schema: "
                                                "expected a string")),
        ([failed(JudgeRejected("HTTP 400: bad request"))], 1, GiveUp(reason="rejected",
                                                                     detail="rejected: HTTP 400: bad request")),
        ([failed(JudgeError("odd"))], 1, GiveUp(reason="error", detail="error: odd")),
        # a valid verdict from a model without a price is still a configuration error, never retried
        ([ok("claude-mystery-1")], 1, GiveUp(reason="unpriced_model",
                                             detail="no price for model claude-mystery-1: add it to "
                                                    "judge.price_overrides")),
        ([failed(DOWN, model="claude-mystery-1")], 1, GiveUp(reason="unpriced_model",
                                                             detail="no price for model claude-mystery-1: add it "
                                                                    "to judge.price_overrides")),
        ([ok("claude-haiku-4-5-20251001")], 1, Publish()),  # a dated snapshot of a priced model
    ],
)
def test_decide(results: list[JudgeResult], attempt: int, expected: Decision) -> None:
    assert decide(judgement(*results), attempt=attempt, policy=POLICY, priced=is_priced) == expected


@pytest.mark.parametrize(
    ("attempt", "retry_after", "delay"),
    [(1, None, 10), (2, None, 20), (3, None, 40), (4, None, 60), (9, None, 60), (1, 25.0, 25), (2, 5.0, 20)],
)
def test_backoff_doubles_up_to_its_cap_and_honours_retry_after(attempt: int, retry_after: float | None,
                                                               delay: float) -> None:
    assert POLICY.delay_s(attempt, retry_after) == delay


@pytest.mark.parametrize(("outcome", "reason"), [("timeout", "timeout"), ("brand_new", "error"), ("", "error")])
def test_reasons_are_a_bounded_set(outcome: str, reason: str) -> None:
    assert reason_of(outcome) == reason
