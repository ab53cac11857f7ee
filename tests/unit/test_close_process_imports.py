"""A close process loads only what closing needs: every module it imports costs each close process memory
and start-up CPU (``bench/close_process_cost.py``), and the worker's I/O clients are never used there."""

from __future__ import annotations

import json
import subprocess
import sys

# The worker's I/O and the judge's client: none of it is used by the close stages.
NOT_IN_A_CLOSE_PROCESS = ("anthropic", "faust", "aiokafka", "redis", "structlog", "opentelemetry", "httpx")

_STARTED_CLOSE_PROCESS = """
import json, sys
from undercurrent.config import Settings
from undercurrent.workers import close_process
close_process.start(Settings(), b"k" * 32)
close_process.warm()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_started_close_process_imports_none_of_the_worker_io_or_the_judge_client() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _STARTED_CLOSE_PROCESS], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "undercurrent" in loaded
    assert sorted(loaded.intersection(NOT_IN_A_CLOSE_PROCESS)) == []
