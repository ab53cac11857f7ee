"""The evidence view under attack and through a Redis restart: the real app served by uvicorn over
HTTP, a private Redis with an append-only file.

Sign-in attempts are limited per client, every response carries the security headers, API answers
are never cached, forwarded headers count only from trusted proxies, odd session ids still link to
their own page, and a Redis restart yields 503s and then the pages again, never a 500.
"""

from __future__ import annotations

import asyncio
import html
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import structlog
import uvicorn

from undercurrent.devstack import free_port
from undercurrent.metrics.labels import LabelBounds
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.store import RedisSessionStore
from undercurrent.web.app import WebConfig, create_app
from undercurrent.web.auth import COOKIE
from undercurrent.web.clients import parse_networks
from undercurrent.web.limiter import SignInLimit

from ..browser.seed import Seed, drift_session, seed
from .harness import DurableRedis

TOKEN = "evidence-view-token-0123456789"
WRONG = "wrong-token-guess-9876543210"
LIMIT = SignInLimit(max_failures=5, window_s=60.0)
ODD_IDS = ("../admin", "a b?c#d", "..", ".", "%2e%2e", "x/../../y")
DOT_SEGMENTS = {b".", b"..", b"%2e", b".%2e", b"%2e.", b"%2e%2e"}  # what URL parsers treat as . and ..


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DurableRedis]:
    durable = DurableRedis(tmp_path_factory.mktemp("web-redis")).start()
    yield durable
    durable.stop()


@pytest.fixture(scope="module")
def prefix(redis: DurableRedis) -> str:
    async def seeded() -> None:
        store = RedisSessionStore.from_url(redis.url, prefix="web")
        try:
            await seed(store, [drift_session(), *(Seed(sid, [("user", "hi"), ("assistant", "hello")],
                                                       closed_at_ms=1_736_935_300_000 + n)
                                                  for n, sid in enumerate(ODD_IDS))])
        finally:
            await store.close()

    asyncio.run(seeded())
    return "web"


@contextmanager
def serving(redis_url: str, prefix: str, trusted: str = "") -> Iterator[str]:
    config = WebConfig(
        token=TOKEN, bounds=LabelBounds(["writer", "search"]), redact=Redactor(),
        trusted_proxies=parse_networks(trusted), sign_in=LIMIT,
    )
    app = create_app(lambda: RedisSessionStore.from_url(redis_url, prefix=prefix), config)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False,
                                           log_level="warning", proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the evidence view did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def view(redis: DurableRedis, prefix: str) -> Iterator[httpx.Client]:
    with serving(redis.url, prefix) as url, httpx.Client(base_url=url) as client:
        yield client


@pytest.fixture
def behind_proxy(redis: DurableRedis, prefix: str) -> Iterator[httpx.Client]:
    """The view with 127.0.0.1 as its trusted proxy: the test plays the proxy."""
    with serving(redis.url, prefix, trusted="127.0.0.1") as url, httpx.Client(base_url=url) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_wrong_tokens_are_limited_per_client_with_retry_after(behind_proxy: httpx.Client) -> None:
    attacker = {"X-Forwarded-For": "203.0.113.7"}
    with structlog.testing.capture_logs() as logs:
        refused = [behind_proxy.get("/sessions", headers={**bearer(WRONG), **attacker}).status_code
                   for _ in range(LIMIT.max_failures)]
        limited = [behind_proxy.get("/api/sessions", headers={**bearer(WRONG), **attacker}) for _ in range(300)]
        right_token_too = behind_proxy.get("/sessions", headers={**bearer(TOKEN), **attacker})
        bystander = behind_proxy.get("/sessions", headers={**bearer(TOKEN), "X-Forwarded-For": "198.51.100.9"})

    assert refused == [401] * LIMIT.max_failures
    assert {r.status_code for r in limited} == {429}
    assert 0 < int(limited[0].headers["Retry-After"]) <= LIMIT.window_s
    assert "try again in" in limited[0].text
    assert right_token_too.status_code == 429  # no more guesses, right or wrong, until the wait is over
    assert bystander.status_code == 200
    failed = [e for e in logs if e["event"] == "evidence view sign-in failed"]
    assert len(failed) == LIMIT.max_failures and {e["client"] for e in failed} == {"203.0.113.7"}
    assert sum(e["event"] == "evidence view sign-ins limited" for e in logs) == 1
    assert len(logs) <= LIMIT.max_failures + 1  # 300 blocked attempts do not flood the log
    assert not [e for e in logs if WRONG in repr(e) or TOKEN in repr(e)]


def test_forwarded_addresses_from_an_untrusted_peer_do_not_evade_the_limit(view: httpx.Client) -> None:
    codes = [view.get("/sessions", headers={**bearer(WRONG), "X-Forwarded-For": f"192.0.2.{n}"}).status_code
             for n in range(LIMIT.max_failures + 1)]
    assert codes == [401] * LIMIT.max_failures + [429]


def test_requests_without_credentials_are_refused_but_not_counted(view: httpx.Client) -> None:
    assert {view.get("/sessions").status_code for _ in range(3 * LIMIT.max_failures)} == {401}
    assert view.get("/sessions", headers=bearer(TOKEN)).status_code == 200


@pytest.mark.parametrize(
    ("path", "authorised", "status"),
    [
        ("/sessions", True, 200),
        ("/sessions/drift-1", True, 200),
        ("/api/sessions", True, 200),
        ("/api/sessions?limit=x", True, 400),
        ("/sessions/nope", True, 404),
        ("/sessions", False, 401),
        ("/api/sessions", False, 401),
        ("/healthz", False, 200),
        ("/static/style.css", False, 200),
    ],
)
def test_every_response_carries_the_security_headers(view: httpx.Client, path: str, authorised: bool,
                                                     status: int) -> None:
    response = view.get(path, headers=bearer(TOKEN) if authorised else {})
    assert response.status_code == status
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    if path.startswith("/api/"):
        assert response.headers["Cache-Control"] == "no-store"


def sign_in_cookie(client: httpx.Client, **headers: str) -> str:
    client.cookies.clear()
    response = client.get(f"/sessions?token={TOKEN}", headers=headers)
    assert response.status_code == 200
    return response.headers["set-cookie"]


def test_the_cookie_is_secure_only_over_https_or_a_trusted_proxys_https(
    view: httpx.Client, behind_proxy: httpx.Client
) -> None:
    assert "secure" not in sign_in_cookie(view).lower()
    assert "secure" not in sign_in_cookie(view, **{"X-Forwarded-Proto": "https"}).lower()  # untrusted peer
    assert "secure" in sign_in_cookie(behind_proxy, **{"X-Forwarded-Proto": "https"}).lower()
    assert "secure" not in sign_in_cookie(behind_proxy, **{"X-Forwarded-Proto": "http"}).lower()
    assert f"{COOKIE}=" in sign_in_cookie(behind_proxy)


def test_odd_session_ids_link_to_their_own_page(view: httpx.Client) -> None:
    listing = view.get("/sessions", headers=bearer(TOKEN)).text
    links = {html.unescape(m.group(2)): html.unescape(m.group(1))
             for m in re.finditer(r'<td><a href="([^"]+)">([^<]+)</a></td>', listing)}
    for sid in ODD_IDS:
        target = view.base_url.join(links[sid])
        segments = target.raw_path.split(b"?")[0].lower().split(b"/")
        assert not DOT_SEGMENTS & set(segments), (sid, links[sid])  # a browser would resolve these away
        page = view.get(target, headers=bearer(TOKEN))
        assert page.status_code == 200, (sid, links[sid], str(target))
        assert f"<h1>Session <code>{html.escape(sid)}</code></h1>" in page.text, (sid, links[sid])


def test_a_redis_restart_gives_503_then_the_pages_again(view: httpx.Client, redis: DurableRedis) -> None:
    assert view.get("/sessions/drift-1", headers=bearer(TOKEN)).status_code == 200
    redis.kill()
    try:
        down = [view.get(path, headers=bearer(TOKEN)) for path in ("/sessions", "/api/sessions", "/sessions/drift-1")]
    finally:
        redis.start()
    assert [r.status_code for r in down] == [503, 503, 503]
    assert all(int(r.headers["Retry-After"]) > 0 for r in down)
    assert down[1].json()["error"].startswith("the session store is unavailable")
    first_after = view.get("/sessions/drift-1", headers=bearer(TOKEN))
    assert first_after.status_code == 200 and "drift-1" in first_after.text
    assert view.get("/api/sessions", headers=bearer(TOKEN)).status_code == 200


def test_the_health_check_answers_while_redis_is_down(view: httpx.Client, redis: DurableRedis) -> None:
    redis.kill()
    try:
        assert view.get("/healthz").status_code == 200
    finally:
        redis.start()
