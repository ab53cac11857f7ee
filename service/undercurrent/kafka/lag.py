"""Consumer lag: how far each assigned partition is behind its high-water mark."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PartitionProgress:
    tp: Any
    next_offset: int
    lag: int


async def partition_progress(
    consumer: Any, topics: Collection[str], processed: Mapping[Any, int]
) -> list[PartitionProgress]:
    """Next offset to process and messages behind the high-water mark, for every assigned partition of
    ``topics``, including partitions nothing was processed from since start-up (a partition stuck on its
    first message must show its lag too). Asks the broker for high-water marks: fails while it is down.
    """
    assigned = sorted((tp for tp in consumer.assignment() if tp.topic in topics), key=lambda tp: tp[:2])
    if not assigned:
        return []
    highwaters = await consumer.highwaters(*assigned)
    # faust keeps the group's committed offsets per partition (read at assignment, updated on commit)
    committed = consumer._committed_offset
    out = []
    for tp in assigned:
        done = processed.get(tp)
        next_offset = max(done + 1 if done is not None else 0, committed.get(tp) or 0)
        highwater = highwaters.get(tp)
        if highwater is not None:
            out.append(PartitionProgress(tp, next_offset, max(0, highwater - next_offset)))
    return out
