"""The bounded walk over closed sessions, on the in-memory session store: the walk needs the store's index
of closed sessions, no Redis behaviour (the store suite holds both stores to the same rules)."""

import pytest

from undercurrent.metrics.labels import LabelBounds
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.sessions.protocol import SessionStore
from undercurrent.web.filters import SessionFilter
from undercurrent.web.queries import Page, find_sessions

from ..browser.seed import BASE_MS, Seed, seed

BOUNDS = LabelBounds(["a", "b"])
EVERYTHING = SessionFilter()


@pytest.fixture
def store(memory_store: MemorySessionStore) -> SessionStore:
    return memory_store


def session(n: int, closed_at_ms: int, feature: str = "a") -> Seed:
    return Seed(session_id=f"s{n:02d}", turns=[("user", "hi")], closed_at_ms=closed_at_ms, feature=feature)


async def find(store: SessionStore, f: SessionFilter, **kwargs: int) -> Page:
    return await find_sessions(store, f, BOUNDS, str, fetch_size=3, **kwargs)


def ids(page: Page) -> list[str]:
    return [s.session_id for s in page.sessions]


async def test_newest_first_and_filtered_across_fetches(store: SessionStore) -> None:
    await seed(store, [session(n, BASE_MS + n, feature="ab"[n % 2]) for n in range(9)])
    assert ids(await find(store, SessionFilter(feature="b"))) == ["s07", "s05", "s03", "s01"]


async def test_since_ends_the_walk(store: SessionStore) -> None:
    await seed(store, [session(n, BASE_MS + n) for n in range(9)])
    page = await find(store, SessionFilter(since_ms=BASE_MS + 5))
    assert ids(page) == ["s08", "s07", "s06", "s05"]
    assert (page.scanned, page.next_until, page.scan_stopped_early) == (4, None, False)


async def test_pages_split_a_batch_closed_in_one_millisecond(store: SessionStore) -> None:
    await seed(store, [session(n, BASE_MS + (0 if n < 7 else 1)) for n in range(9)])
    first = await find(store, EVERYTHING, limit=4)
    assert (first.next_until, first.next_offset) == (BASE_MS + 2, 4)
    second = await find(store, SessionFilter(until_ms=first.next_until), limit=4, offset=4)
    third = await find(store, SessionFilter(until_ms=first.next_until), limit=4, offset=8)
    assert sorted(ids(first) + ids(second) + ids(third)) == [f"s{n:02d}" for n in range(9)]
    assert third.next_until is None


@pytest.mark.parametrize("limit, has_next", [(2, True), (9, False), (10, False)])
async def test_a_full_page_links_to_older_sessions_only_if_there_are_any(
    store: SessionStore, limit: int, has_next: bool
) -> None:
    await seed(store, [session(n, BASE_MS + n) for n in range(9)])
    page = await find(store, EVERYTHING, limit=limit)
    assert (page.next_offset is not None) is has_next


async def test_scan_limit_stops_early_and_the_next_page_resumes(store: SessionStore) -> None:
    await seed(store, [session(n, BASE_MS + n, feature="a" if n else "b") for n in range(9)])
    only_b = SessionFilter(feature="b")
    page = await find(store, only_b, scan_limit=4)
    assert (page.sessions, page.scanned, page.scan_stopped_early) == ([], 4, True)
    assert (page.next_until, page.next_offset) == (BASE_MS + 9, 4)
    rest = await find(store, SessionFilter(feature="b", until_ms=page.next_until), offset=4, scan_limit=4)
    assert ids(rest) == [] and rest.next_offset == 8
    last = await find(store, SessionFilter(feature="b", until_ms=page.next_until), offset=8, scan_limit=4)
    assert ids(last) == ["s00"] and last.next_offset is None
