"""The pure parts of judging through the Message Batches API.

A batch is assembled from sampled sessions (one request per ensemble variant,
each with a ``custom_id`` naming its session), submitted, polled until it has
ended and its result lines are read back into the same :class:`SessionJudgement`
the interactive path produces, so publishing, retrying and dead-lettering do
not know which path judged a session.

``custom_id`` is the session id when the API accepts it as one (1–64 of
``[a-zA-Z0-9_-]``), else a hash of it; for an ensemble it carries the variant as
a ``_<n>`` suffix. The entry kept for each session lists its custom ids, so
results are matched without parsing them back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import msgspec

from .client import JudgeResult, result_of_message
from .ensemble import combine
from .errors import JudgeError, JudgeRateLimited, JudgeRejected, JudgeTimeout, JudgeUnavailable
from .runner import SessionJudgement

_VALID_ID = re.compile(r"[a-zA-Z0-9_-]{1,60}")  # leaves room for a variant suffix within the API's 64

Step = Literal["wait", "collect"]


class BatchEntry(msgspec.Struct, frozen=True, kw_only=True):
    """A sampled session that is part of a submitted batch: all that settling it needs, also after a restart."""

    session_id: str
    key: bytes | None
    value: bytes  # the judge request as read from the topic
    attempt: int
    custom_ids: tuple[str, ...]
    known_turns: tuple[int, ...]
    steps: tuple[int, ...] = ()  # the agent steps the verdict must judge (none for a chat session)


def custom_id(session_id: str, variant: int, k: int) -> str:
    base = session_id if _VALID_ID.fullmatch(session_id) else "h" + hashlib.blake2b(
        session_id.encode(), digest_size=16).hexdigest()
    return base if k == 1 else f"{base}_{variant}"


def batch_params(request: Mapping[str, Any]) -> dict[str, Any]:
    """The body of one batch request from ``messages.create`` keyword arguments: ``extra_body`` merged in."""
    params = {name: value for name, value in request.items() if name != "extra_body"}
    params.update(request.get("extra_body") or {})
    return params


def batch_requests(session_id: str, requests: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``{"custom_id", "params"}`` items of one session's ensemble."""
    k = len(requests)
    return [{"custom_id": custom_id(session_id, variant, k), "params": batch_params(request)}
            for variant, request in enumerate(requests)]


def submit_due(count: int, oldest_age_s: float, *, max_size: int, max_age_s: float) -> bool:
    """Submit the open batch when it is full, or when its oldest session has waited long enough."""
    return count >= max_size or (count > 0 and oldest_age_s >= max_age_s)


def submission_refused(status_code: int | None) -> bool:
    """Whether a failed ``batches.create`` would fail the same way if sent again.

    A 4xx answer refuses the request itself (invalid, too large, not permitted), except
    408 (timeout), 409 (conflict) and 429 (rate limited), which say to try later; a 5xx,
    an overload or no answer at all (``None``) is the service's side and worth waiting for.
    """
    return status_code is not None and 400 <= status_code < 500 and status_code not in (408, 409, 429)


def next_step(processing_status: str) -> Step:
    """What a poll's ``processing_status`` asks for: wait (``in_progress``, ``canceling``) or collect (``ended``)."""
    if processing_status == "ended":
        return "collect"
    if processing_status in ("in_progress", "canceling"):
        return "wait"
    raise ValueError(f"unknown batch processing_status {processing_status!r}")


def poll_delay_s(polls: int, *, base_s: float, max_s: float) -> float:
    """Wait before the next poll of a batch polled ``polls`` times already: doubling from ``base_s``."""
    return min(max_s, base_s * 2.0 ** polls)


_ERRORS: Mapping[str, type[JudgeError]] = {
    "rate_limit_error": JudgeRateLimited,
    "overloaded_error": JudgeUnavailable,
    "api_error": JudgeUnavailable,
    "timeout_error": JudgeTimeout,
}


def result_of_line(
    line: Any, *, model: str, latency_s: float, known_turns: Iterable[int], steps: Iterable[int] = ()
) -> JudgeResult:
    """One ``MessageBatchIndividualResponse`` as a judgement.

    An errored request the service did not process (rate limit, overload, server
    error) and an expired or canceled one were not paid for: their errors are the
    retryable ones of the interactive path. Any other error rejects the request.
    """
    result = line.result
    if result.type == "succeeded":
        return result_of_message(result.message, model=model, latency_s=latency_s, known_turns=set(known_turns),
                                 steps=tuple(steps))
    if result.type == "errored":
        error = result.error.error
        kind = _ERRORS.get(error.type, JudgeRejected)
        return JudgeResult(model=model, latency_s=latency_s, error=kind(f"batch {error.type}: {error.message}"))
    if result.type == "expired":
        return JudgeResult(model=model, latency_s=latency_s,
                           error=JudgeTimeout("batch request expired before it was processed"))
    return JudgeResult(model=model, latency_s=latency_s, error=JudgeUnavailable(f"batch request {result.type}"))


def judgement_of(entry: BatchEntry, results: Mapping[str, JudgeResult], *, model: str) -> SessionJudgement:
    """The session's judgement from its variants' results; a variant without a result line counts as unanswered."""
    missing = JudgeResult(model=model, latency_s=0.0, error=JudgeUnavailable("no result line for the request"))
    chosen = tuple(results.get(cid, missing) for cid in entry.custom_ids)
    verdicts = [r.verdict for r in chosen if r.verdict is not None]
    return SessionJudgement(results=chosen, ensemble=combine(verdicts) if verdicts else None)
