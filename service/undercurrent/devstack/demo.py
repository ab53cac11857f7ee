"""``undercurrent demo``: the whole pipeline on the embedded local stack with real conversations."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from .processes import Child, scrape, spawn, total, wait_for_metrics
from .stack import LocalStack, free_port

FEATURES = ("chat", "search", "code")


@dataclass
class DemoOptions:
    conversations: int = 3000
    envelope_size: int = 1
    seed: int = 1
    log_dir: Path = field(default_factory=lambda: Path("var/demo"))
    timeout_s: float = 600.0


def judge_enabled() -> bool:
    return bool(os.environ.get("ANTHROPIC_API_KEY"))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_demo(options: DemoOptions, console: Console, *, wait_for_ctrl_c: bool = True) -> dict[str, float]:
    # Ctrl-C and SIGTERM both stop everything the demo started, even when it runs as a background job.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    options.log_dir.mkdir(parents=True, exist_ok=True)
    children: list[Child] = []
    with LocalStack(redis_url=os.environ.get("UNDERCURRENT_REDIS_URL"), log_dir=options.log_dir) as stack:
        port = free_port()
        env = {
            **stack.env(),
            "UNDERCURRENT_REDIS_KEY_PREFIX": f"demo{int(time.time())}",
            "UNDERCURRENT_LABELS__FEATURES": '["' + '","'.join(FEATURES) + '"]',
            "UNDERCURRENT_LOG_FORMAT": "json",
        }
        try:
            console.print(
                f"broker [bold]{stack.bootstrap}[/], redis [bold]{stack.redis_url}[/], logs in {options.log_dir}"
            )
            worker = spawn("worker", ["worker"], {**env, "UNDERCURRENT_METRICS_PORT": str(port)}, options.log_dir,
                           f"http://127.0.0.1:{port}/metrics")
            children.append(worker)
            if judge_enabled():
                judge_port = free_port()
                children.append(spawn("judge", ["judge-worker"], {**env, "UNDERCURRENT_METRICS_PORT": str(judge_port)},
                                      options.log_dir, f"http://127.0.0.1:{judge_port}/metrics"))
                console.print("judge tier [green]on[/]: sampled sessions go to the Anthropic Messages API")
            else:
                console.print("judge tier [yellow]off[/]: ANTHROPIC_API_KEY is not set, so no session is judged; "
                              "the numbers below are heuristic detector estimates only")
            wait_for_metrics(worker)
            _wait_for_topics(stack.bootstrap, env)
            replay = spawn("replay", ["replay", "--limit", str(options.conversations), "--seed", str(options.seed),
                                      "--envelope-size", str(options.envelope_size), "--features", ",".join(FEATURES)],
                           env, options.log_dir)
            children.append(replay)
            if replay.proc.wait() != 0:
                raise RuntimeError(f"replay failed; see {options.log_dir / 'replay.log'}")
            samples = _wait_for_closes(worker, options, console)
            _summary(console, samples, children)
            console.print(f"metrics: [bold]{worker.metrics_url}[/]")
            if wait_for_ctrl_c:
                console.print("running; press Ctrl-C to stop")
                while all(c.proc.poll() is None for c in children if c.name != "replay"):
                    time.sleep(1)
            return {k[0]: v for k, v in samples.items() if not k[1]}
        except KeyboardInterrupt:
            console.print("stopping")
            return {}
        finally:
            for child in reversed(children):
                child.stop()


def _wait_for_topics(bootstrap: str, env: dict[str, str], timeout_s: float = 60.0) -> None:
    import asyncio

    from aiokafka import AIOKafkaConsumer

    wanted = {env.get("UNDERCURRENT_TOPICS__CHAT", "undercurrent.chat"),
              env.get("UNDERCURRENT_TOPICS__CLIENT", "undercurrent.client")}

    async def poll() -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
        await consumer.start()
        try:
            deadline = time.monotonic() + timeout_s
            while not wanted <= await consumer.topics():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"topics {sorted(wanted)} were not created")
                await asyncio.sleep(0.5)
        finally:
            await consumer.stop()

    asyncio.run(poll())


def _wait_for_closes(worker: Child, options: DemoOptions, console: Console) -> dict:
    assert worker.metrics_url
    deadline = time.monotonic() + options.timeout_s
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("sessions closed", total=None)
        previous, stable_since = -1.0, time.monotonic()
        while time.monotonic() < deadline:
            samples = scrape(worker.metrics_url)
            closed = total(samples, "undercurrent_sessions_closed_total")
            open_now = total(samples, "undercurrent_sessions_open")
            progress.update(task, completed=closed)
            if closed != previous:
                previous, stable_since = closed, time.monotonic()
            if closed > 0 and open_now == 0 and time.monotonic() - stable_since > 5:
                return samples
            time.sleep(1)
    console.print("[yellow]not every session closed before the time limit; showing what closed[/]")
    return scrape(worker.metrics_url)


def _by(samples: dict, name: str, label: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for (n, labels), value in samples.items():
        if n == name and value:
            out[dict(labels)[label]] += value
    return out


def _summary(console: Console, samples: dict, children: list[Child]) -> None:
    closed = total(samples, "undercurrent_sessions_closed_total")
    table = Table(title="Undercurrent demo: what the pipeline saw", show_lines=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for outcome in ("accepted", "duplicate", "late", "invalid"):
        table.add_row(f"events {outcome}", f"{total(samples, 'undercurrent_events_total', outcome=outcome):,.0f}")
    table.add_row("sessions closed", f"{closed:,.0f}")
    for reason, n in _by(samples, "undercurrent_sessions_closed_total", "reason").most_common():
        table.add_row(f"  closed by {reason}", f"{n:,.0f}")
    table.add_row("sampled for the judge", f"{total(samples, 'undercurrent_judge_sampled_sessions_total'):,.0f}")
    console.print(table)
    _share_table(console, "Heuristic archetype flags (detector estimates, not verdicts)",
                 _by(samples, "undercurrent_heuristic_archetype_sessions_total", "archetype"), closed)
    _share_table(console, "Signals fired (share of closed sessions)",
                 _by(samples, "undercurrent_signal_sessions_total", "signal"), closed, top=12)
    _share_table(console, "Domains (producer or classifier)",
                 _by(samples, "undercurrent_sessions_closed_total", "domain"), closed, top=8)


def _share_table(console: Console, title: str, counts: Counter[str], closed: float, top: int | None = None) -> None:
    from ..estimate.interval import wilson_interval

    table = Table(title=title)
    for column in ("name", "sessions", "share", "95% interval"):
        table.add_column(column, justify="left" if column == "name" else "right")
    for name, n in counts.most_common(top):
        low, high = wilson_interval(int(n), int(closed))
        table.add_row(name, f"{n:,.0f}", f"{n / closed:.1%}", f"{low:.1%} – {high:.1%}")
    console.print(table)
