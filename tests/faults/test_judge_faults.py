"""Judge faults: the API rate-limits, is overloaded, answers garbage or names a model without a price, and the
judge worker is stopped mid-request. An ingest worker and a judge worker run against the test broker, a private
Redis and the local Messages API stand-in; each session meets its own fault.

Invariants: every sampled session ends judged or dead-lettered once with its reason, feature, domain and π;
only calls the API did not answer are sent again, after a backoff and a bounded number of attempts; an
unpriced reply is counted at the highest known price and never sent again; the evidence view says why a
session has no verdict; a request in flight when the worker stops is judged by its successor.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support.fake_anthropic import FakeAnthropic, Reply
from undercurrent.devstack.processes import scrape
from undercurrent.devstack.stack import Managed
from undercurrent.judge.cost import ceiling_price
from undercurrent.metrics.labels import LabelBounds
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.store import RedisSessionStore
from undercurrent.web.app import WebConfig, create_app

from ..integration.harness import Deployment, Worker, collect, encode, event, produce
from .harness import FAST_CLOSE, dead_letter_reasons, log_lines, responsive, terminate, wait_until

MAX_ATTEMPTS = 3
UNPRICED_MODEL = "claude-mystery-1"


def judge_env(fake: FakeAnthropic) -> dict[str, str]:
    """Every session sampled (π = 1); the SDK does not retry, so every attempt is one call we can count."""
    return {
        **FAST_CLOSE,
        "UNDERCURRENT_SAMPLING__FLOOR": "1.0",
        "UNDERCURRENT_SAMPLING__BASE_RATE": "1.0",
        "UNDERCURRENT_SAMPLING__FULL_RISK_RATE": "1.0",
        "ANTHROPIC_BASE_URL": fake.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "UNDERCURRENT_JUDGE__MAX_RETRIES": "0",
        "UNDERCURRENT_JUDGE__RETRY_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
        "UNDERCURRENT_JUDGE__RETRY_BACKOFF_S": "0.5",
        "UNDERCURRENT_JUDGE__RETRY_BACKOFF_MAX_S": "2",
        "UNDERCURRENT_JUDGE__BREAKER_THRESHOLD": "100",  # the circuit is tested with the client, not here
    }


def sessions(d: Deployment, markers: list[str]) -> list[tuple[str, str, bytes]]:
    """One closed session per marker, keyed by the marker; the marker is in the text the judge sees."""
    base = int(time.time() * 1000) - 3600 * 1000
    records = []
    for marker in markers:
        bodies = [
            event(marker, 0, base, text=f"{marker}: my invoice still shows the old amount"),
            event(marker, 1, base + 4000, text="Done: your invoice is fixed."),
            event(marker, 2, base + 8000, "session_end"),
        ]
        records += [(d.topic("chat" if b["type"] == "turn" else "client"), marker, encode(b)) for b in bodies]
    return records


FAULTS = {
    "case-flaky": (Reply.rate_limited(0.2), Reply.server_error(529)),  # then a verdict
    "case-down": (Reply.server_error(529),) * MAX_ATTEMPTS,
    "case-garbled": (Reply.malformed_json(),),
    "case-unpriced": (Reply.ok(model=UNPRICED_MODEL),),
}
FINE = ["case-fine-1", "case-fine-2", "case-fine-3"]
EXPECTED_DEAD = {"case-down": "unavailable", "case-garbled": "invalid_output", "case-unpriced": "unpriced_model"}
# A request no session can be rebuilt from, sent straight to the judge.
BROKEN = {"session_id": "case-broken", "feature": "default", "domain": "legal", "sampling": {"pi": 0.5},
          "transcript": "not a list", "opened_ms": 0, "last_event_ms": 0}


@dataclass
class Outcome:
    preinitialised: dict[tuple[str, tuple[tuple[str, str], ...]], float]
    verdicts: list[Any]
    dead: list[Any]
    calls: dict[str, int]
    metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float]
    listing: list[dict[str, Any]]
    page: str
    alive: bool


def skipped(worker: Worker, session_id: str) -> bool:
    return any(line.get("session_id") == session_id for line in log_lines(worker, "request skipped"))


def judge_samples(worker: Worker) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    names = ["undercurrent_judge_dead_letters_total", "undercurrent_judge_requeued_total",
             "undercurrent_judge_cost_usd_total", "undercurrent_judge_tokens_total",
             "undercurrent_judge_requests_total"]
    return scrape(f"http://127.0.0.1:{worker.metrics_port}/metrics", names)


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls))


@pytest.fixture(scope="module")
def outcome(broker: Managed, module_redis: Managed, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    async def scenario() -> Outcome:
        async with FakeAnthropic() as fake:
            for marker, replies in FAULTS.items():
                fake.when(marker, *replies)
            deployment = Deployment(broker.url, module_redis.url, tmp_path_factory.mktemp("judge"), judge_env(fake))
            try:
                deployment.start_worker()
                judge = deployment.start_worker("judge-worker")
                await wait_until(lambda: responsive(judge), what="judge worker metrics")
                preinitialised = judge_samples(judge)
                await produce(deployment.bootstrap, sessions(deployment, [*FAULTS, *FINE]))
                await produce(deployment.bootstrap, [(deployment.topic("judge.requests"), "case-broken",
                                                      json.dumps(BROKEN).encode())])
                verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=1 + len(FINE))
                dead = await collect(deployment.bootstrap, deployment.topic("judge.dlq"), until=len(EXPECTED_DEAD) + 1)
                # A judged request read again (a redelivery, a replay) must not be paid for twice.
                requests = await collect(deployment.bootstrap, deployment.topic("judge.requests"),
                                         until=len(FAULTS) + len(FINE) + 1, settle_s=0)
                again = next(m for m in requests if m.key == b"case-fine-1")
                await produce(deployment.bootstrap, [(again.topic, "case-fine-1", again.value)])
                await wait_until(lambda: skipped(judge, "case-fine-1"), what="the judged request skipped")
                verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=len(verdicts))
                calls = {m: len(fake.received_with(m)) for m in [*FAULTS, *FINE, "case-broken"]}
                metrics = judge_samples(judge)
                config = WebConfig(token=None, bounds=LabelBounds(["default"]), redact=Redactor())
                app = create_app(lambda: RedisSessionStore.from_url(module_redis.url, prefix=deployment.name), config)
                with TestClient(app) as client:
                    listing = client.get("/api/sessions").json()["sessions"]
                    page = client.get("/sessions/case-down").text
                return Outcome(preinitialised, verdicts, dead, calls, metrics, listing, page, responsive(judge))
            finally:
                deployment.stop_all()

    return asyncio.run(scenario())


def test_failure_series_exist_at_zero_from_start_up(outcome: Outcome) -> None:
    before = outcome.preinitialised
    for reason in ("rate_limited", "unavailable", "timeout", "invalid_output", "unpriced_model", "bad_request"):
        assert before[("undercurrent_judge_dead_letters_total",
                       (("domain", "unknown"), ("feature", "default"), ("reason", reason)))] == 0
    for reason in ("rate_limited", "unavailable", "timeout"):
        assert before[("undercurrent_judge_requeued_total", (("reason", reason),))] == 0
    series = {ls for (n, ls) in before if n == "undercurrent_judge_dead_letters_total"}
    features = {dict(ls)["feature"] for ls in series}
    assert features == {"default", "other"}  # bounded: the configured features plus "other"


def test_what_the_api_did_not_answer_is_judged_after_a_backoff(outcome: Outcome) -> None:
    judged = sorted(m.key.decode() for m in outcome.verdicts)
    assert judged == sorted(["case-flaky", *FINE])
    assert outcome.calls["case-flaky"] == 3  # 429, 529, then the verdict
    assert all(outcome.calls[m] == 1 for m in FINE)
    assert sorted(m.key.decode() for m in outcome.verdicts) == judged  # no verdict twice
    assert value(outcome.metrics, "undercurrent_judge_requeued_total", reason="rate_limited") == 1
    # case-flaky once, case-down before its second and third attempts
    assert value(outcome.metrics, "undercurrent_judge_requeued_total", reason="unavailable") == 3


def test_each_judge_failure_is_dead_lettered_once_with_its_stratum(outcome: Outcome) -> None:
    by_key = {m.key.decode(): m for m in outcome.dead}
    assert len(outcome.dead) == len(EXPECTED_DEAD) + 1
    assert dead_letter_reasons(outcome.dead) == {**dict.fromkeys(EXPECTED_DEAD.values(), 1), "bad_request": 1}
    for marker, reason in EXPECTED_DEAD.items():
        headers = {k: v.decode() for k, v in by_key[marker].headers}
        request = json.loads(by_key[marker].value)
        assert headers["undercurrent-reason"] == reason
        assert headers["undercurrent-feature"] == request["feature"] == "default"
        assert headers["undercurrent-domain"] == (request.get("domain") or "unknown")
        assert float(headers["undercurrent-pi"]) == request["sampling"]["pi"] == 1.0
        labels = {"reason": reason, "feature": "default", "domain": headers["undercurrent-domain"]}
        assert value(outcome.metrics, "undercurrent_judge_dead_letters_total", **labels) == 1
    assert {k: v.decode() for k, v in by_key["case-down"].headers}["undercurrent-attempts"] == str(MAX_ATTEMPTS)
    assert value(outcome.metrics, "undercurrent_judge_dead_letters_total") == len(EXPECTED_DEAD) + 1


def test_a_request_that_cannot_be_judged_is_dead_lettered_in_its_stratum_without_a_call(outcome: Outcome) -> None:
    dead = next(m for m in outcome.dead if m.key == b"case-broken")
    headers = {k: v.decode() for k, v in dead.headers}
    assert (headers["undercurrent-reason"], headers["undercurrent-feature"], headers["undercurrent-domain"],
            headers["undercurrent-pi"]) == ("bad_request", "default", "legal", "0.5")
    assert json.loads(dead.value) == BROKEN
    labels = {"reason": "bad_request", "feature": "default", "domain": "legal"}
    assert value(outcome.metrics, "undercurrent_judge_dead_letters_total", **labels) == 1
    assert outcome.calls["case-broken"] == 0


def test_attempts_are_bounded_and_a_paid_call_is_never_repeated(outcome: Outcome) -> None:
    assert outcome.calls["case-down"] == MAX_ATTEMPTS
    assert outcome.calls["case-garbled"] == 1
    assert outcome.calls["case-unpriced"] == 1
    assert outcome.calls["case-fine-1"] == 1  # also after its judged request was read a second time
    assert outcome.alive


def test_an_unpriced_reply_is_counted_at_the_highest_known_price_under_a_bounded_label(outcome: Outcome) -> None:
    m = outcome.metrics
    assert not any(dict(ls).get("model") == UNPRICED_MODEL for _, ls in m)
    ceiling = ceiling_price()
    tokens = {kind: value(m, "undercurrent_judge_tokens_total", model="unpriced", kind=kind)
              for kind in ("input", "output", "cache_write", "cache_read")}
    assert tokens["input"] > 0 and tokens["output"] > 0
    expected = (tokens["input"] * ceiling.input + tokens["output"] * ceiling.output
                + tokens["cache_write"] * ceiling.cache_write + tokens["cache_read"] * ceiling.cache_read) / 1e6
    assert value(m, "undercurrent_judge_cost_usd_total", model="unpriced") == pytest.approx(expected)


def test_the_evidence_view_says_why_a_sampled_session_has_no_verdict(outcome: Outcome) -> None:
    rows = {r["session_id"]: r for r in outcome.listing}
    for marker, reason in EXPECTED_DEAD.items():
        assert (rows[marker]["judge_status"], rows[marker]["judge_failure"]) == ("failed", reason)
    assert rows["case-flaky"]["judge_status"] == "judged"
    assert "judge failed: unavailable" in outcome.page
    assert "verdict pending" not in outcome.page


def test_a_request_in_flight_when_the_judge_stops_is_judged_by_its_successor(
    broker: Managed, module_redis: Managed, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async def scenario() -> tuple[list[Any], int]:
        async with FakeAnthropic() as fake:
            # The first call hangs for longer than a stop may take; the successor's is answered at once.
            fake.when("case-slow", Reply.slow(600))
            deployment = Deployment(broker.url, module_redis.url, tmp_path_factory.mktemp("judge-stop"),
                                    judge_env(fake))
            try:
                deployment.start_worker()
                first = deployment.start_worker("judge-worker")
                await produce(deployment.bootstrap, sessions(deployment, ["case-slow"]))
                await wait_until(lambda: len(fake.received_with("case-slow")) == 1, what="the first call")
                await asyncio.to_thread(terminate, first)
                deployment.start_worker("judge-worker")
                verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"), until=1,
                                         timeout_s=120)
                return verdicts, len(fake.received_with("case-slow"))
            finally:
                deployment.stop_all()

    verdicts, calls = asyncio.run(scenario())
    assert [m.key for m in verdicts] == [b"case-slow"]
    assert calls == 2
