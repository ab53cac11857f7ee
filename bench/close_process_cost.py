"""What one close process costs to start: CPU seconds and resident memory, against a bare spawned
interpreter started the same way, alternating in one run.

    .venv/bin/python bench/close_process_cost.py [--runs 5] [--before OTHER_CHECKOUT/service]

Each run spawns (multiprocessing ``spawn``, as the worker does) one process that only reports, then
one that starts as a worker's close process does: imports, the close stages (language identifier,
detectors, risk model, redactor) and one empty close job. Each reports its own CPU seconds since it
was spawned, its resident set (``VmRSS``) and how many modules it holds. ``--before`` adds, in the
same alternation, close processes importing the service from another checkout (an earlier commit).
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import resource
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, NamedTuple


class Cost(NamedTuple):
    cpu_s: float
    rss_mib: float
    modules: int


def _own_cost() -> Cost:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:
        rss_kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return Cost(usage.ru_utime + usage.ru_stime, rss_kib / 1024, len(sys.modules))


def bare() -> Cost:
    return _own_cost()


# Where a close process starts and runs a job, in this checkout and in older ones: before the worker's
# closing moved to workers/, and before close processes had their own module.
_ENTRIES = (
    ("undercurrent.workers.close_process", "start", "run"),
    ("undercurrent.ingest.close_process", "start", "run"),
    ("undercurrent.ingest.close_pool", "_start", "_run"),
)


def _close_process_entry() -> tuple[Any, Callable[..., Any], Callable[..., Any]]:
    for name, start, run in _ENTRIES:
        try:
            entry = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        if hasattr(entry, start):
            return entry, getattr(entry, start), getattr(entry, run)
    raise ModuleNotFoundError("no close process entry point in this checkout")


def close_process(service_dir: str | None) -> Cost:
    if service_dir is not None:
        sys.path.insert(0, service_dir)
    import msgspec

    from undercurrent.config import Settings

    entry, start, run = _close_process_entry()
    start(Settings(_env_file=None), b"k" * 32)  # type: ignore[call-arg]
    run(msgspec.msgpack.encode(entry.CloseJob(0, 1.0, [])))
    return _own_cost()


def spawned(task: Callable[..., Cost], *args: object) -> Cost:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(task, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="another checkout's service/ directory, measured alternately")
    args = parser.parse_args()
    costs: dict[str, list[Cost]] = {"bare interpreter": [], "close process": []}
    if args.before:
        costs["close process, --before"] = []
    started = time.monotonic()
    for _ in range(args.runs):
        costs["bare interpreter"].append(spawned(bare))
        costs["close process"].append(spawned(close_process, None))
        if args.before:
            costs["close process, --before"].append(spawned(close_process, args.before))
    base = {field: statistics.median(getattr(c, field) for c in costs["bare interpreter"]) for field in Cost._fields}
    print(f"{args.runs} runs each, alternating, {time.monotonic() - started:.0f} s; medians")
    print("| process | start CPU s | ÷ bare | RSS MiB | ÷ bare | RSS over bare MiB | modules |")
    print("|---|---|---|---|---|---|---|")
    for name, values in costs.items():
        cpu = statistics.median(c.cpu_s for c in values)
        rss = statistics.median(c.rss_mib for c in values)
        modules = statistics.median(c.modules for c in values)
        print(f"| {name} | {cpu:.2f} | {cpu / base['cpu_s']:.1f} | {rss:.0f} | {rss / base['rss_mib']:.1f} "
              f"| {rss - base['rss_mib']:.0f} | {modules:.0f} |")


if __name__ == "__main__":
    main()
