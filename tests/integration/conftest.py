from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from undercurrent.devstack.stack import Managed

from .harness import Deployment


@pytest.fixture
def deployment(broker: Managed, redis_url: str, tmp_path: Path) -> Iterator[Deployment]:
    deployment = Deployment(broker.url, redis_url, tmp_path)
    yield deployment
    deployment.stop_all()
