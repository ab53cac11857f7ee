"""The close stages the worker runs, in order."""

from __future__ import annotations

from ..config import Settings
from ..sessions.closer import CloseStage


def default_stages(settings: Settings) -> list[CloseStage]:
    return []
