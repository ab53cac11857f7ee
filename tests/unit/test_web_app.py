"""The evidence view through Starlette's TestClient, on the in-memory session store: the view needs a store's
sessions and index, no Redis behaviour (tests/faults/test_evidence_view.py covers Redis going away)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from undercurrent.metrics.labels import LabelBounds
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.web.app import WebConfig, create_app
from undercurrent.web.auth import COOKIE

from ..browser.seed import (
    BASE_MS,
    Seed,
    drift_session,
    quiet_session,
    report_of,
    seed,
    signal,
    spiral_session,
    verdict,
)

TOKEN = "t0ken-for-the-evidence-view"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def seeded(memory_store: MemorySessionStore) -> MemorySessionStore:
    await seed(memory_store, [quiet_session(), spiral_session(), drift_session()])
    return memory_store


@pytest.fixture
def client(seeded: MemorySessionStore) -> Iterator[TestClient]:
    config = WebConfig(token=TOKEN, bounds=LabelBounds(["writer", "search"]), redact=Redactor())
    app = create_app(lambda: seeded, config)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def listed(client: TestClient, **params: str) -> list[str]:
    response = client.get("/api/sessions", params=params, headers=BEARER)
    assert response.status_code == 200, response.text
    return [s["session_id"] for s in response.json()["sessions"]]


def test_no_token_is_refused(client: TestClient) -> None:
    response = client.get("/sessions")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "headers, params",
    [
        ({"Authorization": "Bearer wrong-token-of-some-length"}, {}),
        ({}, {"token": "nope"}),
        ({"Authorization": f"Basic {TOKEN}"}, {}),
    ],
)
def test_wrong_token_is_refused(client: TestClient, headers: dict[str, str], params: dict[str, str]) -> None:
    assert client.get("/sessions", headers=headers, params=params).status_code == 401


def test_bearer_token_is_accepted(client: TestClient) -> None:
    assert client.get("/sessions", headers=BEARER).status_code == 200


def test_query_token_sets_a_strict_cookie_and_reloads_without_the_token(client: TestClient) -> None:
    response = client.get("/sessions", params={"token": TOKEN, "archetype": "drift"})
    cookie = response.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert TOKEN not in cookie
    assert 'url=/sessions?archetype=drift"' in response.text
    follow = client.get("/sessions?archetype=drift")
    assert follow.status_code == 200 and "drift-1" in follow.text


def test_healthz_needs_no_token(client: TestClient) -> None:
    assert client.get("/healthz").text == "ok"


def test_list_is_newest_first(client: TestClient) -> None:
    assert listed(client) == ["drift-1", "spiral-1", "ok-1"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"feature": "writer"}, ["drift-1", "ok-1"]),
        ({"domain": "software_development"}, ["spiral-1"]),
        ({"archetype": "drift"}, ["drift-1"]),
        ({"archetype": "death_spiral"}, ["spiral-1"]),
        ({"archetype": "any"}, ["drift-1", "spiral-1"]),
        ({"signal": "repetition"}, ["spiral-1"]),
        ({"visibility": "invisible"}, ["drift-1"]),
        ({"feature": "writer", "archetype": "death_spiral"}, []),
        ({"since": str(BASE_MS + 450_000)}, ["drift-1", "spiral-1"]),
        ({"until": "2025-01-15T10:08:21Z"}, ["spiral-1", "ok-1"]),
        ({"until": str(BASE_MS + 500_000)}, ["ok-1"]),
        ({"feature": "All", "domain": "$__all"}, ["drift-1", "spiral-1", "ok-1"]),
    ],
)
def test_filters(client: TestClient, params: dict[str, str], expected: list[str]) -> None:
    assert listed(client, **params) == expected


def test_bad_filter_is_a_400_with_the_reason(client: TestClient) -> None:
    response = client.get("/sessions", params={"archetype": "gremlin"}, headers=BEARER)
    assert response.status_code == 400 and "unknown archetype" in response.text


def test_list_shows_heuristic_and_judge_side_by_side(client: TestClient) -> None:
    page = client.get("/sessions", headers=BEARER).text
    assert "The answer missed what the user needed." in page
    assert "not judged: sampled, verdict pending" in page
    assert "not judged: not sampled" in page


def test_session_page_shows_signals_and_verdict(client: TestClient) -> None:
    page = client.get("/sessions/drift-1", headers=BEARER).text
    assert "user_corrects_ai" in page and "&#34;That is not what I asked&#34;" in page
    assert "kept going after the correction" in page
    assert 'id="turn-1" class="turn role-assistant evidence"' in page
    assert "regenerate" in page


def test_email_in_a_transcript_is_redacted(client: TestClient) -> None:
    page = client.get("/sessions/drift-1", headers=BEARER).text
    assert "jane.doe@example.com" not in page and "Reply to [EMAIL]." in page


def test_unknown_session_is_404(client: TestClient) -> None:
    assert client.get("/sessions/nope", headers=BEARER).status_code == 404


async def test_markup_in_text_is_escaped(client: TestClient, seeded: MemorySessionStore) -> None:
    hostile = Seed(
        session_id="xss-1",
        closed_at_ms=BASE_MS + 700_000,
        turns=[("user", "<script>alert('turn')</script>"), ("assistant", "ok")],
        report=report_of([signal("copy", [1], "<img src=x onerror=alert(1)>")]),
        sampled=False,
    )
    await seed(seeded, [hostile])
    page = client.get("/sessions/xss-1", headers=BEARER).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;turn&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


async def test_a_verdict_from_a_split_ensemble_is_marked(client: TestClient, seeded: MemorySessionStore) -> None:
    split = Seed(
        session_id="split-1",
        closed_at_ms=BASE_MS + 800_000,
        turns=[("user", "Cancel my order"), ("assistant", "Your order is cancelled.")],
        sampled=True,
        verdict=verdict("walkaway", (1,), "The user left without an answer."),
        votes=3,
        split=("walkaway", "drift"),
    )
    await seed(seeded, [split])
    mark = "ensemble split (3 votes) on drift, walkaway"

    page = client.get("/sessions", headers=BEARER).text
    assert page.count(mark) == 1  # only the split session's row; drift-1 was judged once
    assert mark in client.get("/sessions/split-1", headers=BEARER).text
    assert "ensemble split" not in client.get("/sessions/drift-1", headers=BEARER).text
    rows = {s["session_id"]: s for s in client.get("/api/sessions", headers=BEARER).json()["sessions"]}
    assert (rows["split-1"]["judge_votes"], rows["split-1"]["judge_split"]) == (3, ["drift", "walkaway"])
    assert rows["drift-1"]["judge_split"] == []
