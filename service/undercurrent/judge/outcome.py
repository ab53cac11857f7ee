"""What to do with one attempt at judging a session: publish, try again later, or give up.

Pure logic, so every rule is tested with a table. The rules:

- A reply from a model without a price is a configuration error: the session is
  given up (``unpriced_model``) even if its verdict is valid, because its spend
  cannot be accounted; it is never sent again, since every call was paid for.
- A valid verdict (one, or the majority of an ensemble) is published.
- When every call failed on the service's side before an answer was paid for
  (rate limited, overloaded or 5xx, circuit open, timeout), the session is tried
  again after a backoff, up to ``max_attempts`` attempts in all.
- Anything else (a paid answer that is not a valid verdict, a rejected request)
  is given up at once: sending it again would pay again for the same answer.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from .runner import SessionJudgement

RETRYABLE: tuple[str, ...] = ("rate_limited", "unavailable", "timeout")
"""Outcomes of a call the service did not answer (nothing was paid); worth trying again."""

FAILURE_REASONS: tuple[str, ...] = (
    *RETRYABLE,
    "invalid_output",
    "rejected",
    "unpriced_model",
    "bad_request",
    "processing_error",
    "error",
)
"""Every reason a judge dead letter can carry: the label values of the failure metrics."""


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    max_attempts: int = 4
    backoff_s: float = 15.0
    backoff_max_s: float = 120.0

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Wait before attempt ``attempt + 1``: doubling from ``backoff_s``, at least what the server asked."""
        delay = self.backoff_s * 2.0 ** (attempt - 1)
        return min(self.backoff_max_s, max(delay, retry_after_s or 0.0))


class Publish(msgspec.Struct, frozen=True):
    pass


class TryAgain(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    delay_s: float


class GiveUp(msgspec.Struct, frozen=True, kw_only=True):
    reason: str
    detail: str


Decision = Publish | TryAgain | GiveUp


def decide(
    judgement: SessionJudgement, *, attempt: int, policy: RetryPolicy, priced: Callable[[str], bool]
) -> Decision:
    """The next step after attempt number ``attempt`` (1 for the first) produced ``judgement``."""
    unpriced = sorted({r.model for r in judgement.results if not priced(r.model)})
    if unpriced:
        detail = f"no price for model {', '.join(unpriced)}: add it to judge.price_overrides"
        return GiveUp(reason="unpriced_model", detail=detail)
    if judgement.ensemble is not None:
        return Publish()
    errors = [r.error for r in judgement.results if r.error is not None]
    if not errors:
        return GiveUp(reason="error", detail="no verdict and no error")
    detail = "; ".join(f"{e.outcome}: {e}" for e in errors)[:1000]
    reason = reason_of(errors[0].outcome)
    if all(e.outcome in RETRYABLE for e in errors):
        if attempt < policy.max_attempts:
            retry_after = max((getattr(e, "retry_after", None) or 0.0 for e in errors), default=0.0)
            return TryAgain(reason=reason, delay_s=policy.delay_s(attempt, retry_after))
        return GiveUp(reason=reason, detail=f"gave up after {attempt} attempts; last: {detail}")
    final = next(e for e in errors if e.outcome not in RETRYABLE)
    return GiveUp(reason=reason_of(final.outcome), detail=detail)


def reason_of(outcome: str) -> str:
    """A bounded label value for an error outcome."""
    return outcome if outcome in FAILURE_REASONS else "error"
