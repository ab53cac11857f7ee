"""A real evidence view (uvicorn in a thread) over a real Redis, and a real headless Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import uvicorn

from undercurrent.metrics.labels import LabelBounds
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.store import RedisSessionStore
from undercurrent.web.app import WebConfig, create_app

from .seed import agent_session, drift_session, quiet_session, seed, spiral_session

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "browser-test-token-0123456789"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install -y chromium); "
            "the browser test drives it through Playwright and does not download browsers",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture
async def seeded(store: RedisSessionStore) -> RedisSessionStore:
    await seed(store, [quiet_session(), spiral_session(), drift_session(), agent_session()])
    return store


@pytest.fixture
def web_url(seeded: RedisSessionStore, redis_url: str, key_prefix: str) -> Iterator[str]:
    config = WebConfig(token=TOKEN, bounds=LabelBounds(["writer", "search", "airline"]), redact=Redactor())
    app = create_app(lambda: RedisSessionStore.from_url(redis_url, prefix=key_prefix), config)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the evidence view did not start", pytrace=False)
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
