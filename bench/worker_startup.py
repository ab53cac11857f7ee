"""How long an ``undercurrent worker`` takes to start on the local broker, with the service's
consumer-group timings against the local stack's, alternating in one run.

    .venv/bin/python bench/worker_startup.py [--runs 5]

A private Tansu broker and a private redis-server are started. Each run spawns a real worker
process and times it from spawn to faust's ``[^Worker]: Ready`` line; the group join (from the
join request to the broker's answer) is read from the worker's log. Tansu holds a new group's first
join for about half the session timeout, which is what the local-stack timings shorten.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from measure import group_join_s
from undercurrent.config import KafkaSettings
from undercurrent.devstack import start_broker, start_redis
from undercurrent.devstack.stack import LOCAL_BROKER_ENV
from worker_proc import WorkerProcess

CONFIGS = {
    "service defaults": {},
    "local stack": LOCAL_BROKER_ENV,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="worker-startup-"))
    broker, redis = start_broker(log_dir), start_redis(log_dir)
    ready: dict[str, list[float]] = {name: [] for name in CONFIGS}
    joins: dict[str, list[float]] = {name: [] for name in CONFIGS}
    try:
        for run in range(args.runs):
            for index, (name, extra) in enumerate(CONFIGS.items()):
                app = f"startup{run}-{index}"
                env = {
                    "UNDERCURRENT_APP_ID": app,
                    "UNDERCURRENT_KAFKA__BOOTSTRAP": broker.url,
                    "UNDERCURRENT_REDIS_URL": redis.url,
                    "UNDERCURRENT_REDIS_KEY_PREFIX": app,
                    "UNDERCURRENT_LOG_FORMAT": "json",
                    **extra,
                }
                started = time.monotonic()
                worker = WorkerProcess.start(app, env, log_dir)
                try:
                    worker.wait_ready(180)
                    ready[name].append(time.monotonic() - started)
                    join = group_join_s(worker.log_path.read_text(errors="replace"))
                    if join is not None:
                        joins[name].append(join)
                finally:
                    worker.stop()
    finally:
        broker.stop()
        redis.stop()
    print_results(ready, joins, log_dir)


def print_results(ready: dict[str, list[float]], joins: dict[str, list[float]], log_dir: Path) -> None:
    table = Table(title="worker start-up on the local broker (spawn to faust Ready)")
    for column in ("timings", "session timeout", "runs", "median s", "min–max s", "group join median s"):
        table.add_column(column, justify="left" if column == "timings" else "right")
    default_session = KafkaSettings().session_timeout_s
    for name, values in ready.items():
        session = float(CONFIGS[name].get("UNDERCURRENT_KAFKA__SESSION_TIMEOUT_S", default_session))
        join = f"{statistics.median(joins[name]):.1f}" if joins[name] else "–"
        table.add_row(name, f"{session:g} s", str(len(values)), f"{statistics.median(values):.1f}",
                      f"{min(values):.1f}–{max(values):.1f}", join)
    console = Console()
    console.print(table)
    base, local = (statistics.median(ready[name]) for name in CONFIGS)
    console.print(f"local stack ÷ service defaults: {local / base:.2f}; logs in {log_dir}")


if __name__ == "__main__":
    main()
