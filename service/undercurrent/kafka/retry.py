"""Wait out infrastructure failures; let everything else surface at once.

Only an unreachable, overloaded or failing-over Redis or broker is worth waiting
for: :func:`until_done` retries those with capped exponential backoff and jitter,
counting each retry, until the dependency is back. Any other exception is a bad
input or a bug: retrying it would stall a partition forever, so it is raised to
the caller, which dead-letters what it was working on. Cancellation (SIGTERM) is
never retried, so a worker waiting for Redis still stops when asked.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import redis.exceptions as redis_errors
import structlog
from aiokafka import errors as kafka_errors
from prometheus_client import Counter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

log = structlog.get_logger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

_REDIS_TRANSIENT = (
    redis_errors.ConnectionError,  # refused, reset, LOADING, too many clients, authentication
    redis_errors.TimeoutError,
    redis_errors.OutOfMemoryError,
    redis_errors.ReadOnlyError,  # a replica after failover
    redis_errors.TryAgainError,
    redis_errors.ClusterDownError,
)
_REDIS_TRANSIENT_CODES = ("MISCONF", "BUSY", "NOREPLICAS", "MASTERDOWN")
_KAFKA_TRANSIENT = (kafka_errors.KafkaConnectionError, kafka_errors.KafkaTimeoutError)


def is_transient(exc: BaseException) -> bool:
    """True for failures of Redis or the broker that clear by themselves (also when wrapped as a cause)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, _REDIS_TRANSIENT):
            return True
        if isinstance(seen, redis_errors.ResponseError) and str(seen).startswith(_REDIS_TRANSIENT_CODES):
            return True
        if isinstance(seen, kafka_errors.KafkaError):
            return bool(seen.retriable) or isinstance(seen, _KAFKA_TRANSIENT)
        if isinstance(seen, (ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__
    return False


async def until_done(
    work: Callable[[], Awaitable[T]],
    *,
    what: str,
    retries: Counter,
    max_wait_s: float = 30.0,
    on_retry: Callable[[], None] | None = None,
) -> T:
    """Run ``work``; on a transient failure wait and run it again, as often as needed."""

    def note(state: RetryCallState) -> None:
        retries.labels(what).inc()
        if on_retry is not None:
            on_retry()
        exc = state.outcome.exception() if state.outcome else None
        log.error("retrying after failure", stage=what, attempt=state.attempt_number, error=repr(exc))

    retrying = AsyncRetrying(
        retry=retry_if_exception(is_transient),
        wait=wait_exponential_jitter(multiplier=0.2, max=max_wait_s),
        before_sleep=note,
        reraise=True,
    )
    return await retrying(work)


def tolerant(what: str, retries: Counter) -> Callable[[Callable[P, Awaitable[None]]], Callable[P, Awaitable[None]]]:
    """Wrap a periodic task so that a failure is logged and counted and the next run simply tries again.

    A timer that raises would crash the whole faust worker; probes, budget refreshes and
    sweeps must instead outlive Redis and broker outages.
    """

    def wrap(task: Callable[P, Awaitable[None]]) -> Callable[P, Awaitable[None]]:
        @functools.wraps(task)
        async def run(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                await task(*args, **kwargs)
            except Exception as exc:
                retries.labels(what).inc()
                log.warning("periodic task failed; next run retries", task=what, error=repr(exc))

        return run

    return wrap
