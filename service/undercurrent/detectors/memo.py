"""Bounded caches for functions of texts that may be very long.

The detectors of one session derive the same views of the same texts many times
(lower-cased text, prose without code, topic words), so those derivations are
cached. ``functools.lru_cache`` would key them by the texts themselves: a cache of
256 entries then keeps 256 whole answers alive, 180 MB with answers of 700 KB,
long after their sessions closed. A :class:`TextMemo` keys an entry by the text's
``hash()`` and length instead, so the text itself is freed with its session, and
bounds both the number of entries and the characters of the texts they were
derived from (no derived view is much larger than its text). Python's string hash
is SipHash under a per-process random key, so colliding texts cannot be crafted
from outside; a chance collision of hash and length among the few thousand texts
in a cache is negligible.

Detectors run on the event loop's thread only, so no locking is needed.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Hashable
from typing import ClassVar, Generic, TypeVar

T = TypeVar("T")

MEMO_MAX_CHARS = 4_000_000
"""Default bound of one cache: characters of the texts its entries were derived from."""


class TextMemo(Generic[T]):
    """The entries of one cached function: first in, first out, within both bounds.

    First in, first out rather than least recently used: a hit then costs one dict lookup,
    and a session's detectors reuse a view soon after it was made, long before it is dropped.
    """

    _all: ClassVar[list[TextMemo[object]]] = []

    def __init__(self, name: str, *, max_entries: int, max_chars: int) -> None:
        self.name = name
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.chars = 0
        self.values: dict[Hashable, T] = {}
        self._weights: dict[Hashable, int] = {}
        self._order: deque[Hashable] = deque()
        """Keys oldest first: taking the first key of a dict whose front was deleted scans the deleted slots."""
        # the registry holds memos of every value type; it only clears and measures them.
        TextMemo._all.append(self)  # type: ignore[arg-type]

    def store(self, key: Hashable, value: T, weight: int) -> T:
        """Keep ``value`` unless its text alone exceeds the bound; drop the oldest entries to fit."""
        if key in self._weights:
            self.values[key] = value
        elif weight <= self.max_chars:
            self.values[key] = value
            self._weights[key] = weight
            self._order.append(key)
            self.chars += weight
            while len(self.values) > self.max_entries or self.chars > self.max_chars:
                oldest = self._order.popleft()
                del self.values[oldest]
                self.chars -= self._weights.pop(oldest)
        return value

    def clear(self) -> None:
        self.values.clear()
        self._weights.clear()
        self._order.clear()
        self.chars = 0

    def __len__(self) -> int:
        return len(self.values)

    @classmethod
    def instances(cls) -> list[TextMemo[object]]:
        return list(cls._all)


def text_memo(*, max_entries: int, max_chars: int = MEMO_MAX_CHARS) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache ``fn(text, *args)`` by the text's hash and length; the cache is the function's ``memo``."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        memo: TextMemo[T] = TextMemo(fn.__qualname__, max_entries=max_entries, max_chars=max_chars)
        values = memo.values

        @functools.wraps(fn)
        def cached(text: str, *args: Hashable) -> T:
            key = (hash(text), len(text), args)
            try:
                return values[key]
            except KeyError:
                return memo.store(key, fn(text, *args), len(text))

        # the cache is reachable from the function it wraps, as functools.lru_cache does with cache_info.
        cached.memo = memo  # type: ignore[attr-defined]
        return cached

    return decorate
