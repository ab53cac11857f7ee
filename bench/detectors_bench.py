"""Detector cost and firing rates on real ShareGPT conversations.

    .venv/bin/python bench/detectors_bench.py --limit 3000            # median and p99 per session, cost per detector
    .venv/bin/python bench/detectors_bench.py --limit 3000 --examples 4  # plus firing rates and excerpts
    .venv/bin/python bench/detectors_bench.py --limit 3000 --reports before.jsonl  # every report, to diff two runs
    .venv/bin/python bench/detectors_bench.py --limit 500 --against REV  # REV's detectors and these, same run

``--against`` extracts ``service/`` of a commit with ``git archive`` and times both
implementations in child processes, alternating, on the same conversations (each child
first runs the detectors once on one session, so one-off set-up such as compiling
patterns is not counted); it prints each one's median and p99 and the ratios.

ShareGPT carries text only: turns get synthetic timestamps 30 s apart, there are no
behaviour events and the session closes at its last turn, so behaviour signals and
walkaway cannot fire here; they are measured on the labelled scenarios instead.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
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


REPO = Path(__file__).resolve().parent.parent


def service_tree(rev: str, into: Path) -> Path:
    """The ``service/`` folder of commit ``rev``, extracted under ``into``."""
    archive = subprocess.run(["git", "archive", rev, "service"], cwd=REPO, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "service"


def timed_child(service: Path, args: argparse.Namespace) -> dict[str, float]:
    """Median and p99 ms per session of the detectors importable from ``service``, in a new process."""
    command = [sys.executable, __file__, "--limit", str(args.limit), "--skip", str(args.skip), "--summary"]
    env = {**os.environ, "PYTHONPATH": str(service)}
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def compare(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"{args.against} (before)": service_tree(args.against, Path(tmp)), "this tree": REPO / "service"}
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                runs[name].append(timed_child(tree, args))
    print(f"sessions={args.limit} rounds={args.rounds}, alternating (CPU time per session, ms)")
    print("implementation | median per round | p99 per round")
    for name, results in runs.items():
        medians = ", ".join(f"{r['median_ms']:.3f}" for r in results)
        p99s = ", ".join(f"{r['p99_ms']:.3f}" for r in results)
        print(f"{name} | {medians} | {p99s}")
    before, after = runs.values()
    for key in ("median_ms", "p99_ms"):
        ratios = [b[key] / a[key] for b, a in zip(before, after, strict=True)]
        rounds = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"{key[:-3]}: before/after = {statistics.median(ratios):.2f}x (per round {rounds})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=3000, help="conversations to read")
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--examples", type=int, default=0, help="evidence excerpts to print per signal")
    parser.add_argument("--reports", type=Path, help="write each session's report here as JSON lines, to diff runs")
    parser.add_argument("--against", metavar="REV", help="also time the detectors of this commit, alternating")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds with --against")
    parser.add_argument("--summary", action="store_true", help="print only median and p99 as one JSON line")
    args = parser.parse_args()
    if args.against:
        compare(args)
        return

    snapshots = [conversation_snapshot(c) for c in read_sharegpt(skip=args.skip, limit=args.limit)]
    run_session_detectors(snapshots[0])  # one-off set-up (compiled patterns) is not a session's cost
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
    if args.summary:
        print(json.dumps({"median_ms": statistics.median(durations_ms), "p99_ms": _p99(durations_ms)}))
        return
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
