"""Detector output and configuration: plain msgspec structs that encode to JSON as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

import msgspec

from ..sessions.model import SessionSnapshot
from ..vocabulary import Visibility
from .text import head_tail, prose

Scope = Literal["turn", "session"]
DomainSource = Literal["producer", "classifier"]


class Signal(msgspec.Struct, frozen=True, kw_only=True):
    """One signal in a session, with the turns that evidence it."""

    name: str
    turns: list[int]
    score: float
    evidence: str
    detector: str


class ArchetypeFlag(msgspec.Struct, frozen=True, kw_only=True):
    """A cheap estimate that the session fits an archetype; the judge gives the verdict."""

    archetype: str
    score: float
    signals: list[str]
    source: Literal["heuristic"] = "heuristic"


class DetectorReport(msgspec.Struct, frozen=True, kw_only=True):
    signals: list[Signal]
    archetypes: list[ArchetypeFlag]
    visibility: Visibility
    risk: float
    domain: str
    domain_source: DomainSource
    versions: dict[str, str]
    risk_model: str = ""
    """Version of the risk model that scored ``risk`` (empty in records written before models had versions)."""
    factors: dict[str, float] = msgspec.field(default_factory=dict)
    """Non-zero risk factors (``factors.py``) the risk model weighed besides the signals."""


class Hit(msgspec.Struct, frozen=True):
    """What a detector function returns for one piece of evidence."""

    turn: int
    score: float
    evidence: str


class DetectorConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Thresholds the worker may override; defaults suit a general chat product."""

    walkaway_gap_s: float = 600.0
    walkaway_gap_by_feature: dict[str, float] = msgspec.field(default_factory=dict)
    quick_abandon_s: float = 60.0
    undo_window_s: float = 300.0
    large_edit_ratio: float = 0.5
    rating_positive_min: float = 4.0
    rating_negative_max: float = 2.0
    repeat_tool_min: int = 3
    max_compare_chars: int = 2000
    answer_head_chars: int = 1500
    answer_tail_chars: int = 500
    answers_compared: int = 6

    def walkaway_gap_for(self, feature: str) -> float:
        return self.walkaway_gap_by_feature.get(feature, self.walkaway_gap_s)

    def answer(self, text: str) -> str:
        """The bounded view of an assistant answer that every text detector reads (see ``text``)."""
        return head_tail(text, self.answer_head_chars, self.answer_tail_chars)

    def answer_prose(self, text: str) -> str:
        """The same view with code blocks blanked."""
        return prose(text, self.answer_head_chars, self.answer_tail_chars)


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What every detector function receives: the session, the config and the close time if known."""

    snapshot: SessionSnapshot
    config: DetectorConfig
    closed_ms: int | None = None


DetectorFn = Callable[[Context], Iterable[Hit]]


class Detector(msgspec.Struct, frozen=True):
    """A registered detector: its signal name, version, when it may run, and the function."""

    name: str
    version: str
    scope: Scope
    fn: DetectorFn
