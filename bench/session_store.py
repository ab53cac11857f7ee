"""The session store alone: events applied, sessions claimed, loaded and finalised, per second and per
Redis CPU-second, on one primary and on a three-primary Redis Cluster, alternating in one run.

    .venv/bin/python bench/session_store.py [--events 20000] [--runs 3] [--before OTHER_CHECKOUT/service]
                                            [--before-cluster]

ShareGPT sessions become contract events, applied in chunks of 500 with their partitions' watermarks
(as the worker's pipeline does), then every session is claimed, loaded and finalised in batches of
the default sweep size. Each pass runs in its own spawned process against a private redis-server
(or a private cluster, every node's CPU counted) under a new key prefix. ``--before`` adds, in the
same alternation, passes importing the store from another checkout (an earlier commit), on the one
primary: the figure the single-primary path is compared with; ``--before-cluster`` adds that
checkout's store on the cluster too, and the cluster's figures are then compared with those.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

import msgspec
import psutil
from rich.console import Console
from rich.table import Table

from measure import ratio
from traffic import synthesise
from undercurrent.devstack import start_redis

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 500  # the pipeline's APPLY_CHUNK
SWEEP = 200
SHARDS = 4  # the default partition count


class Pass(NamedTuple):
    wall_s: float
    client_cpu_s: float
    node_cpu_s: list[float]  # per redis-server
    closed: int

    @property
    def redis_cpu_s(self) -> float:
        return sum(self.node_cpu_s)

    @property
    def busiest_share(self) -> float:
        """The busiest node's part of the Redis CPU: the node that caps the deployment."""
        return max(self.node_cpu_s) / self.redis_cpu_s


def node_cpu_s(pids: list[int]) -> list[float]:
    return [sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids]


def one_pass(service_dir: str | None, url: str, shards: int | None, pids: list[int], bodies: list[bytes]) -> Pass:
    if service_dir is not None:  # this process imported the current checkout's modules along with the bench's
        sys.path.insert(0, service_dir)
        for name in [m for m in sys.modules if m.partition(".")[0] == "undercurrent"]:
            del sys.modules[name]
    from undercurrent.events.model import Event
    from undercurrent.events.model import ts_millis as millis
    from undercurrent.sessions.store import EventTiming, RedisSessionStore

    store_file = sys.modules[RedisSessionStore.__module__].__file__ or ""
    if service_dir is not None and not store_file.startswith(str(Path(service_dir).resolve())):
        raise RuntimeError(f"--before: the store came from {store_file}")
    events = [msgspec.json.decode(body, type=Event) for body in bodies]
    timing = EventTiming(idle_ms=1_800_000, max_ms=14_400_000)
    prefix = f"bench-{uuid.uuid4().hex[:8]}"

    async def run() -> int:
        cluster = {} if shards is None else {"cluster_shards": shards}
        store = RedisSessionStore.from_url(url, prefix=prefix, **cluster)
        now = int(time.time() * 1000)
        for start in range(0, len(events), CHUNK):
            chunk = events[start : start + CHUNK]
            marks = {f"chat/{p}": max(millis(e.ts) for e in chunk) for p in range(SHARDS)}
            await store.apply(chunk, [timing] * len(chunk), now_ms=now, open_ttl_s=86_400, marks=marks)
        closed, later = 0, now + 86_400_000
        while claims := await store.claim_due(now_ms=later, grace_ms=0, limit=SWEEP, lease_ms=60_000, quiet_ms=0):
            loaded = await store.load(claims)
            results = [(c.session_id, b"{}") for c in loaded]
            closed += sum(await store.finalize(results, now_ms=later, retention_s=600))
        await store.close()
        return closed

    cpu, redis, wall = time.process_time(), node_cpu_s(pids), time.perf_counter()
    closed = asyncio.run(run())
    used = [after - before for before, after in zip(redis, node_cpu_s(pids), strict=True)]
    return Pass(time.perf_counter() - wall, time.process_time() - cpu, used, closed)


def spawned(*args: object) -> Pass:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(one_pass, *args).result()  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", help="another checkout's service/ directory, measured alternately")
    parser.add_argument("--before-cluster", action="store_true", help="measure --before on the cluster too")
    args = parser.parse_args()
    traffic = synthesise(args.events)
    encode = msgspec.json.Encoder().encode
    bodies = [encode(event) for session in traffic.sessions for event in session]
    sys.path.insert(0, str(ROOT))
    from tests.support.redis_cluster import redis_cluster

    with tempfile.TemporaryDirectory(prefix="uc-store-bench-") as tmp, redis_cluster(Path(tmp) / "cluster") as nodes:
        primary = start_redis(Path(tmp))
        try:
            cluster_pids = [node.proc.pid for node in nodes]
            variants: dict[str, tuple[object, ...]] = {}
            if args.before:
                variants["one primary, --before"] = (args.before, primary.url, None, [primary.proc.pid])
            variants["one primary"] = (None, primary.url, None, [primary.proc.pid])
            cluster = f"cluster, 3 primaries, {SHARDS} shards"
            if args.before and args.before_cluster:
                variants[f"{cluster}, --before"] = (args.before, nodes[0].url, SHARDS, cluster_pids)
            variants[cluster] = (None, nodes[0].url, SHARDS, cluster_pids)
            passes: dict[str, list[Pass]] = {name: [] for name in variants}
            for _ in range(args.runs):
                for name, variant in variants.items():
                    passes[name].append(spawned(*variant, bodies))
        finally:
            primary.stop()
    baselines = {f"{cluster}": f"{cluster}, --before"} if args.before and args.before_cluster else {}
    report(passes, baselines, len(bodies), len(traffic.sessions))


def report(passes: dict[str, list[Pass]], baselines: dict[str, str], events: int, sessions: int) -> None:
    """Medians over the passes; ratios to a row's baseline (``baselines``, else the first row) are taken
    per run (the passes alternate) and shown as median [min-max]."""
    runs = len(next(iter(passes.values())))
    table = Table(title=f"session store: {events} events, {sessions} sessions, median of {runs} passes")
    for column in ("store", "wall s", "events/s", "events/redis CPU-s", "busiest node's CPU share",
                   "client CPU µs/event", "baseline", "events/s ÷ baseline", "per redis CPU-s ÷ baseline",
                   "sessions closed"):
        table.add_column(column)
    first_name = next(iter(passes))
    for name, measured in passes.items():
        baseline = baselines.get(name, first_name)
        base = passes[baseline]
        wall = statistics.median(p.wall_s for p in measured)
        redis = statistics.median(p.redis_cpu_s for p in measured)
        client = statistics.median(p.client_cpu_s for p in measured)
        share = statistics.median(p.busiest_share for p in measured)
        rates = [b.wall_s / p.wall_s for p, b in zip(measured, base, strict=True)]
        per_redis = [b.redis_cpu_s / p.redis_cpu_s for p, b in zip(measured, base, strict=True)]
        table.add_row(name, f"{wall:.2f}", f"{ratio(events, wall):,.0f}", f"{ratio(events, redis):,.0f}",
                      f"{share:.2f}", f"{client / events * 1e6:.0f}", baseline, _spread(rates), _spread(per_redis),
                      " ".join(str(p.closed) for p in measured))
    Console(width=180).print(table)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


if __name__ == "__main__":
    main()
