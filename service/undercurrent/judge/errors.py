"""Judge failures, drawn where callers catch them.

::

    JudgeError                 any failed judgement; ``outcome`` is the metric label
    ├── JudgeTimeout           no answer within the configured timeout (after retries)
    ├── JudgeRateLimited       still 429 after retries; ``retry_after`` when the server said
    ├── JudgeUnavailable       5xx, connection failure, or the circuit breaker is open
    ├── JudgeRejected          a non-retryable 4xx: the request itself is wrong
    └── JudgeInvalidOutput     an answer arrived but is not a valid verdict; ``reason`` says why
"""

from __future__ import annotations

from ..errors import UndercurrentError


class JudgeError(UndercurrentError):
    outcome = "error"


class JudgeTimeout(JudgeError):
    outcome = "timeout"


class JudgeRateLimited(JudgeError):
    outcome = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JudgeUnavailable(JudgeError):
    outcome = "unavailable"


class JudgeRejected(JudgeError):
    outcome = "rejected"


class JudgeInvalidOutput(JudgeError):
    outcome = "invalid_output"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
