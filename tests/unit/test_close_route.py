"""Where a close batch is built: the pool only when ready; a broken pool restarts after a growing delay."""

from __future__ import annotations

import pytest

from undercurrent.workers.close_route import MAX_RESTART_DELAY_S, Decision, PoolState, PoolView, decide, restart_delay_s

WARMING, READY, BROKEN = PoolState.WARMING, PoolState.READY, PoolState.BROKEN


@pytest.mark.parametrize(("view", "expected"), [
    (PoolView(WARMING, breaks=0, since_break_s=0.0), Decision("loop", restart=False)),  # first start-up
    (PoolView(READY, breaks=0, since_break_s=0.0), Decision("pool", restart=False)),
    (PoolView(BROKEN, breaks=1, since_break_s=0.0), Decision("loop", restart=False)),  # just broke
    (PoolView(BROKEN, breaks=1, since_break_s=0.99), Decision("loop", restart=False)),
    (PoolView(BROKEN, breaks=1, since_break_s=1.0), Decision("loop", restart=True)),
    (PoolView(BROKEN, breaks=3, since_break_s=3.9), Decision("loop", restart=False)),  # third break in a row: 4 s
    (PoolView(BROKEN, breaks=3, since_break_s=4.0), Decision("loop", restart=True)),
    (PoolView(BROKEN, breaks=30, since_break_s=59.0), Decision("loop", restart=False)),  # capped at a minute
    (PoolView(BROKEN, breaks=30, since_break_s=60.0), Decision("loop", restart=True)),
    (PoolView(WARMING, breaks=2, since_break_s=500.0), Decision("loop", restart=False)),  # restarting already
])
def test_decide(view: PoolView, expected: Decision) -> None:
    assert decide(view) == expected


@pytest.mark.parametrize(("breaks", "delay_s"), [
    (0, 0.0), (1, 1.0), (2, 2.0), (3, 4.0), (7, MAX_RESTART_DELAY_S), (10_000, MAX_RESTART_DELAY_S),
])
def test_restart_delay(breaks: int, delay_s: float) -> None:
    assert restart_delay_s(breaks) == delay_s
