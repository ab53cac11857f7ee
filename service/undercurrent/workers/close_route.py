"""Where a close batch is built: in the close processes once they are ready, on the event loop otherwise.

Close processes take seconds of CPU to start (spawn, imports, loading the stages), and far longer on a
busy machine; a process can also die (killed, out of memory). Closing must not wait for either: until
the processes report ready, and while new ones start after a break, batches are built on the event
loop as with ``sessions.close_workers = 0``. A pool that keeps breaking is restarted with a growing
delay, so a process that cannot start (say, it is killed for memory each time) does not cost a spawn
per sweep.
"""

from __future__ import annotations

import enum
from typing import Literal, NamedTuple

RESTART_DELAY_S = 1.0
"""Delay before restarting after the first break; doubled for each further break in a row."""
MAX_RESTART_DELAY_S = 60.0


class PoolState(enum.Enum):
    WARMING = "warming"
    """Processes started; their warm-up task has not come back yet."""
    READY = "ready"
    BROKEN = "broken"
    """A process died (while warming or building); the pool waits to be restarted."""


class PoolView(NamedTuple):
    state: PoolState
    breaks: int
    """Breaks since the pool was last ready."""
    since_break_s: float
    """Seconds since the last break (meaningless while ``breaks`` is 0)."""


class Decision(NamedTuple):
    route: Literal["pool", "loop"]
    restart: bool


def restart_delay_s(breaks: int) -> float:
    """How long a pool broken ``breaks`` times in a row waits before it is started again."""
    if breaks <= 0:
        return 0.0
    return min(MAX_RESTART_DELAY_S, RESTART_DELAY_S * 2.0 ** min(breaks - 1, 32))


def decide(view: PoolView) -> Decision:
    """Build in the pool only when it is ready; restart a broken pool once its delay has passed."""
    if view.state is PoolState.READY:
        return Decision("pool", restart=False)
    restart = view.state is PoolState.BROKEN and view.since_break_s >= restart_delay_s(view.breaks)
    return Decision("loop", restart)
