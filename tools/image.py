"""Build the image with the builder this machine has (buildah, no Docker engine) and run it.

    python tools/image.py build [--tag undercurrent:local] [--requirements runtime|replay]
    python tools/image.py run [--tag …] -- ARGS…     # the image's entry point with ARGS

The Dockerfile's base is ``python:3.11-slim-bookworm``. Where that image cannot be pulled (no
registry reachable), a stand-in is made once: a Debian bookworm root from ``debootstrap`` with
Debian's Python 3.11 (the same Debian release and Python minor version), imported into buildah's
local storage as ``localhost/undercurrent-base:bookworm-python3.11``. buildah builds and runs with
``--isolation chroot``, which needs no daemon and no user namespaces.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS_DIR = ROOT / ".tools"
OFFICIAL_BASE = "python:3.11-slim-bookworm"
STAND_IN_BASE = "localhost/undercurrent-base:bookworm-python3.11"
STAND_IN_PACKAGES = ("python3", "python3-venv", "ca-certificates", "passwd")
APT_SOURCES = (Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list"))
# This machine's CA bundle, handed to the build's pip step (a TLS-inspecting proxy signs with a CA
# that only the host trusts); it is mounted for that step and not kept in the image.
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# One build at a time per machine: parallel test workers and checkouts share buildah's storage and
# would otherwise race to make the stand-in base or commit the same tag.
BUILD_LOCK = Path(tempfile.gettempdir()) / "undercurrent-image-build.lock"


class ImageError(RuntimeError):
    """The image could not be built or run; the message says why."""


def builder() -> str | None:
    """Path of buildah, or None when this machine has no image builder."""
    return shutil.which("buildah")


def _buildah(*args: str, capture: bool = True, timeout: float = 1800) -> str:
    tool = builder()
    if tool is None:
        raise ImageError("buildah not found: apt-get install -y buildah")
    result = subprocess.run([tool, *args], capture_output=capture, text=True, timeout=timeout)
    if result.returncode != 0:
        raise ImageError(f"buildah {' '.join(args[:2])} failed:\n{(result.stderr or '')[-3000:]}")
    return result.stdout or ""


def image_exists(name: str) -> bool:
    tool = builder()
    return tool is not None and subprocess.run(
        [tool, "inspect", "--type", "image", name], capture_output=True
    ).returncode == 0


def _debian_mirror() -> str:
    """The Debian archive this machine's apt uses (the stand-in base comes from the same place)."""
    for path in APT_SOURCES:
        if path.is_file():
            match = re.search(r"^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)", path.read_text(), re.MULTILINE)
            if match:
                return match.group(1)
    raise ImageError("no Debian archive found in the apt sources to debootstrap the stand-in base from")


def _stand_in_root() -> Path:
    root = TOOLS_DIR / "base-bookworm-python3.11"
    if (root / "usr" / "bin" / "python3").exists():
        return root
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise ImageError("debootstrap not found: apt-get install -y debootstrap")
    partial = root.parent / f"{root.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    result = subprocess.run(
        [debootstrap, "--variant=minbase", f"--include={','.join(STAND_IN_PACKAGES)}", "bookworm", str(partial),
         _debian_mirror()],
        capture_output=True, text=True, timeout=1800,
    )
    if result.returncode != 0:
        raise ImageError(f"debootstrap failed:\n{result.stderr[-3000:]}")
    for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for entry in (partial / cache).glob("*"):
            if entry.is_file():
                entry.unlink()
    partial.rename(root)
    return root


def base_image() -> str:
    """The official base when buildah has it, else the stand-in (made on first use)."""
    if image_exists(OFFICIAL_BASE):
        return OFFICIAL_BASE
    if image_exists(STAND_IN_BASE):
        return STAND_IN_BASE
    root = _stand_in_root()
    container = _buildah("from", "scratch").strip()
    try:
        mount = _buildah("mount", container).strip()
        subprocess.run(["cp", "-a", f"{root}/.", mount], check=True)
        _buildah("umount", container)
        path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        _buildah("config", "--env", path, "--env", "LANG=C.UTF-8", "--cmd", "python3", container)
        _buildah("commit", "--quiet", container, STAND_IN_BASE)
    finally:
        subprocess.run([builder() or "buildah", "rm", container], capture_output=True)
    return STAND_IN_BASE


@contextmanager
def _one_build_at_a_time() -> Iterator[None]:
    with BUILD_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(tag: str, requirements: str = "runtime") -> str:
    """Build the Dockerfile into ``tag``; return the base image used.

    A build waits for any other build on the machine and then reuses its cached layers.
    """
    with _one_build_at_a_time():
        base = base_image()
        secret = ["--secret", f"id=pip-ca,src={HOST_CA_BUNDLE}"] if HOST_CA_BUNDLE.is_file() else []
        _buildah("build", "--isolation", "chroot", "--layers", "--force-rm", "--tag", tag, *secret,
                 "--build-arg", f"BASE_IMAGE={base}", "--build-arg", f"REQUIREMENTS={requirements}",
                 "--file", str(ROOT / "Dockerfile"), str(ROOT), capture=False)
    return base


def size(tag: str) -> str:
    """The image's size as buildah reports it (e.g. "365 MB")."""
    return _buildah("images", "--noheading", "--format", "{{.Size}}", tag).strip()


def create(tag: str) -> str:
    """A container of ``tag`` (not started); remove it with :func:`remove`."""
    return _buildah("from", "--quiet", "--pull-never", tag).strip()


def remove(container: str) -> None:
    subprocess.run([builder() or "buildah", "rm", container], capture_output=True)


def run_command(
    container: str, *args: str, entrypoint: list[str] | None = None, env: dict[str, str] | None = None
) -> list[str]:
    """The command line that runs the container's entry point (or ``entrypoint``) with ``args``.

    chroot isolation shares this machine's network, so the container reaches services on loopback.
    """
    config = json.loads(_buildah("inspect", "--type", "container", container))["OCIv1"]["config"]
    command = [*(config.get("Entrypoint") if entrypoint is None else entrypoint), *args]
    env_args = [arg for name, value in (env or {}).items() for arg in ("--env", f"{name}={value}")]
    return [builder() or "buildah", "run", "--isolation", "chroot", "--user", config.get("User") or "0",
            *env_args, container, "--", *command]


def run(
    tag: str, *args: str, entrypoint: list[str] | None = None, env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in a throw-away container of ``tag`` and wait for it."""
    container = create(tag)
    try:
        command = run_command(container, *args, entrypoint=entrypoint, env=env)
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    finally:
        remove(container)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["build", "run"])
    parser.add_argument("--tag", default="undercurrent:local")
    parser.add_argument("--requirements", default="runtime", choices=["runtime", "replay"])
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    options.args = argv[split + 1:]
    try:
        if options.action == "build":
            base = build(options.tag, options.requirements)
            print(f"built {options.tag} ({size(options.tag)}) from {base}")
            return 0
        result = run(options.tag, *options.args)
    except ImageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
