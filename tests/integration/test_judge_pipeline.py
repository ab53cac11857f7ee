"""Sampled sessions flow to a judge worker that calls a local Messages API stand-in."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import msgspec
import pytest
from starlette.testclient import TestClient

from tests.support.fake_anthropic import FakeAnthropic, Reply
from undercurrent.judge.record import VerdictRecord
from undercurrent.metrics.labels import LabelBounds
from undercurrent.privacy.redact import Redactor
from undercurrent.records.session import CloseResults
from undercurrent.sessions.store import RedisSessionStore
from undercurrent.web.app import WebConfig, create_app

from .harness import Deployment, collect, encode, event, produce

EMAIL, CARD = "jane.doe@example.org", "4111 1111 1111 1111"


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as server:
        yield server


DRIFT = {
    "quality": "poor",
    "failure_visibility": "invisible",
    "archetypes": [{"archetype": "drift", "evidence_turns": [1, 3], "rationale": "claimed a fix twice"}],
    "domain": "finance_accounting",
    "failure_origin": "interactional",
    "summary": "The assistant said the invoice was fixed; it was not.",
}


def judging(d: Deployment, fake: FakeAnthropic) -> None:
    """Every session sampled (π = 1) and judged by the stand-in, without the SDK's own retries."""
    d.extra_env.update({
        "UNDERCURRENT_SAMPLING__FLOOR": "1.0",
        "UNDERCURRENT_SAMPLING__BASE_RATE": "1.0",
        "UNDERCURRENT_SAMPLING__FULL_RISK_RATE": "1.0",
        "ANTHROPIC_BASE_URL": fake.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "UNDERCURRENT_JUDGE__MAX_RETRIES": "0",
    })


def evidence_view(d: Deployment, redis_url: str) -> TestClient:
    config = WebConfig(token=None, bounds=LabelBounds(["default"]), redact=Redactor())
    return TestClient(create_app(lambda: RedisSessionStore.from_url(redis_url, prefix=d.name), config))


def traffic(d: Deployment, count: int) -> list[tuple[str, str, bytes]]:
    base = int(time.time() * 1000) - 3600 * 1000
    records = []
    for i in range(count):
        sid = f"j{i}"
        bodies = [
            event(sid, 0, base, text=f"my email is {EMAIL} and card {CARD}, please fix my invoice"),
            event(sid, 1, base + 4000, text="Done: your invoice is fixed."),
            event(sid, 2, base + 60000, text="that is wrong, it still shows the old amount"),
            event(sid, 3, base + 64000, text="Done: your invoice is fixed."),
        ]
        records += [(d.topic("chat"), sid, encode(b)) for b in bodies]
    return records


async def test_sampled_sessions_are_judged_weighted_and_never_leak_pii(
    deployment: Deployment, fake: FakeAnthropic, redis_url: str
) -> None:
    judging(deployment, fake)
    fake.then(Reply.malformed_json())
    ingest = deployment.start_worker()
    judge = deployment.start_worker("judge-worker")
    await produce(deployment.bootstrap, traffic(deployment, 8))

    verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=7)
    dead = await collect(deployment.bootstrap, deployment.topic("judge.dlq"), until=1)
    sessions = await collect(deployment.bootstrap, deployment.topic("sessions"), until=8)

    assert len(verdicts) == 7
    assert [dict(m.headers)["undercurrent-reason"] for m in dead] == [b"invalid_output"]
    for message in sessions:
        assert EMAIL not in message.value.decode() and "4111" not in message.value.decode()
        assert json.loads(message.value)["sampling"]["pi"] == 1.0
    assert fake.received and all(EMAIL not in json.dumps(r.body) and CARD not in json.dumps(r.body)
                                 for r in fake.received)

    failing = [json.loads(m.value) for m in verdicts]
    failing = [v for v in failing if v["verdict"]["failure_visibility"] != "none"]
    assert judge.sample("undercurrent_failure_weight_total", archetype="any") == len(failing)
    assert judge.sample("undercurrent_judge_requests_total", outcome="ok") == 7

    # Model-assisted counters: f as each record carried it, added once per closed and once per judged session.
    predicted = {json.loads(m.value)["session_id"]: json.loads(m.value)["predictions"]["failure"].get("any", 0.0)
                 for m in sessions}
    judged_ids = [json.loads(m.value)["session_id"] for m in verdicts]
    cell = {"archetype": "any", "measure": "failure"}
    assert ingest.sample("undercurrent_inclusion_weight_total") == 8
    assert ingest.sample("undercurrent_predicted_failures_total", **cell) == pytest.approx(sum(predicted.values()))
    assert sum(predicted.values()) > 0
    assert judge.sample("undercurrent_judged_prediction_weight_total", **cell) == pytest.approx(
        sum(predicted[sid] for sid in judged_ids))
    assert judge.sample("undercurrent_judged_failure_weight_total", **cell) == len(failing)
    assert judge.sample("undercurrent_judge_requests_total", outcome="invalid_output") == 1

    store = RedisSessionStore.from_url(redis_url, prefix=deployment.name)
    try:
        judged = json.loads(verdicts[0].value)["session_id"]
        stored = await store.get(judged)
        assert stored is not None and stored.results is not None
        kept = msgspec.json.decode(stored.results["judge"], type=VerdictRecord)
        assert kept.verdict == msgspec.json.decode(verdicts[0].value, type=VerdictRecord).verdict
        sampling = msgspec.json.decode(stored.results["close"], type=CloseResults).sampling
        assert sampling is not None and sampling.sampled is True
    finally:
        await store.close()


async def test_the_evidence_view_shows_the_verdict_the_judge_worker_stored(
    deployment: Deployment, fake: FakeAnthropic, redis_url: str
) -> None:
    judging(deployment, fake)
    fake.then(Reply.ok(DRIFT))
    deployment.start_worker()
    deployment.start_worker("judge-worker")
    await produce(deployment.bootstrap, traffic(deployment, 1))
    verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=1)
    assert [m.key for m in verdicts] == [b"j0"]

    with evidence_view(deployment, redis_url) as client:
        listed = client.get("/api/sessions", params={"archetype": "drift"}).json()["sessions"]
        page = client.get("/sessions/j0").text
        listing = client.get("/sessions").text
    assert [s["session_id"] for s in listed] == ["j0"]
    row = listed[0]
    assert (row["judge_status"], row["judge_quality"], row["judge_visibility"], row["judge_archetypes"]) == (
        "judged", "poor", "invisible", ["drift"]
    )
    assert row["judge_summary"] == DRIFT["summary"]
    for html in (page, listing):
        assert DRIFT["summary"] in html
        assert "None" not in html
    assert "claimed a fix twice" in page
