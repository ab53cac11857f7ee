"""Failed sign-ins per client in a sliding window: past the limit, a client waits.

Pure bookkeeping with the clock passed in. Only failures are counted (a request that presents
a wrong token or cookie), and the number of clients remembered is bounded, so a flood from many
addresses cannot grow it without limit. The count is per process: with N replicas a client gets
up to N times the limit.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SignInLimit:
    max_failures: int = 10
    window_s: float = 60.0
    max_clients: int = 10_000


class SignInLimiter:
    def __init__(self, limit: SignInLimit) -> None:
        self.limit = limit
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str, now: float) -> int:
        """Whole seconds the client must wait before its next attempt; 0 when it may try now."""
        failures = self._recent(client, now)
        if failures is None or len(failures) < self.limit.max_failures:
            return 0
        return max(1, math.ceil(failures[0] + self.limit.window_s - now))

    def failed(self, client: str, now: float) -> int:
        """Record a failure; returns the client's failures in the window, this one included."""
        failures = self._recent(client, now)
        if failures is None:
            failures = self._failures[client] = deque(maxlen=self.limit.max_failures)
            while len(self._failures) > self.limit.max_clients:
                self._failures.popitem(last=False)
        failures.append(now)
        self._failures.move_to_end(client)
        return len(failures)

    def _recent(self, client: str, now: float) -> deque[float] | None:
        failures = self._failures.get(client)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.limit.window_s:
            failures.popleft()
        return failures

    def __len__(self) -> int:
        return len(self._failures)
