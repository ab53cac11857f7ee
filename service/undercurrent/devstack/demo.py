"""``undercurrent demo``: the whole pipeline on the embedded local stack with real conversations.

Everything the demo uses it starts itself and stops on Ctrl-C or SIGTERM: a Tansu broker, a
private redis-server (unless a Redis URL is given), an ingest worker, a judge worker when
``ANTHROPIC_API_KEY`` is set and, after the summary, the evidence view. Logs and worker files go
to one directory: a new temporary one that is removed when the demo stops (and kept, with a
message, when it fails), or the one asked for, which is kept.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from ..replay.rates import BehaviourRates
from ..replay.synth import SynthOptions
from ..replay.trace import AgentTrace
from .processes import Child, ChildFailed, spawn, wait_for_metrics
from .progress import Watched, replay_and_watch
from .report import report
from .stack import LocalStack, free_port, interrupt_on_signals, stack_directory

FEATURES = ("chat", "search", "code")
AGENT_FEATURE = "agent"
"""The feature of replayed agent runs (``--agent-traces``)."""
DEMO_ENV = {
    "UNDERCURRENT_LABELS__FEATURES": json.dumps((*FEATURES, AGENT_FEATURE)),
    "UNDERCURRENT_LOG_FORMAT": "json",
    # The replay arrives in one burst: once it is over, a partition quiet for 5 s has nothing more to
    # come, so the last idle sessions close 5 s later instead of the production default's 30 s.
    "UNDERCURRENT_SESSIONS__WATERMARK_QUIET_S": "5",
}


@dataclass
class DemoOptions:
    conversations: int = 3000
    envelope_size: int = 1
    seed: int = 1
    data_dir: Path | None = None
    """None: a new temporary directory, removed when the demo stops."""
    redis_url: str | None = None
    """None: a private redis-server."""
    timeout_s: float = 600.0
    agent_traces: Path | None = None
    """Agent runs to replay beside the conversations: a τ-bench results file, or JSONL traces (``*.jsonl``)."""
    agent_model: str | None = None
    """Model name for agent runs whose file does not say (τ-bench files do not)."""


def read_agent_traces(path: Path) -> list[AgentTrace]:
    """The runs of ``path``; raises ``TraceFileError`` (an ``UndercurrentError``) when the file does not fit."""
    from ..replay.tau_bench import read_tau_bench
    from ..replay.trace_jsonl import read_trace_jsonl

    return list(read_trace_jsonl(path) if path.suffix == ".jsonl" else read_tau_bench(path))


def judge_enabled() -> bool:
    return bool(os.environ.get("ANTHROPIC_API_KEY"))


def run_demo(options: DemoOptions, console: Console, *, wait_for_ctrl_c: bool = True) -> None:
    """Run until Ctrl-C (or, without ``wait_for_ctrl_c``, until the summary is printed)."""
    interrupt_on_signals()
    traces = read_agent_traces(options.agent_traces) if options.agent_traces else []
    data_dir: Path | None = None
    try:
        with stack_directory(options.data_dir, prefix="undercurrent-demo-") as data_dir:
            _run(options, traces, console, data_dir, wait_for_ctrl_c)
    except KeyboardInterrupt:
        console.print("stopped")
    except Exception:
        if data_dir is not None:
            console.print(f"[red]the demo failed[/]; its logs are in {data_dir}")
        raise


def _run(
    options: DemoOptions, traces: list[AgentTrace], console: Console, data_dir: Path, wait_for_ctrl_c: bool
) -> None:
    judge_on = judge_enabled()
    agent_options = SynthOptions(
        features=(AGENT_FEATURE,), session_prefix=f"demo{options.seed}", model=options.agent_model or "unknown"
    )
    children: list[Child] = []
    with LocalStack(redis_url=options.redis_url, log_dir=data_dir) as stack:
        env = {**stack.env(), **DEMO_ENV, "UNDERCURRENT_REDIS_KEY_PREFIX": f"demo{int(time.time())}"}
        try:
            redis = "the given Redis" if options.redis_url else f"a private redis-server at {stack.redis_url}"
            console.print(f"broker [bold]{stack.bootstrap}[/], {redis}", soft_wrap=True)
            kept = "kept" if options.data_dir else "removed when the demo stops"
            console.print(f"logs and worker files in {data_dir} ({kept})", soft_wrap=True)
            worker = _spawn_worker("worker", "worker", env, data_dir)
            children.append(worker)
            judge = None
            if judge_on:
                judge = _spawn_worker("judge", "judge-worker", env, data_dir)
                children.append(judge)
                console.print("judge tier [green]on[/]: sampled sessions go to the Anthropic Messages API")
            else:
                console.print("judge tier [yellow]off[/] (ANTHROPIC_API_KEY is not set): no session is judged; "
                              "the numbers below are heuristic detector estimates only")
            wait_for_metrics(worker)
            watched = asyncio.run(replay_and_watch(
                Watched(worker, judge),
                bootstrap=stack.bootstrap,
                conversations=options.conversations,
                seed=options.seed,
                envelope_size=options.envelope_size,
                features=FEATURES,
                timeout_s=options.timeout_s,
                console=console,
                traces=traces,
                agent_options=agent_options,
            ))
            parts = report(watched.samples, watched.replay, BehaviourRates(), judge_on=judge_on, agent_runs=len(traces))
            for part in parts:
                console.print(part)
            console.print(f"metrics: [bold]{worker.metrics_url}[/]", soft_wrap=True)
            if not wait_for_ctrl_c:
                return
            web, url = _start_web(env, data_dir, judge_on)
            children.append(web)
            console.print(f"evidence view: [bold]{url}[/]", soft_wrap=True)
            console.print("running; press Ctrl-C to stop")
            _wait_while_running(children)
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            console.print("stopping everything the demo started")
            raise
        finally:
            for child in reversed(children):
                child.stop()


def _spawn_worker(name: str, command: str, env: dict[str, str], data_dir: Path) -> Child:
    port = free_port()
    return spawn(name, [command], {**env, "UNDERCURRENT_METRICS_PORT": str(port)}, data_dir,
                 f"http://127.0.0.1:{port}/metrics")


def _start_web(env: dict[str, str], data_dir: Path, judge_on: bool, timeout_s: float = 60.0) -> tuple[Child, str]:
    """The evidence view on a free loopback port, behind a new token; returns it and its sign-in URL."""
    token = secrets.token_urlsafe(24)
    port = free_port()
    args = ["web", "--port", str(port)] + ([] if judge_on else ["--no-judge"])
    web = spawn("web", args, {**env, "UNDERCURRENT_WEB_TOKEN": token}, data_dir)
    deadline = time.monotonic() + timeout_s
    while True:
        web.check()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return web, f"http://127.0.0.1:{port}/sessions?token={token}"
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                web.stop()
                raise ChildFailed(f"the evidence view did not answer within {timeout_s:.0f}s") from None
            time.sleep(0.3)


def _wait_while_running(children: list[Child]) -> None:
    while True:
        for child in children:
            child.check()
        time.sleep(1)
