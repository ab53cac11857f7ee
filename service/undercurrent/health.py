"""What the startup, liveness and readiness probes of a worker report.

The worker's event loop records what it observed (its own ticks, a Redis ping, a broker
round trip); the probe server thread only reads. Kubernetes acts differently on the two
answers, so they mean different things:

* **live** (``/healthz``): the app has started and its event loop ticked recently. A stuck
  loop is what a restart can fix; a broken Redis or broker is not.
* **ready** (``/readyz``): live, and Redis and the broker both answered recently. A worker
  that cannot reach either keeps retrying on its own; not-ready makes the outage visible to
  rollouts and disruption budgets instead of restarting the pod.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

DEPENDENCIES = ("redis", "kafka")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checks: dict[str, str]

    def body(self) -> dict[str, object]:
        return {"status": "ok" if self.ok else "unavailable", "checks": self.checks}


@dataclass
class WorkerHealth:
    """Observations of one worker process, with the freshness each answer requires."""

    stall_after_s: float = 60.0
    stale_after_s: float = 30.0
    _tick_at: float | None = None
    _ok_at: dict[str, float] = field(default_factory=dict)
    _errors: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def tick(self, now: float) -> None:
        with self._lock:
            self._tick_at = now

    def succeeded(self, dependency: str, now: float) -> None:
        with self._lock:
            self._ok_at[dependency] = now
            self._errors.pop(dependency, None)

    def failed(self, dependency: str, error: str) -> None:
        with self._lock:
            self._errors[dependency] = error

    def live(self, now: float) -> Verdict:
        with self._lock:
            tick_at = self._tick_at
        if tick_at is None:
            return Verdict(False, {"loop": "starting"})
        age = now - tick_at
        if age > self.stall_after_s:
            return Verdict(False, {"loop": f"no tick for {age:.0f}s"})
        return Verdict(True, {"loop": "ok"})

    def ready(self, now: float) -> Verdict:
        live = self.live(now)
        checks = dict(live.checks)
        with self._lock:
            for dependency in DEPENDENCIES:
                checks[dependency] = self._dependency(dependency, now)
        return Verdict(all(v == "ok" for v in checks.values()), checks)

    def _dependency(self, name: str, now: float) -> str:
        if name in self._errors:
            return f"failing: {self._errors[name]}"
        ok_at = self._ok_at.get(name)
        if ok_at is None:
            return "not checked yet"
        if now - ok_at > self.stale_after_s:
            return f"no answer for {now - ok_at:.0f}s"
        return "ok"
