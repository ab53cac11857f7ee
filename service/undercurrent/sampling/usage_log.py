"""Judge usage shared by all replicas through a capped Redis stream.

Judge workers append one entry per judged session; samplers on every ingest
replica read the trailing window and compute the same budget scale, so the
budget holds for the deployment as a whole without dividing it by a guessed
replica count.
"""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from ..judge.cost import Usage
from .inclusion import SamplingDecision


class UsageEntry(msgspec.Struct, frozen=True, kw_only=True):
    at_s: float
    model: str
    requests: int
    usage: Usage
    pi: float
    pi_unscaled: float
    batch: bool = False  # judged through the Message Batches API, billed at the batch price


class UsageRecorder(Protocol):
    """Where a judge worker appends what each judged session cost."""

    async def record(self, entry: UsageEntry) -> None: ...


class UsageLog:
    def __init__(self, redis: Any, *, key: str, max_entries: int = 100_000) -> None:
        self.redis = redis
        self.key = key
        self.max_entries = max_entries

    async def record(self, entry: UsageEntry) -> None:
        await self.redis.xadd(
            self.key, {"e": msgspec.json.encode(entry)}, maxlen=self.max_entries, approximate=True
        )

    async def since(self, start_s: float) -> list[UsageEntry]:
        rows = await self.redis.xrange(self.key, min=f"{int(start_s * 1000)}-0", max="+")
        return [msgspec.json.decode(fields[b"e"], type=UsageEntry) for _, fields in rows]


def decision_of(entry: UsageEntry) -> SamplingDecision:
    """The parts of a sampling decision the budget controller weighs usage by."""
    return SamplingDecision(
        sampled=True, pi=entry.pi, pi_unscaled=entry.pi_unscaled, floor_binding=False,
        budget_scale=entry.pi / entry.pi_unscaled if entry.pi_unscaled else 1.0, policy_version="",
    )
