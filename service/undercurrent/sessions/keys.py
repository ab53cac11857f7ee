"""Where the session store keeps things in Redis: the key layout of one primary or of a Redis Cluster.

On one primary a session's keys are ``P:{S}:<suffix>`` and the close index and watermarks are
single keys. In a cluster every key one script call touches must hash to one slot, so sessions
are spread over ``shards`` hash tags, ``{p<N>}``: a session's keys are ``P:{p<N>}:S:<suffix>``
and every shard has its own close index and watermarks, ``P:{p<N>}:deadlines`` and so on.

N is the session id's partition under the producer's default partitioner (murmur2 of the
key, as aiokafka and the Java client compute it) with ``shards`` set to the input topics'
partition count. Any fixed function of the session id would keep a session whole; this one
puts the events of one input partition in one shard, so a consumer batch costs one script call
per input partition it holds, and a read by session id finds the session without an index.
Changing the shard count re-homes sessions: drain open sessions before changing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka.partitioner import murmur2

INDEXES = ("deadlines", "closing", "closed", "wm")


def partition_of(session_id: str, partitions: int) -> int:
    """The partition a producer's default partitioner sends a message keyed by ``session_id`` to."""
    hashed: int = murmur2(session_id.encode())
    return (hashed & 0x7FFFFFFF) % partitions


@dataclass(frozen=True, slots=True)
class KeyLayout:
    """``shards`` None: one primary, today's layout; a number: that many hash-tagged shards."""

    prefix: str
    shards: int | None = None

    def __post_init__(self) -> None:
        if self.shards is not None:
            if self.shards < 1:
                raise ValueError("a cluster layout needs at least one shard")
            if "{" in self.prefix or "}" in self.prefix:
                raise ValueError(f"key prefix {self.prefix!r}: braces would change the cluster hash tag")

    def all_shards(self) -> list[int | None]:
        return [None] if self.shards is None else list(range(self.shards))

    def shard(self, session_id: str) -> int | None:
        return None if self.shards is None else partition_of(session_id, self.shards)

    def mark_shard(self, mark: str) -> int | None:
        """The shard keeping the watermark of input partition ``topic/partition``."""
        if self.shards is None:
            return None
        partition = mark.rpartition("/")[2]
        return int(partition) % self.shards if partition.isdigit() else partition_of(mark, self.shards)

    def marks_by_shard(self, marks: Iterable[str]) -> dict[int | None, list[str]]:
        """Input partitions (``topic/partition``) grouped by the shard keeping their watermarks."""
        groups: dict[int | None, list[str]] = {}
        for mark in marks:
            groups.setdefault(self.mark_shard(mark), []).append(mark)
        return groups

    def head_tail(self, shard: int | None) -> tuple[str, str]:
        """A session's keys are ``head + session_id + tail + suffix``: the scripts build them from these."""
        if shard is None:
            return f"{self.prefix}:{{", "}:"
        return f"{self.prefix}:{{p{shard}}}:", ":"

    def session_key(self, session_id: str, suffix: str) -> str:
        head, tail = self.head_tail(self.shard(session_id))
        return f"{head}{session_id}{tail}{suffix}"

    def index(self, shard: int | None, name: str) -> str:
        """One of :data:`INDEXES` of a shard (or of the one primary)."""
        return f"{self.prefix}:{name}" if shard is None else f"{self.prefix}:{{p{shard}}}:{name}"

