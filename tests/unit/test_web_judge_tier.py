"""The evidence view of a deployment without a judge tier (``undercurrent web --no-judge``, as in the demo), on
the in-memory session store: the view needs a store's sessions, no Redis behaviour."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.testclient import TestClient

from undercurrent.metrics.labels import LabelBounds
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.memory import MemorySessionStore
from undercurrent.web.app import WebConfig, create_app

from ..browser.seed import drift_session, failed_session, quiet_session, seed, spiral_session

TOKEN = "t0ken-for-the-evidence-view"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(params=[True, False], ids=["judge-tier", "no-judge-tier"])
async def client(request: pytest.FixtureRequest, memory_store: MemorySessionStore) -> AsyncIterator[TestClient]:
    await seed(memory_store, [failed_session(), quiet_session(), spiral_session(), drift_session()])
    config = WebConfig(token=TOKEN, bounds=LabelBounds(["writer", "search"]), redact=Redactor(),
                       judge_tier=request.param)
    app = create_app(lambda: memory_store, config)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_a_sampled_session_promises_a_verdict_only_when_a_judge_tier_runs(client: TestClient) -> None:
    judge_tier = client.get("/api/sessions", headers=BEARER).json()["judge_tier"]
    for page in (client.get("/sessions", headers=BEARER).text, client.get("/sessions/spiral-1", headers=BEARER).text):
        assert ("verdict pending" in page) is judge_tier
        assert ("would be sampled (π = 0.250); no judge tier runs here" in page) is not judge_tier


def test_without_a_judge_tier_other_statuses_and_stored_verdicts_still_show(client: TestClient) -> None:
    listing = client.get("/sessions", headers=BEARER).text
    assert "not judged: not sampled" in listing
    assert "The answer missed what the user needed." in listing


def test_a_session_the_judge_gave_up_on_says_why_instead_of_pending(client: TestClient) -> None:
    for page in (client.get("/sessions", headers=BEARER).text, client.get("/sessions/failed-1", headers=BEARER).text):
        assert "judge failed: rate_limited" in page
    rows = client.get("/api/sessions", headers=BEARER).json()["sessions"]
    row = next(s for s in rows if s["session_id"] == "failed-1")
    assert (row["judge_status"], row["judge_failure"]) == ("failed", "rate_limited")
    assert "verdict pending" not in client.get("/sessions/failed-1", headers=BEARER).text
