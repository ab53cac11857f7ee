from __future__ import annotations

from collections.abc import Iterator

import pytest

from undercurrent.devstack import start_redis
from undercurrent.devstack.stack import Managed


@pytest.fixture(scope="module")
def module_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Managed]:
    """A private Redis for the scenarios of one module that do not break Redis itself."""
    managed = start_redis(tmp_path_factory.mktemp("redis"))
    yield managed
    managed.stop()
