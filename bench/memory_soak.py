"""Memory soak of the close path with very large answers: does the worker's memory level off?

    .venv/bin/python bench/memory_soak.py                       # 260 sessions with 700 KB answers, then 260 small
    .venv/bin/python bench/memory_soak.py --sessions 520 --answer-kb 700 --every 40

Every session is closed the way the worker closes it (record, detectors, sampling, redaction,
encoding cut to one Kafka record), in this process, and dropped. Every answer is new text, so
nothing but the detectors' caches and the allocator can keep it. The resident set size is printed
every ``--every`` sessions, as a ratio to the size after a warm-up with ordinary sessions (the
baseline, same process); after the large sessions, the same number of small ones follows, and
the cache sizes are printed at the end.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Iterator

import psutil
from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.table import Table

from undercurrent.config import Settings
from undercurrent.detectors.memo import TextMemo
from undercurrent.ingest.stages import StageMetrics, close_stages
from undercurrent.kafka.message import value_budget
from undercurrent.metrics.definitions import SamplingMetrics
from undercurrent.metrics.labels import LabelBounds
from undercurrent.records.fit import encode_within
from undercurrent.records.session import session_record
from undercurrent.sampling.budget_view import BudgetView
from undercurrent.sessions.model import Behaviour, SessionSnapshot, TranscriptTurn

VOCABULARY = (
    "invoice", "order", "account", "payment", "refund", "shipping", "delivery", "password", "report", "table",
    "column", "query", "index", "server", "deploy", "build", "test", "error", "warning", "config", "network",
    "latency", "cache", "memory", "thread", "process", "file", "customer", "contract", "policy", "premium",
    "claim", "doctor", "patient", "dosage", "lesson", "grammar", "essay", "chapter", "budget",
)


def answer_text(rng: random.Random, chars: int) -> str:
    """Fresh prose of about ``chars`` characters: sentences of vocabulary words and numbers."""
    pieces: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(6, 14)))
        sentence = f"{sentence.capitalize()} {rng.randint(1, 9999)}."
        pieces.append(sentence)
        size += len(sentence) + 1
    return " ".join(pieces)


def session(n: int, rng: random.Random, answer_chars: int) -> SessionSnapshot:
    start = 1_795_000_000_000 + n * 1000
    texts = [
        ("user", f"please summarise report {n} for customer {rng.randint(1, 10**6)}"),
        ("assistant", answer_text(rng, answer_chars)),
        ("user", f"that is wrong, report {n} has another total"),
        ("assistant", answer_text(rng, answer_chars // 4)),
    ]
    turns = tuple(
        TranscriptTurn(index=i, role=role, text=text, ts_ms=start + i * 20_000, event_id=f"m{n}:{i}")
        for i, (role, text) in enumerate(texts)
    )
    copy = Behaviour(type="copy", ts_ms=start + 30_000, event_id=f"m{n}:copy", turn=1)
    return SessionSnapshot(
        session_id=f"m{n}", feature="default", domain=None, user_id=f"user{n}@example.org", turns=turns,
        behaviours=(copy,), opened_ms=start, last_event_ms=start + 60_000, close_reason="idle",
    )


class ClosePath:
    """The worker's close stages and record encoding, without Redis and the broker."""

    def __init__(self, settings: Settings) -> None:
        registry = CollectorRegistry()
        bounds = LabelBounds(settings.labels.features, settings.labels.domains)
        budget = BudgetView(settings, log=None, metrics=SamplingMetrics(registry))  # type: ignore[arg-type]
        metrics = StageMetrics.registered(settings, registry, budget.metrics)
        self.stages = close_stages(settings, bounds, metrics, budget, user_id_key=b"k" * 32)
        self.budget = settings.kafka.max_request_bytes

    def close(self, snapshot: SessionSnapshot) -> int:
        record = session_record(snapshot, closed_at_ms=snapshot.last_event_ms)
        for stage in self.stages:
            stage(snapshot, record)
        key = snapshot.session_id.encode()
        return len(encode_within(record, value_budget(self.budget, key, ())))


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


def sessions(first: int, count: int, answer_chars: int, seed: int) -> Iterator[SessionSnapshot]:
    rng = random.Random(seed)
    for n in range(first, first + count):
        yield session(n, rng, answer_chars)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=260, help="large sessions, then as many small ones")
    parser.add_argument("--answer-kb", type=int, default=700, help="size of each session's first answer")
    parser.add_argument("--small-chars", type=int, default=2000, help="answer size of the ordinary sessions")
    parser.add_argument("--warmup", type=int, default=200, help="ordinary sessions before the baseline")
    parser.add_argument("--every", type=int, default=20, help="print the RSS every N sessions")
    args = parser.parse_args()

    console = Console()
    path = ClosePath(Settings(_env_file=None))  # type: ignore[call-arg]
    for snapshot in sessions(0, args.warmup, args.small_chars, seed=1):
        path.close(snapshot)
    gc.collect()
    baseline = rss_bytes()
    row = "{:<20} {:>8} {:>7} {:>11} {:>6}"
    console.print(row.format("phase", "sessions", "RSS MB", "× baseline", "s"))
    console.print(row.format("warm-up (baseline)", args.warmup, f"{baseline / 2**20:.0f}", "1.00", ""))
    started = time.perf_counter()
    phases = (("large answers", args.answer_kb * 1000), ("ordinary answers", args.small_chars))
    closed = args.warmup
    peak = baseline
    for phase, chars in phases:
        for n, snapshot in enumerate(sessions(closed, args.sessions, chars, seed=closed), 1):
            path.close(snapshot)
            if n % args.every == 0 or n == args.sessions:
                rss = rss_bytes()
                peak = max(peak, rss)
                console.print(row.format(phase, n, f"{rss / 2**20:.0f}", f"{rss / baseline:.2f}",
                                         f"{time.perf_counter() - started:.0f}"))
        closed += args.sessions
    gc.collect()
    final = rss_bytes()
    console.print(row.format("end, after gc", "", f"{final / 2**20:.0f}", f"{final / baseline:.2f}", ""))
    console.print(f"peak {peak / 2**20:.0f} MB ({peak / baseline:.2f}× baseline), "
                  f"end {final / 2**20:.0f} MB ({final / baseline:.2f}× baseline)")
    caches = Table("detector cache", "entries", "max entries", "chars", "max chars")
    for memo in TextMemo.instances():
        caches.add_row(memo.name, str(len(memo)), str(memo.max_entries), str(memo.chars), str(memo.max_chars))
    console.print(caches)


if __name__ == "__main__":
    main()
