"""A private Redis Cluster of three primaries on free loopback ports, for tests."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from undercurrent.devstack.stack import Managed, StackError, free_port, start_redis


@contextlib.contextmanager
def redis_cluster(directory: Path, primaries: int = 3, timeout_s: float = 30.0) -> Iterator[list[Managed]]:
    """Start ``primaries`` cluster-enabled redis-servers, join them without replicas; yields the nodes."""
    nodes: list[Managed] = []
    try:
        for _ in range(primaries):
            node_dir = directory / f"node{len(nodes)}"
            node_dir.mkdir(parents=True, exist_ok=True)
            # The bus port is given: by default it is the client port + 10000, which may be taken or too high.
            nodes.append(start_redis(node_dir, extra_args=(
                "--cluster-enabled", "yes", "--cluster-port", str(free_port()),
                "--cluster-config-file", str(node_dir.resolve() / "nodes.conf"))))
        addresses = [node.url.removeprefix("redis://").removesuffix("/0") for node in nodes]
        cli = shutil.which("redis-cli")
        if cli is None:
            raise StackError("redis-cli not found: install Debian's redis-tools")
        subprocess.run([cli, "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes"],
                       check=True, capture_output=True, timeout=timeout_s)
        deadline = time.monotonic() + timeout_s
        for node in nodes:
            client = redis.Redis.from_url(node.url)
            while client.cluster("info").get("cluster_state") != "ok":
                if time.monotonic() > deadline:
                    raise StackError(f"Redis Cluster at {addresses} did not reach cluster_state:ok")
                time.sleep(0.1)
            client.close()
        yield nodes
    finally:
        for node in nodes:
            node.stop()
