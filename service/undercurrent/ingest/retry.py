"""Retry a batch until it succeeds, so a Redis or broker outage stalls ingestion instead of losing data.

faust acknowledges a ``take_events`` batch even when the agent raises, so a batch
that fails must not escape the agent: it is retried (with capped exponential
backoff) until the dependency is back. Re-applying a batch is safe: events are
de-duplicated by id. Consumer lag grows meanwhile, which is what the lag alert
watches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from prometheus_client import Counter
from tenacity import AsyncRetrying, RetryCallState, retry_if_not_exception_type, wait_exponential_jitter

from ..errors import UndercurrentError

log = structlog.get_logger(__name__)
T = TypeVar("T")


async def until_done(
    work: Callable[[], Awaitable[T]], *, what: str, retries: Counter, max_wait_s: float = 30.0
) -> T:
    def note(state: RetryCallState) -> None:
        retries.labels(what).inc()
        exc = state.outcome.exception() if state.outcome else None
        log.error("retrying after failure", stage=what, attempt=state.attempt_number, error=repr(exc))

    retrying = AsyncRetrying(
        retry=retry_if_not_exception_type(UndercurrentError),
        wait=wait_exponential_jitter(initial=0.2, max=max_wait_s),
        before_sleep=note,
        reraise=True,
    )
    return await retrying(work)
