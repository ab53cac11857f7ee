"""Labelled scenarios: hand-written sessions with the signals and flags they should produce.

Labels are exhaustive: a signal absent from ``signals`` is a negative for that scenario.
``hard_negative_for`` names the detectors a scenario was written to tempt.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import yaml

from ..errors import UndercurrentError
from ..events.model import Step
from ..sessions.model import Behaviour, CloseReason, SessionSnapshot, TranscriptTurn
from ..vocabulary import Visibility

START_MS = 1_700_000_000_000
LABELLED = Path(__file__).parent / "labelled"
"""The labelled scenario set shipped with the package."""


class ScenarioError(UndercurrentError, ValueError):
    """No scenarios where scenarios were expected."""


class Item(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One timeline entry: a turn (user/assistant/tool text) or a behaviour event."""

    user: str | None = None
    assistant: str | None = None
    tool: str | None = None
    step: Step | None = None
    finish: str | None = None
    event: str | None = None
    turn: int | None = None
    value: str | None = None
    score: float | None = None
    ratio: float | None = None
    final_text: str | None = None
    comment: str | None = None
    after: float = 20.0


class Scenario(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: str
    timeline: list[Item]
    signals: list[str] = []
    archetypes: list[str] = []
    visibility: Visibility | None = None
    hard_negative_for: list[str] = []
    feature: str = "default"
    domain: str | None = None
    close: CloseReason | None = "end"
    quiet_s: float | None = None
    note: str = ""


def load_scenarios(directory: Path = LABELLED) -> list[Scenario]:
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        raise ScenarioError(f"no labelled scenarios (*.yaml) in {directory}")
    scenarios: list[Scenario] = []
    for path in files:
        scenarios.extend(msgspec.convert(yaml.safe_load(path.read_text(encoding="utf-8")), list[Scenario]))
    return scenarios


def _role_text(item: Item) -> tuple[str, str] | None:
    for role in ("user", "assistant", "tool"):
        text = getattr(item, role)
        if text is not None:
            return role, text
    return None


def to_snapshot(scenario: Scenario) -> tuple[SessionSnapshot, int | None]:
    """The scenario as a session snapshot, plus the close time when ``quiet_s`` is given."""
    turns: list[TranscriptTurn] = []
    behaviours: list[Behaviour] = []
    ts = START_MS
    for n, item in enumerate(scenario.timeline):
        ts += int(item.after * 1000)
        event_id = f"{scenario.id}-{n}"
        if role_text := _role_text(item):
            role, text = role_text
            turns.append(
                TranscriptTurn(
                    index=len(turns), role=role, text=text, ts_ms=ts, event_id=event_id,
                    finish_reason=item.finish, step=item.step,
                )
            )  # fmt: skip
        elif item.event is not None:
            last_ai = next((t.index for t in reversed(turns) if t.role == "assistant"), None)
            behaviours.append(
                Behaviour(
                    type=item.event, ts_ms=ts, event_id=event_id,
                    turn=item.turn if item.turn is not None else last_ai,
                    edit_ratio=item.ratio, final_text=item.final_text,
                    value=item.value, score=item.score, comment=item.comment,
                )
            )  # fmt: skip
    snapshot = SessionSnapshot(
        session_id=scenario.id, feature=scenario.feature, domain=scenario.domain, user_id=None,
        turns=tuple(turns), behaviours=tuple(behaviours), opened_ms=START_MS + int(scenario.timeline[0].after * 1000),
        last_event_ms=ts, close_reason=scenario.close,
    )  # fmt: skip
    closed_ms = ts + int(scenario.quiet_s * 1000) if scenario.quiet_s is not None else None
    return snapshot, closed_ms
