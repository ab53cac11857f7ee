"""The judge adapter over the official ``anthropic`` SDK.

Retries are the SDK's own (``max_retries``): it retries 408/409/429/5xx and
connection errors with exponential backoff and jitter, and waits exactly as
long as ``retry-after`` / ``retry-after-ms`` say when the server sends them.
Around that the client adds a concurrency bound, a request-rate limit
(``aiolimiter``) and a circuit breaker (``purgatory``) that opens after
``breaker_threshold`` consecutive transport failures and lets a probe through
after ``breaker_ttl_s``. Invalid verdicts do not trip the breaker: the service
answered.

``base_url`` and ``api_key`` default to the SDK's own ``ANTHROPIC_BASE_URL``
and ``ANTHROPIC_API_KEY`` handling when left as ``None``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Collection, Mapping
from typing import Any

import anthropic
import msgspec
from aiolimiter import AsyncLimiter
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState

from .cost import Usage
from .errors import (
    JudgeError,
    JudgeInvalidOutput,
    JudgeRateLimited,
    JudgeRejected,
    JudgeTimeout,
    JudgeUnavailable,
)
from .instructions import TOOL_NAME
from .verdict import Verdict, parse_verdict

_CIRCUIT = "anthropic-messages"
_NOT_OUTAGES: list[Any] = [  # the service answered; these must not open the circuit
    (anthropic.APIStatusError, lambda exc: exc.status_code < 500 and exc.status_code != 429),
    anthropic.APIResponseValidationError,
    json.JSONDecodeError,
]


class JudgeConfig(msgspec.Struct, frozen=True, kw_only=True):
    model: str = "claude-sonnet-4-6"
    base_url: str | None = None
    api_key: str | None = None
    max_tokens: int = 1024
    temperature: float | None = None
    timeout_s: float = 60.0
    max_retries: int = 3
    concurrency: int = 4
    requests_per_minute: float = 50.0
    breaker_threshold: int = 5
    breaker_ttl_s: float = 30.0


class JudgeResult(msgspec.Struct, frozen=True, kw_only=True):
    """One judgement: a verdict, or the error that prevented it (never both)."""

    model: str
    latency_s: float
    usage: Usage = Usage()
    verdict: Verdict | None = None
    error: JudgeError | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is not None

    @property
    def outcome(self) -> str:
        """Label value for ``undercurrent_judge_requests_total{outcome}``."""
        return "ok" if self.error is None else self.error.outcome


class JudgeClient:
    def __init__(self, config: JudgeConfig, *, sdk: anthropic.AsyncAnthropic | None = None) -> None:
        self.config = config
        self._sdk = sdk or anthropic.AsyncAnthropic(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout_s,
            max_retries=config.max_retries,
        )
        self._slots = asyncio.Semaphore(config.concurrency)
        self._limiter = AsyncLimiter(config.requests_per_minute, 60.0)
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=config.breaker_threshold, default_ttl=config.breaker_ttl_s
        )

    async def judge(
        self,
        request: Mapping[str, Any],
        *,
        known_turns: Collection[int] | None = None,
        steps: Collection[int] | None = None,
    ) -> JudgeResult:
        """Send one request built by :func:`~undercurrent.judge.prompt.build_request`.

        ``steps`` are the session's agent steps (empty for a chat session), which the verdict's
        trajectory must rate exactly; None skips that check.
        """
        model = str(request.get("model", self.config.model))
        async with self._slots, self._limiter:
            started = time.perf_counter()
            try:
                message = await self._send(request)
            except JudgeError as exc:
                return JudgeResult(model=model, latency_s=time.perf_counter() - started, error=exc)
        return result_of_message(message, model=model, latency_s=time.perf_counter() - started,
                                 known_turns=known_turns, steps=steps)

    async def submit_batch(self, requests: list[dict[str, Any]]) -> str:
        """Create a Message Batch of ``{"custom_id", "params"}`` requests; its id.

        The SDK's own retries apply; any failure is raised: the caller keeps the
        requests and submits them again later.
        """
        async with self._limiter:
            # requests are built as plain dicts of the SDK's Request shape.
            batch = await self._sdk.messages.batches.create(requests=requests)  # type: ignore[arg-type]
        return batch.id

    async def batch_status(self, batch_id: str) -> str:
        """``in_progress``, ``canceling`` or ``ended``."""
        async with self._limiter:
            batch = await self._sdk.messages.batches.retrieve(batch_id)
        return batch.processing_status

    async def batch_results(self, batch_id: str) -> AsyncIterator[Any]:
        """The ``MessageBatchIndividualResponse`` lines of an ended batch, in any order."""
        async with self._limiter:
            lines = await self._sdk.messages.batches.results(batch_id)
        async for line in lines:
            yield line

    async def close(self) -> None:
        await self._sdk.close()

    async def _send(self, request: Mapping[str, Any]) -> Any:
        breaker = await self._breakers.get_breaker(_CIRCUIT, exclude=_NOT_OUTAGES)
        try:
            async with breaker:
                return await self._sdk.messages.create(**request)
        except OpenedState as exc:
            raise JudgeUnavailable("circuit open: recent calls failed") from exc
        except anthropic.APITimeoutError as exc:
            raise JudgeTimeout(f"no answer within {self.config.timeout_s}s") from exc
        except anthropic.RateLimitError as exc:
            raise JudgeRateLimited("rate limited", retry_after=_retry_after(exc)) from exc
        except (anthropic.InternalServerError, anthropic.APIConnectionError) as exc:
            raise JudgeUnavailable(str(exc)) from exc
        except (anthropic.APIResponseValidationError, json.JSONDecodeError) as exc:
            raise JudgeInvalidOutput(f"unreadable response: {exc}") from exc
        except anthropic.APIStatusError as exc:
            raise JudgeRejected(f"HTTP {exc.status_code}: {exc.message}") from exc


def result_of_message(
    message: Any, *, model: str, latency_s: float, known_turns: Collection[int] | None = None,
    steps: Collection[int] | None = None,
) -> JudgeResult:
    """The judgement a Messages API answer carries: its verdict, or why it is not one; usage either way."""
    usage = _usage(message)
    model = message.model or model
    try:
        verdict = parse_verdict(_tool_input(message), known_turns=known_turns, steps=steps)
    except JudgeInvalidOutput as exc:
        return JudgeResult(model=model, latency_s=latency_s, usage=usage, error=exc)
    return JudgeResult(model=model, latency_s=latency_s, usage=usage, verdict=verdict)


def _tool_input(message: Any) -> object:
    if message.stop_reason == "max_tokens":
        raise JudgeInvalidOutput("truncated at max_tokens")
    for block in message.content:
        if block.type == "tool_use" and block.name == TOOL_NAME:
            return block.input
    raise JudgeInvalidOutput(f"no {TOOL_NAME} tool call in the response")


def _usage(message: Any) -> Usage:
    u = message.usage
    return Usage(
        input_tokens=u.input_tokens or 0,
        output_tokens=u.output_tokens or 0,
        cache_creation_input_tokens=u.cache_creation_input_tokens or 0,
        cache_read_input_tokens=u.cache_read_input_tokens or 0,
    )


def _retry_after(exc: anthropic.APIStatusError) -> float | None:
    try:
        return float(exc.response.headers["retry-after"])
    except (KeyError, ValueError):
        return None
