from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from undercurrent.devstack.stack import Managed

from .harness import Deployment


@pytest.fixture
def deployment(broker: Managed, session_redis_url: str, redis_mode: str, tmp_path: Path) -> Iterator[Deployment]:
    cluster = {"UNDERCURRENT_REDIS_CLUSTER": "true"} if redis_mode == "cluster" else {}
    deployment = Deployment(broker.url, session_redis_url, tmp_path, extra_env=cluster)
    yield deployment
    deployment.stop_all()
