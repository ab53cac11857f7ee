"""Judge requests per second per worker, and what judging costs, on real ShareGPT sessions.

    .venv/bin/python -m bench.judge_throughput [--sessions 300] [--concurrency 1,4,16,64]

Throughput: ``JudgeClient`` sends requests built by ``build_request`` (redacted
real sessions) to the local Messages API stand-in from ``tests/support``, run in
its own process so the client's CPU time is measured alone. The stand-in answers
at once, so the figures are the client's ceiling; against the real API a worker
reaches about ``concurrency / latency`` requests per second, within its rate limit.

Cost: tokens per judged session (characters / 4) times the list prices in
``undercurrent.judge.cost``, and the sample sizes for ± 2 points per archetype.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

import msgspec
from bench.judge_cost import (
    ARCHETYPE_RATES,
    half_width,
    request_usage,
    sample_size,
    usd_per_1000_sessions,
)
from bench.traffic import synthesise
from rich.console import Console
from rich.table import Table

from undercurrent.events.model import Event
from undercurrent.judge.client import JudgeClient, JudgeConfig
from undercurrent.judge.cost import LIST_PRICES, Usage
from undercurrent.judge.prompt import build_request
from undercurrent.privacy.redact import Redactor
from undercurrent.sessions.model import SessionSnapshot, build_snapshot

ROOT = Path(__file__).resolve().parents[1]
SESSIONS_PER_DAY = 10_000
SAMPLE_RATE = 0.05
OUTPUT_TOKENS = 400  # assumed verdict length: the tool call with rationales; max_tokens is 1,024


def snapshots(count: int) -> list[SessionSnapshot]:
    """Real ShareGPT conversations with synthesised timings and behaviour, as closed sessions."""
    traffic = synthesise(count * 10)
    encode, decode = msgspec.json.encode, msgspec.json.Decoder(Event).decode
    out = []
    for events in traffic.sessions[:count]:
        decoded = [(decode(encode(e)), False) for e in events]
        out.append(build_snapshot(events[0]["session_id"], decoded, close_reason="idle"))
    return out


async def serve() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.support.fake_anthropic import FakeAnthropic

    async with FakeAnthropic() as fake:
        print(fake.base_url, flush=True)
        await asyncio.Event().wait()


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.judge_throughput", "--serve"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


async def throughput(
    base_url: str, requests: list[dict], concurrency: int, known: list[set[int]]
) -> tuple[float, float, int]:
    """(requests/s, client CPU ms per request, failed requests) for one concurrency setting."""
    config = JudgeConfig(base_url=base_url, api_key="bench", concurrency=concurrency, requests_per_minute=1e9)
    client = JudgeClient(config)
    try:
        await client.judge(requests[0], known_turns=known[0])  # connection set-up stays out of the timing
        started, cpu = time.perf_counter(), time.process_time()
        results = await asyncio.gather(*(client.judge(r, known_turns=k) for r, k in zip(requests, known, strict=True)))
        wall, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await client.close()
    return len(requests) / wall, 1000 * cpu_s / len(requests), sum(not r.ok for r in results)


def cost_table(requests: list[dict], model_names: list[str]) -> tuple[Table, Usage]:
    usages = [request_usage(r, output_tokens=OUTPUT_TOKENS, cache_hit=True) for r in requests]
    mean = Usage(
        input_tokens=round(statistics.fmean(u.input_tokens for u in usages)),
        output_tokens=OUTPUT_TOKENS,
        cache_read_input_tokens=usages[0].cache_read_input_tokens,
    )
    per_session = sorted(u.input_tokens for u in usages)
    missed = msgspec.structs.replace(
        mean, cache_read_input_tokens=0, cache_creation_input_tokens=mean.cache_read_input_tokens
    )
    table = Table(title=f"cost per 1,000 sessions at a {SAMPLE_RATE:.0%} sample ({OUTPUT_TOKENS} output tokens)")
    for column in ("model", "USD / judged session", "USD / 1,000 sessions", "same, cache always missed",
                   f"USD / day at {SESSIONS_PER_DAY:,}"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for model in model_names:
        per_1000 = usd_per_1000_sessions(model, mean, SAMPLE_RATE, LIST_PRICES)
        per_1000_missed = usd_per_1000_sessions(model, missed, SAMPLE_RATE, LIST_PRICES)
        table.add_row(model, f"{per_1000 / (1000 * SAMPLE_RATE):.4f}", f"{per_1000:.2f}", f"{per_1000_missed:.2f}",
                      f"{per_1000 * SESSIONS_PER_DAY / 1000:.2f}–{per_1000_missed * SESSIONS_PER_DAY / 1000:.2f}")
    median, p90 = per_session[len(per_session) // 2], per_session[int(len(per_session) * 0.9)]
    table.caption = (f"session tokens: mean {mean.input_tokens:,}, median {median:,}, p90 {p90:,}; "
                     f"cached prefix {mean.cache_read_input_tokens:,}")
    return table, mean


def sample_table() -> Table:
    judged = round(SESSIONS_PER_DAY * SAMPLE_RATE)
    title = f"sample size for ± 2 points (95 %) per archetype per day at {SESSIONS_PER_DAY:,} sessions/day"
    table = Table(title=title)
    for column in ("archetype", "assumed rate", "sessions needed", "share of the day", f"± at {judged} judged"):
        table.add_column(column, justify="left" if column == "archetype" else "right")
    for name, p in ARCHETYPE_RATES.items():
        n = sample_size(p, 0.02, SESSIONS_PER_DAY)
        table.add_row(name, f"{p:.2%}", f"{n:,}", f"{n / SESSIONS_PER_DAY:.1%}",
                      f"± {half_width(p, judged, SESSIONS_PER_DAY):.2%}")
    table.caption = "simple random sample with finite-population correction; risk-weighted sampling needs more"
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--concurrency", default="1,4,16,64")
    parser.add_argument("--model", action="append", help="models to price (default: every listed model)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve())
        return
    console = Console(width=max(Console().width, 120))
    redact = Redactor()
    sessions = snapshots(args.sessions)
    requests = [build_request(s, model="claude-sonnet-4-6", redact=redact) for s in sessions]
    known = [{t.index for t in s.turns} for s in sessions]
    table = Table(title=f"judge client against the local stand-in, {len(requests)} real sessions per setting")
    for column in ("concurrency", "requests/s", "client CPU ms/request", "failed"):
        table.add_column(column, justify="right")
    proc, base_url = start_server()
    try:
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            rate, cpu_ms, failed = asyncio.run(throughput(base_url, requests, concurrency, known))
            table.add_row(str(concurrency), f"{rate:,.0f}", f"{cpu_ms:.2f}", str(failed))
    finally:
        proc.terminate()
        proc.wait(10)
    console.print(table)
    costs, _ = cost_table(requests, args.model or list(LIST_PRICES))
    console.print(costs)
    console.print(sample_table())


if __name__ == "__main__":
    main()
