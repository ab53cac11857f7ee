"""Shared fixtures: a real Redis and a real Kafka-compatible broker, started when needed.

Both are private processes of the test session: nothing here touches a Redis or broker
that happens to answer on the default addresses. The suite must also leave the checkout as
it found it: worker data, logs and the like belong in temporary directories.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from undercurrent.devstack.stack import Managed, start_broker, start_redis
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.sessions.store import RedisSessionStore

from .support.redis_cluster import redis_cluster
from .support.stores import Clock, redis_store

ROOT = Path(__file__).resolve().parents[1]

# No test asserts how long something takes: Hypothesis' per-example deadline would fail
# property tests for the machine's load, not for a wrong answer.
settings.register_profile("undercurrent", deadline=None)
settings.load_profile("undercurrent")
# Each test folder is one kind of test, marked by its folder name (`pytest -m unit`, `-m "not image"`);
# bench/tests holds the benchmark's pure arithmetic, so its tests are unit tests.
FOLDER_MARKERS = ("unit", "integration", "e2e", "browser", "simulation", "faults", "deploy", "image")
CACHES = frozenset({"__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".venv"})


def folder_marker(path: Path) -> str | None:
    """The marker of a test file from its folder under tests/ (or bench/tests); None outside them."""
    parts = path.relative_to(ROOT).parts
    if parts[:2] == ("bench", "tests"):
        return "unit"
    if len(parts) > 2 and parts[0] == "tests" and parts[1] in FOLDER_MARKERS:
        return parts[1]
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = folder_marker(item.path)
        if marker is not None:
            item.add_marker(marker)


def _checkout_entries() -> set[str]:
    """Top-level entries of the checkout plus what git reports as untracked or ignored, caches excepted."""
    entries = {path.name + ("/" if path.is_dir() else "") for path in ROOT.iterdir()}
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    entries |= {line[3:] for line in status.stdout.splitlines() if line[:2] in ("??", "!!")}
    return {entry for entry in entries if not (CACHES & set(entry.rstrip("/").split("/"))) and
            not entry.rstrip("/").endswith(".egg-info")}


@pytest.fixture(scope="session", autouse=True)
def checkout_left_as_found() -> Iterator[None]:
    before = _checkout_entries()
    yield
    left = sorted(_checkout_entries() - before)
    assert not left, f"the tests left these in the checkout: {left}"


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def redis_url(stack_dir: Path) -> Iterator[str]:
    managed = start_redis(stack_dir)
    yield managed.url
    managed.stop()


@pytest.fixture(scope="session")
def broker(stack_dir: Path) -> Iterator[Managed]:
    managed = start_broker(stack_dir)
    yield managed
    managed.stop()


@pytest.fixture(scope="session")
def redis_cluster_url(stack_dir: Path) -> Iterator[str]:
    """A node of a private three-primary Redis Cluster."""
    with redis_cluster(stack_dir / "cluster") as nodes:
        yield nodes[0].url


@pytest.fixture
def redis_mode(request: pytest.FixtureRequest) -> str:
    """The Redis a test's store and workers use: ``primary``, unless parametrised (indirect) with ``cluster``."""
    return str(getattr(request, "param", "primary"))


@pytest.fixture
def session_redis_url(request: pytest.FixtureRequest, redis_mode: str) -> str:
    return str(request.getfixturevalue("redis_cluster_url" if redis_mode == "cluster" else "redis_url"))


@pytest.fixture
def key_prefix() -> str:
    return f"uct-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def store(session_redis_url: str, redis_mode: str, key_prefix: str) -> AsyncIterator[RedisSessionStore]:
    async with redis_store(session_redis_url, cluster=redis_mode == "cluster", prefix=key_prefix) as store:
        yield store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def memory_store(clock: Clock) -> MemorySessionStore:
    """The in-memory session store, for tests that need a store's semantics but no Redis behaviour."""
    return MemorySessionStore(clock=clock)
