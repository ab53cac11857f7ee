"""Knobs of the synthetic behaviour and timing, with their defaults.

Per-answer probabilities apply independently to every assistant turn. How a
session ends is drawn once per session from the three closure weights.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class BehaviourRates:
    copy: float = 0.20
    """P(the user copies an answer)."""
    accept: float = 0.08
    """P(the user accepts/applies an answer)."""
    undo_after_accept: float = 0.15
    """P(an accepted answer is undone), given it was accepted."""
    edit: float = 0.05
    """P(the user edits an answer before using it)."""
    edit_ratio_alpha: float = 2.0
    edit_ratio_beta: float = 5.0
    """The edited share of the text is Beta(alpha, beta): mean 0.29 by default."""
    regenerate: float = 0.04
    stop_generation: float = 0.02
    """P(the user stops an answer while it streams); the answer is then cut."""
    thumbs_up: float = 0.03
    thumbs_down: float = 0.015
    end: float = 0.5
    """Closure weight: the product sends ``session_end``."""
    abandon: float = 0.2
    """Closure weight: the client reports ``abandon``."""
    walkaway: float = 0.3
    """Closure weight: nothing is sent; the service closes the session when idle."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value < 0 or (field.name in _PROBABILITIES and value > 1):
                raise ValueError(f"rate {field.name}={value} is out of range")
        if self.thumbs_up + self.thumbs_down > 1:
            raise ValueError("thumbs_up + thumbs_down must not exceed 1")
        if self.edit_ratio_alpha <= 0 or self.edit_ratio_beta <= 0:
            raise ValueError("edit_ratio_alpha and edit_ratio_beta must be positive")
        if self.end + self.abandon + self.walkaway <= 0:
            raise ValueError("at least one of end, abandon, walkaway must be positive")

    def closure_probabilities(self) -> dict[str, float]:
        total = self.end + self.abandon + self.walkaway
        return {"end": self.end / total, "abandon": self.abandon / total, "walkaway": self.walkaway / total}


_PROBABILITIES = frozenset(
    {"copy", "accept", "undo_after_accept", "edit", "regenerate", "stop_generation"}
    | {"thumbs_up", "thumbs_down"}
)


@dataclass(frozen=True, slots=True)
class Timing:
    """How long people and the model take; all durations in seconds."""

    typing_cps: float = 4.0
    """Median typing speed in characters per second; each user gets a lognormal factor."""
    max_typing_s: float = 90.0
    """Long messages are pasted rather than typed."""
    reading_cps: float = 25.0
    max_reading_s: float = 120.0
    think_median_s: float = 6.0
    max_think_s: float = 180.0
    first_token_median_s: float = 0.8
    output_tokens_per_s: float = 45.0
    chars_per_token: float = 4.0
    tool_s: tuple[float, float] = (0.2, 2.0)
    end_delay_s: tuple[float, float] = (5.0, 90.0)
    abandon_delay_s: tuple[float, float] = (2.0, 60.0)
    max_session_s: float = 15 * 60.0
    """Longer conversations are time-compressed to fit, so every session is quiet
    well before the end of the replay window."""


def parse_overrides(items: list[str]) -> dict[str, float]:
    """``["copy=0.3", "walkaway=1"]`` → ``{"copy": 0.3, "walkaway": 1.0}``, checking the names."""
    known = {f.name for f in fields(BehaviourRates)}
    overrides: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in known:
            raise ValueError(f"expected NAME=VALUE with NAME one of {', '.join(sorted(known))}; got {item!r}")
        try:
            overrides[name] = float(value)
        except ValueError:
            raise ValueError(f"rate {name!r} needs a number; got {value!r}") from None
    return overrides
