"""Batch judging through a worker restart: the judge worker in ``judge.mode=batch`` submits the sampled
sessions as a Message Batch to the local Messages API stand-in, is SIGKILLed while the batch is in progress,
and its successor resumes polling from Redis and collects it.

Invariants: every session is submitted once and judged once (one verdict each, one ``VerdictRecord`` each,
``undercurrent_judged_sessions_total`` counts them once); a request the batch could not process goes through
the retry topic into a later batch; a session whose request the API refuses at submission is found by
submitting halves and dead-lettered alone, without holding back the others; spend is counted at the batch
price; no batch is left pending.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import redis.asyncio as aioredis

from tests.support.fake_anthropic import FakeAnthropic, Reply
from undercurrent.devstack.processes import scrape
from undercurrent.devstack.stack import Managed
from undercurrent.judge.cost import BATCH_DISCOUNT, price_for
from undercurrent.sessions.store import RedisSessionStore

from ..integration.harness import Deployment, Worker, collect, produce
from .harness import wait_until
from .test_judge_faults import judge_env, judge_samples, sessions, value

FINE = [f"case-batch-{n}" for n in range(4)]
BUSY = "case-batch-busy"  # overloaded in its first batch: retried in the next one
REFUSED = "case-batch-refused"  # its request makes the API refuse any batch it is in (400)
BATCHED = [*FINE, BUSY]
SESSIONS = [*BATCHED, REFUSED]
MODEL = "claude-sonnet-4-6"


@dataclass
class Outcome:
    verdicts: list[Any]
    submitted: list[list[str]]  # custom ids per batch, in submission order
    before_restart: int  # batches created before the first worker was killed
    refused: list[list[str]]  # custom ids per refused submission
    dead: list[Any]
    interactive_calls: int
    stored: dict[str, str]
    pending: int
    metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float]


def batch_env(fake: FakeAnthropic) -> dict[str, str]:
    return {
        **judge_env(fake),
        "UNDERCURRENT_JUDGE__MODE": "batch",
        "UNDERCURRENT_JUDGE__BATCH_MAX_SESSIONS": str(len(SESSIONS)),
        "UNDERCURRENT_JUDGE__BATCH_MAX_AGE_S": "2",
        "UNDERCURRENT_JUDGE__BATCH_POLL_S": "0.2",
        "UNDERCURRENT_JUDGE__BATCH_POLL_MAX_S": "1",
    }


def samples_of(worker: Worker) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {**judge_samples(worker), **scrape(f"http://127.0.0.1:{worker.metrics_port}/metrics", [
        "undercurrent_judged_sessions_total", "undercurrent_judge_batches_total"])}


@pytest.fixture(scope="module")
def outcome(broker: Managed, module_redis: Managed, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    async def scenario() -> Outcome:
        async with FakeAnthropic(hold_batches=True) as fake:
            fake.when(BUSY, Reply.server_error(529))
            fake.refuse_batches_with = REFUSED
            deployment = Deployment(broker.url, module_redis.url, tmp_path_factory.mktemp("judge-batch"),
                                    batch_env(fake))
            redis = aioredis.from_url(module_redis.url)
            index = f"{deployment.name}:judge:batch-sessions"
            try:
                deployment.start_worker()
                first = deployment.start_worker("judge-worker")
                await produce(deployment.bootstrap, sessions(deployment, SESSIONS))
                # Submitted and recorded, not collected: the batch stays in progress while held.
                for _ in range(360):
                    if await redis.hlen(index) == len(BATCHED):
                        break
                    await asyncio.sleep(0.25)
                assert await redis.hlen(index) == len(BATCHED), "the sessions never joined a recorded batch"
                dead = await collect(deployment.bootstrap, deployment.topic("judge.dlq"), until=1, timeout_s=60)
                first.kill()
                before_restart = len(fake.batches)
                second = deployment.start_worker("judge-worker")
                fake.hold_batches = False
                verdicts = await collect(deployment.bootstrap, deployment.topic("judge.verdicts"),
                                         until=len(BATCHED), timeout_s=90)
                await wait_until(lambda: value(samples_of(second), "undercurrent_judged_sessions_total")
                                 >= len(BATCHED), what="the restarted worker's metrics")
                store = RedisSessionStore.from_url(module_redis.url, prefix=deployment.name)
                stored = {}
                for sid in BATCHED:
                    raw = await store.result(sid, "judge")
                    stored[sid] = json.loads(raw)["schema"] if raw else "missing"
                await store.close()
                pending = await redis.hlen(f"{deployment.name}:judge:batches") + await redis.hlen(index)
                samples = samples_of(second)
                return Outcome(
                    verdicts=verdicts,
                    submitted=[[r["custom_id"] for r in b.requests] for b in fake.batches.values()],
                    before_restart=before_restart, refused=fake.refused_batches, dead=dead,
                    interactive_calls=len(fake.received) - sum(len(b.requests) for b in fake.batches.values()),
                    stored=stored, pending=pending, metrics=samples,
                )
            finally:
                await redis.aclose()
                deployment.stop_all()

    return asyncio.run(scenario())


def test_every_session_is_judged_once_across_the_restart(outcome: Outcome) -> None:
    keys = Counter(m.key.decode() for m in outcome.verdicts)
    assert keys == Counter(BATCHED)  # each exactly once, none lost
    assert outcome.stored == dict.fromkeys(BATCHED, "undercurrent.verdict/v1")
    # The killed worker collected nothing: its successor judged all of them, once.
    assert value(outcome.metrics, "undercurrent_judged_sessions_total") == len(BATCHED)
    assert outcome.pending == 0


def test_each_session_is_submitted_once_and_the_unprocessed_one_again(outcome: Outcome) -> None:
    first, later = outcome.submitted[:outcome.before_restart], outcome.submitted[outcome.before_restart:]
    assert sorted(cid for batch in first for cid in batch) == sorted(BATCHED)  # custom_id = session id
    assert [cid for batch in later for cid in batch] == [BUSY]  # read again after the restart, not resubmitted
    assert outcome.interactive_calls == 0
    assert value(outcome.metrics, "undercurrent_judge_requeued_total", reason="unavailable") == 1
    assert value(outcome.metrics, "undercurrent_judge_batches_total", event="collected") == len(outcome.submitted)


def test_spend_is_counted_at_the_batch_price_with_cache_reads(outcome: Outcome) -> None:
    m = outcome.metrics
    tokens = {kind: value(m, "undercurrent_judge_tokens_total", model=MODEL, kind=kind)
              for kind in ("input", "output", "cache_write", "cache_read")}
    assert tokens["cache_read"] > 0 and tokens["input"] > 0  # the hit rate is computable from these
    price = price_for(MODEL)
    full = (tokens["input"] * price.input + tokens["output"] * price.output
            + tokens["cache_write"] * price.cache_write + tokens["cache_read"] * price.cache_read) / 1e6
    assert value(m, "undercurrent_judge_cost_usd_total", model=MODEL) == pytest.approx(full * BATCH_DISCOUNT)


def test_a_refused_request_is_found_by_halves_and_dead_lettered_alone(outcome: Outcome) -> None:
    assert outcome.refused[0] and sorted(outcome.refused[0]) == sorted(SESSIONS)  # the whole batch, first
    assert outcome.refused[-1] == [REFUSED]  # halved until it stood alone
    assert all(REFUSED in batch for batch in outcome.refused)  # no batch without it was refused
    assert [m.key.decode() for m in outcome.dead] == [REFUSED]
    headers = {k: v.decode() for k, v in outcome.dead[0].headers}
    assert headers["undercurrent-reason"] == "rejected" and "400" in headers["undercurrent-detail"]
    assert REFUSED not in outcome.stored and all(REFUSED not in batch for batch in outcome.submitted)
