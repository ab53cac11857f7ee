"""The deployment checkers (helm 3 and 4, docker compose, CRD validators), fetched into .tools/ once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.install import COMPOSE, HELM3, HELM4, crd_validator_dir, ensure_binary


@pytest.fixture(scope="session", params=[HELM3, HELM4], ids=["helm3", "helm4"])
def helm(request: pytest.FixtureRequest) -> Path:
    return ensure_binary(request.param)


@pytest.fixture(scope="session")
def helm4() -> Path:
    return ensure_binary(HELM4)


@pytest.fixture(scope="session")
def compose() -> Path:
    return ensure_binary(COMPOSE)


@pytest.fixture(scope="session")
def crd_validators() -> Path:
    return crd_validator_dir()
