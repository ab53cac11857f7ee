"""Agent-trace signals from turns that carry a ``step``; language-independent."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..sessions.model import TranscriptTurn
from .agent_steps import CALL_KINDS
from .model import Context, Hit
from .text import cap, excerpt, similarity


def _steps(ctx: Context) -> list[TranscriptTurn]:
    return [t for t in ctx.snapshot.turns if t.step is not None]


def tool_error(ctx: Context) -> Iterator[Hit]:
    """A failed tool step that no later successful step of the same tool made up for."""
    steps = _steps(ctx)
    for n, turn in enumerate(steps):
        assert turn.step is not None
        tool = turn.step.tool
        recovered = any(t.step is not None and t.step.tool == tool and t.step.status == "ok" for t in steps[n + 1 :])
        if turn.step.status == "error" and not recovered:
            detail = turn.step.error or turn.text
            yield Hit(turn.index, 0.8, f"{turn.step.tool or 'tool'} failed: {excerpt(detail, 50)}")


def repeated_tool_call(ctx: Context) -> Iterator[Hit]:
    """The same tool called with the same arguments ``repeat_tool_min`` times or more."""
    calls = [t for t in _steps(ctx) if t.step is not None and t.step.kind in CALL_KINDS]
    counts = Counter((t.step.tool, _canonical(t.text)) for t in calls if t.step is not None)
    for (tool, args), n in counts.items():
        if n >= ctx.config.repeat_tool_min:
            first = next(t for t in calls if t.step is not None and t.step.tool == tool)
            yield Hit(first.index, min(1.0, 0.5 + 0.1 * n), f"{tool or 'tool'} called {n}x with {excerpt(args, 40)!r}")


_MAX_PERIOD = 4
_LOOP_CYCLES = 3
_SAME_STEP = 0.95
_LONG_STEP = 40
_NOT_WORD = re.compile(r"[\W_]+")
_MAX_STEPS = 200


def _runs(ctx: Context) -> list[list[TranscriptTurn]]:
    """Maximal runs of consecutive step turns; a plain chat turn ends a run."""
    runs: list[list[TranscriptTurn]] = [[]]
    for turn in ctx.snapshot.turns[-_MAX_STEPS:]:
        if turn.step is None:
            runs.append([])
        else:
            runs[-1].append(turn)
    return [r for r in runs if r]


def step_loop(ctx: Context) -> Iterator[Hit]:
    """A block of 1-4 steps repeated, near-verbatim, three or more times in a row."""
    for steps in _runs(ctx):
        if hit := _loop_in(steps):
            yield hit
            return


def _loop_in(steps: list[TranscriptTurn]) -> Hit | None:
    for period in range(1, _MAX_PERIOD + 1):
        for start in range(len(steps) - period * _LOOP_CYCLES + 1):
            if all(
                _same_step(steps[start + k], steps[start + k + period * c])
                for c in range(1, _LOOP_CYCLES)
                for k in range(period)
            ):
                first = steps[start]
                return Hit(first.index, 0.7, f"{period}-step block from turn {first.index} repeated {_LOOP_CYCLES}x")
    return None


def _same_step(a: TranscriptTurn, b: TranscriptTurn) -> bool:
    assert a.step is not None and b.step is not None
    if a.step.kind != b.step.kind or a.step.tool != b.step.tool:
        return False
    same_text = _canonical(a.text) == _canonical(b.text)
    return same_text or (min(len(a.text), len(b.text)) >= _LONG_STEP and similarity(a.text, b.text, 300) >= _SAME_STEP)


def _canonical(text: str) -> str:
    """Text with case, spacing and punctuation removed, so trivially different calls compare equal."""
    return _NOT_WORD.sub("", cap(text, 500).lower())
