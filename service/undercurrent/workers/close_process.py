"""What runs inside a close process: its own copy of the close stages, recording their metric updates.

A close process imports this module and what it needs, nothing of the worker's I/O (faust, the
Kafka and Redis clients, structlog): each import costs every close process memory and start-up CPU
(``bench/close_process_cost.py``). Jobs and results cross the process boundary as msgpack.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from dataclasses import dataclass, field

import msgspec

from ..config import Settings
from ..ingest.stages import StageMetrics, close_stages
from ..sessions.claimed import ClaimedSession
from ..wiring.values import label_bounds
from .build import Built, build_all


class MetricUpdate(msgspec.Struct, frozen=True, array_like=True):
    group: str
    metric: str
    labels: tuple[str, ...]
    method: str
    value: float


class CloseJob(msgspec.Struct, frozen=True, array_like=True):
    now_ms: int
    budget_scale: float
    sessions: list[ClaimedSession]


class CloseResult(msgspec.Struct, frozen=True, array_like=True):
    built: list[Built]
    updates: list[MetricUpdate]


@dataclass(slots=True)
class _Series:
    """Stands in for a prometheus metric (or one of its labelled children) and records what is done to it."""

    updates: list[MetricUpdate]
    group: str
    metric: str
    label_values: tuple[str, ...] = ()

    def labels(self, *values: str) -> _Series:
        return _Series(self.updates, self.group, self.metric, values)

    def inc(self, amount: float = 1.0) -> None:
        self.updates.append(MetricUpdate(self.group, self.metric, self.label_values, "inc", amount))

    def observe(self, value: float) -> None:
        self.updates.append(MetricUpdate(self.group, self.metric, self.label_values, "observe", value))

    def info(self, value: dict[str, str]) -> None:
        """Constant for the process: the worker's own copy of the stage sets it."""


@dataclass(slots=True)
class _Group:
    updates: list[MetricUpdate]
    group: str

    def __getattr__(self, metric: str) -> _Series:
        return _Series(self.updates, self.group, metric)


@dataclass(slots=True)
class _Scale:
    scale: float = 1.0


@dataclass
class _CloseProcess:
    """The state of one pool process: its own copy of the close stages, recording their metric updates."""

    settings: Settings
    user_id_key: bytes
    updates: list[MetricUpdate] = field(default_factory=list)
    budget: _Scale = field(default_factory=_Scale)

    def __post_init__(self) -> None:
        groups = (_Group(self.updates, name) for name in ("language", "detectors", "sampling"))
        bounds = label_bounds(self.settings)
        self.stages = close_stages(self.settings, bounds, StageMetrics(*groups), self.budget, self.user_id_key)
        self.updates.clear()  # series set up at zero: the worker's own stages did that

    def run(self, job: CloseJob) -> CloseResult:
        self.budget.scale = job.budget_scale
        built = build_all(job.sessions, job.now_ms, self.stages, self.settings)
        updates = list(self.updates)
        self.updates.clear()
        return CloseResult(built, updates)


_process: _CloseProcess | None = None
_job_decoder = msgspec.msgpack.Decoder(CloseJob)
result_decoder = msgspec.msgpack.Decoder(CloseResult)
encoder = msgspec.msgpack.Encoder()


def start(settings: Settings, user_id_key: bytes) -> None:
    global _process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the worker stops the pool
    threading.Thread(target=_exit_with_worker, name="exit-with-worker", daemon=True).start()
    # Nothing to flush or close at exit; tearing down the loaded stages' objects one by one takes seconds.
    atexit.register(os._exit, 0)
    _process = _CloseProcess(settings, user_id_key)


def _exit_with_worker() -> None:
    """A worker killed outright (SIGKILL, OOM) cannot stop its pool: each process leaves when it sees that."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def run(job: bytes) -> bytes:
    assert _process is not None, "pool process not initialised"
    return encoder.encode(_process.run(_job_decoder.decode(job)))


def warm() -> float:
    """One empty close job through the whole path; the CPU seconds the process took to start and get here."""
    run(encoder.encode(CloseJob(0, 1.0, [])))
    return time.process_time()
