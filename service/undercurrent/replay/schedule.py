"""When conversations start, and how their events interleave like live traffic.

Start times are spread over a window that ends well before "now": the latest
session's last event is then older than the service's idle timeout by the time
the replay finishes, so every replayed session can close. Conversations start
in order (jittered, evenly spaced), which lets :func:`interleave` merge them by
timestamp while holding only the sessions that overlap in time.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from .synth import SynthOptions, conversation_rng, synthesize

Event = dict[str, Any]


class _Replayable(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_Replayable)
Synthesiser = Callable[[Item, random.Random, int, SynthOptions], list[Event]]


@dataclass(frozen=True, slots=True)
class Window:
    start_ms: int
    length_ms: int

    @classmethod
    def before(cls, now_ms: int, *, start_ago_s: float = 5 * 3600.0, length_s: float = 4 * 3600.0) -> Window:
        if length_s <= 0 or length_s > start_ago_s:
            raise ValueError("the window must have a positive length and start before it ends")
        return cls(start_ms=now_ms - round(start_ago_s * 1000), length_ms=round(length_s * 1000))

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.length_ms

    def start_of(self, position: int, expected: int, jitter: float) -> int:
        """Start of conversation ``position`` of ``expected``; ``jitter`` in [0, 1) places it in its slot.

        Conversations beyond ``expected`` all start at the window's end.
        """
        slot = self.length_ms / max(expected, 1)
        return min(self.start_ms + round((position + jitter) * slot), self.end_ms)


def sessions(
    items: Iterable[Item],
    *,
    seed: int,
    window: Window,
    expected: int,
    options: SynthOptions,
    # the default synthesises conversations, the Item of every caller that does not pass synth.
    synth: Synthesiser[Item] = synthesize,  # type: ignore[assignment]
) -> Iterator[list[Event]]:
    """Synthesised events of each conversation (or agent trace, with its ``synth``), in start order."""
    for position, item in enumerate(items):
        rng = conversation_rng(seed, item.id)
        start_ms = window.start_of(position, expected, rng.random())
        yield synth(item, rng, start_ms, options)


def merge_by_start(*streams: Iterable[list[Event]]) -> Iterator[list[Event]]:
    """Several session streams, each in start order, as one stream in start order (for :func:`interleave`)."""
    return heapq.merge(*(s for s in streams), key=lambda events: events[0]["ts"] if events else 0)


def interleave(sessions: Iterable[list[Event]]) -> Iterator[Event]:
    """Merge per-session event lists into one stream ordered by ``ts``.

    Sessions must arrive in order of their first event; a session is only
    pulled in once the merged stream reaches its start.
    """
    heap: list[tuple[int, int, int, list[Event]]] = []
    order = itertools.count()
    upcoming = (events for events in sessions if events)
    pending = next(upcoming, None)
    while heap or pending is not None:
        while pending is not None and (not heap or pending[0]["ts"] <= heap[0][0]):
            heapq.heappush(heap, (pending[0]["ts"], next(order), 0, pending))
            pending = next(upcoming, None)
        _, _, position, events = heapq.heappop(heap)
        yield events[position]
        if position + 1 < len(events):
            heapq.heappush(heap, (events[position + 1]["ts"], next(order), position + 1, events))
