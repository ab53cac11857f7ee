"""Detector cost and firing rates on real ShareGPT conversations.

    .venv/bin/python bench/detectors_bench.py --limit 3000            # median and p99 per session, cost per detector
    .venv/bin/python bench/detectors_bench.py --limit 3000 --examples 4  # plus firing rates and excerpts
    .venv/bin/python bench/detectors_bench.py --limit 3000 --reports before.jsonl  # every report, to diff two runs

ShareGPT carries text only: turns get synthetic timestamps 30 s apart, there are no
behaviour events and the session closes at its last turn, so behaviour signals and
walkaway cannot fire here; they are measured on the labelled scenarios instead.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

import msgspec

from undercurrent.detectors import DETECTORS, run_session_detectors
from undercurrent.detectors.model import Context, DetectorConfig
from undercurrent.replay.offline import conversation_snapshot
from undercurrent.replay.sharegpt import read_sharegpt
from undercurrent.sessions.model import SessionSnapshot


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else float("nan")


def detector_costs(snapshots: list[SessionSnapshot]) -> list[tuple[str, float, float]]:
    """(name, median ms, p99 ms) per session for each detector run on its own, most expensive first."""
    config = DetectorConfig()
    costs = []
    for detector in DETECTORS:
        durations = []
        for snapshot in snapshots:
            started = time.process_time()
            list(detector.fn(Context(snapshot=snapshot, config=config)))
            durations.append((time.process_time() - started) * 1000)
        costs.append((detector.name, statistics.mean(durations), _p99(durations)))
    return sorted(costs, key=lambda c: -c[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=3000, help="conversations to read")
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--examples", type=int, default=0, help="evidence excerpts to print per signal")
    parser.add_argument("--reports", type=Path, help="write each session's report here as JSON lines, to diff runs")
    args = parser.parse_args()

    snapshots = [conversation_snapshot(c) for c in read_sharegpt(skip=args.skip, limit=args.limit)]
    durations_ms: list[float] = []
    fired: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    reports = []
    for snapshot in snapshots:
        started = time.process_time()
        report = run_session_detectors(snapshot)
        durations_ms.append((time.process_time() - started) * 1000)
        reports.append({"session_id": snapshot.session_id, "report": report})
        domains[report.domain] += 1
        for signal in report.signals:
            fired[signal.name] += 1
            if len(examples[signal.name]) < args.examples:
                examples[signal.name].append(f"{snapshot.session_id} t{signal.turns}: {signal.evidence}")

    if args.reports:
        args.reports.write_bytes(b"\n".join(msgspec.json.encode(r) for r in reports) + b"\n")
    n = len(snapshots)
    turns = sum(len(s.turns) for s in snapshots)
    print(f"sessions={n} turns={turns} detectors={len(DETECTORS)} (CPU time of this process)")
    print(
        f"per-session detector time: median={statistics.median(durations_ms):.3f} ms "
        f"p99={_p99(durations_ms):.3f} ms max={max(durations_ms):.1f} ms total={sum(durations_ms) / 1000:.2f} s"
    )
    print("\ndetector | mean ms/session | p99 ms")
    for name, mean_ms, p99_ms in detector_costs(snapshots):
        print(f"{name} | {mean_ms:.3f} | {p99_ms:.3f}")
    if args.examples:
        print("\nsignal | sessions | rate")
        for detector in DETECTORS:
            print(f"{detector.name} | {fired[detector.name]} | {fired[detector.name] / n:.1%}")
        print("\ndomains:", ", ".join(f"{d} {c / n:.1%}" for d, c in domains.most_common(8)))
        for name, lines in examples.items():
            print(f"\n## {name}")
            for line in lines:
                print(f"  {line}")


if __name__ == "__main__":
    main()
