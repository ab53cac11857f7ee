"""Two monitored deployments fed the same replayed traffic, one of them with a Drift spike.

Each run replays its traffic as two releases of model ``m``: ``m@v1`` (the baseline) gets the
base conversations, ``m@v2`` the same conversations again, plus the Drift scenarios in the
spike run. So the spike run has both a Drift spike and a release that regressed on Drift,
and the calm run two releases that answer alike. Each release replays half as many base
conversations as a run had before releases existed, so the runs judge no more sessions.

Each run has its own topics, ingest worker, judge worker (judging every session,
π = 1, through the local Messages API stand-in, which confirms what the detectors
flagged, Drift included) and Prometheus; both Prometheus servers send alerts to one Alertmanager, whose
notifications land in a webhook receiver in this process. Alerts carry the
external label ``e2e_run`` (``spike`` or ``calm``) so the tests can tell them apart.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.harness import ROOT, Deployment, encode, event, produce
from tests.support.fake_anthropic import FakeAnthropic, Reply
from undercurrent.devstack.stack import Managed
from undercurrent.replay.sharegpt import read_sharegpt

from .corpus import DOMAIN, FEATURE, drift_conversations, drift_scenarios, jsonl
from .monitoring import (
    Process,
    Webhook,
    judge_stand_in,
    locate_binaries,
    start_alertmanager,
    start_prometheus,
    value,
    wait_until,
)

BASE_CONVERSATIONS = 50  # per release
DRIFT_COPIES = 3  # x 10 Drift scenarios = 30 spike sessions
SETTLE_TIMEOUT_S = 150
ENSEMBLE_K = 3  # every session judged three times, so the self-disagreement panel has ensembles to count
# One vote of one Drift session of the spike run names walkaway instead: that ensemble splits 1 of 3 on
# walkaway (its majority does not name it), so the incoherence panels have a disagreement to show.
SPLIT_MARKER = "vegan chocolate brownies"
SPLIT_VOTE = {
    "quality": "poor",
    "failure_visibility": "visible",
    "archetypes": [{"archetype": "walkaway", "evidence_turns": [], "rationale": "a dissenting vote"}],
    "domain": DOMAIN,
    "failure_origin": "interactional",
    "summary": "The user gave up.",
}
MODEL = "m"
BASELINE, CANDIDATE = "v1", "v2"  # prompt versions: releases m@v1 and m@v2
# Minutes ago each release's sessions start (from, over): the second replay's events come after the
# first's in event time, so the partition watermark does not close its sessions as they arrive.
WINDOWS = {BASELINE: (300, 120), CANDIDATE: (170, 110)}


@dataclass
class Run:
    name: str
    deployment: Deployment
    prometheus: Process
    judge: FakeAnthropic
    sessions: int
    judged_at: float = 0.0  # time.monotonic() when Prometheus had seen every judge request


@pytest.fixture(scope="package")
def binaries() -> dict[str, str]:
    try:
        return locate_binaries()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="package")
def webhook() -> Iterator[tuple[Webhook, str]]:
    receiver = Webhook()
    with receiver.serve() as url:
        yield receiver, url


@pytest.fixture(scope="package")
def alertmanager(
    binaries: dict[str, str], webhook: tuple[Webhook, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    process = start_alertmanager(binaries["alertmanager"], tmp_path_factory.mktemp("alertmanager"), webhook[1])
    yield process
    process.stop()


@pytest.fixture(scope="package")
def runs(
    binaries: dict[str, str],
    alertmanager: Process,
    broker: Managed,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Run]]:
    base = list(read_sharegpt(limit=BASE_CONVERSATIONS))
    corpora = {
        "calm": {BASELINE: base, CANDIDATE: base},
        "spike": {BASELINE: base, CANDIDATE: base + drift_conversations(drift_scenarios(), DRIFT_COPIES)},
    }
    with ExitStack() as cleanup:
        judges = {name: cleanup.enter_context(judge_stand_in()) for name in corpora}
        # One malformed judge answer and one broken event give the error and dead-letter panels data.
        judges["spike"].then(Reply.malformed_json()).when(SPLIT_MARKER, Reply.ok(SPLIT_VOTE))
        started = {
            name: _start_run(name, judge, cleanup, binaries, alertmanager, broker, redis_url, tmp_path_factory)
            for name, judge in judges.items()
        }
        for name, run in started.items():
            wait_until(lambda run=run: value(run.prometheus.url, 'sum(up{job="undercurrent"})') == 2,
                       timeout_s=120, what=f"Prometheus scraping both workers of the {name} run")
        for name, run in started.items():
            for version, corpus in corpora[name].items():
                source = run.deployment.log_dir / f"conversations-{version}.jsonl"
                source.write_text(jsonl(corpus))
                _replay(run.deployment, source, f"{name}-{version}", version, WINDOWS[version])
            run.sessions = sum(len(corpus) for corpus in corpora[name].values())
        _produce_broken_event(started["spike"].deployment)
        for run in started.values():
            wait_until(lambda run=run: _all_judged(run), timeout_s=SETTLE_TIMEOUT_S,
                       what=f"{run.sessions} judged sessions in the {run.name} run")
            run.judged_at = time.monotonic()
        yield started


def _start_run(
    name: str,
    judge: FakeAnthropic,
    cleanup: ExitStack,
    binaries: dict[str, str],
    alertmanager: Process,
    broker: Managed,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Run:
    work_dir = tmp_path_factory.mktemp(name)
    deployment = Deployment(broker.url, redis_url, work_dir, extra_env={
        # All traffic is in one domain; a short allow-list keeps /metrics small enough to scrape
        # within the test's 3 s timeout on a busy machine (thousands of pre-created series otherwise).
        "UNDERCURRENT_LABELS__DOMAINS": json.dumps([DOMAIN, "unknown"]),
        "UNDERCURRENT_SAMPLING__FLOOR": "1.0",
        "UNDERCURRENT_SAMPLING__BASE_RATE": "1.0",
        "UNDERCURRENT_SAMPLING__FULL_RISK_RATE": "1.0",
        "UNDERCURRENT_SAMPLING__REQUESTS_PER_MINUTE": "60000",
        "UNDERCURRENT_SAMPLING__USD_PER_HOUR": "1000",
        "UNDERCURRENT_JUDGE__REQUESTS_PER_MINUTE": "60000",
        "UNDERCURRENT_JUDGE__MAX_RETRIES": "0",
        "UNDERCURRENT_JUDGE__ENSEMBLE_K": str(ENSEMBLE_K),
        "UNDERCURRENT_SESSIONS__WATERMARK_QUIET_S": "2",
        "UNDERCURRENT_RELEASES__BASELINE": f"{MODEL}@{BASELINE}",
        "UNDERCURRENT_RELEASES__ALLOW": json.dumps([f"{MODEL}@{CANDIDATE}"]),
        "ANTHROPIC_BASE_URL": judge.base_url,
        "ANTHROPIC_API_KEY": "test-key",
    })
    cleanup.callback(deployment.stop_all)
    workers = [deployment.start_worker(), deployment.start_worker("judge-worker")]
    prometheus = start_prometheus(
        binaries["prometheus"], work_dir, run=name, alertmanager=alertmanager.url.removeprefix("http://"),
        targets=[f"127.0.0.1:{w.metrics_port}" for w in workers],
    )
    cleanup.callback(prometheus.stop)
    return Run(name, deployment, prometheus, judge, sessions=0)


def _replay(
    deployment: Deployment, source: Path, prefix: str, prompt_version: str, window: tuple[int, int]
) -> None:
    start_ago, length = window
    result = subprocess.run(
        [sys.executable, "-m", "undercurrent.cli", "replay", "--source", str(source), "--session-prefix", prefix,
         "--model", MODEL, "--prompt-version", prompt_version,
         "--window-start-ago-min", str(start_ago), "--window-min", str(length)],
        env={**deployment.env(), "COLUMNS": "120"}, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _produce_broken_event(deployment: Deployment) -> None:
    body = event("broken", 0, int(time.time() * 1000), feature=FEATURE, domain=DOMAIN)
    del body["session_id"]
    asyncio.run(produce(deployment.bootstrap, [(deployment.topic("chat"), "broken", encode(body))]))


def _all_judged(run: Run) -> bool:
    requests = value(run.prometheus.url, "sum(undercurrent_judge_requests_total)")
    return requests is not None and requests >= run.sessions * ENSEMBLE_K
