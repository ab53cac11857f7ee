"""Cost of identifying a session's language at close, against the detector pass, in one run.

    .venv/bin/python bench/language_bench.py --limit 3000

Both run over the same real ShareGPT conversations (turns 30 s apart, no behaviour events),
alternating per session so load on the machine hits both alike; CPU time of this process
per session. The ratio is what language identification adds to the close stages' detector
cost.
"""

from __future__ import annotations

import argparse
import statistics
import time

from undercurrent.detectors import run_session_detectors
from undercurrent.detectors.language import identifier, session_language
from undercurrent.replay.sharegpt import read_sharegpt
from undercurrent.sessions.model import SessionSnapshot, TranscriptTurn

TURN_GAP_MS = 30_000


def snapshot(conversation_id: str, messages: tuple[tuple[str, str], ...]) -> SessionSnapshot:
    turns = tuple(
        TranscriptTurn(index=i, role=role, text=text, ts_ms=i * TURN_GAP_MS, event_id=f"{conversation_id}-{i}")
        for i, (role, text) in enumerate(messages)
    )
    return SessionSnapshot(session_id=conversation_id, feature="default", domain=None, user_id=None, turns=turns,
                           behaviours=(), opened_ms=0, last_event_ms=turns[-1].ts_ms, close_reason="end")


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=3000, help="conversations to read")
    args = parser.parse_args()

    snapshots = [snapshot(c.id, c.messages) for c in read_sharegpt(limit=args.limit)]
    identifier()  # loaded once per worker at start-up, not per session
    language_ms, detector_ms = [], []
    for session in snapshots:
        started = time.process_time()
        session_language(t.text for t in session.turns if t.role == "user")
        middle = time.process_time()
        run_session_detectors(session)
        language_ms.append((middle - started) * 1000)
        detector_ms.append((time.process_time() - middle) * 1000)
    print(f"{len(snapshots)} ShareGPT sessions, CPU ms per session")
    print(f"{'':>10} {'mean':>8} {'p50':>8} {'p99':>8}")
    for name, values in (("language", language_ms), ("detectors", detector_ms)):
        print(f"{name:>10} {statistics.mean(values):8.3f} {statistics.median(values):8.3f} {_p99(values):8.3f}")
    print(f"language / detectors: mean {statistics.mean(language_ms) / statistics.mean(detector_ms):.3f}, "
          f"p50 {statistics.median(language_ms) / statistics.median(detector_ms):.3f}")


if __name__ == "__main__":
    main()
