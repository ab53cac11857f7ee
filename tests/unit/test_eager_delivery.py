"""Eager delivery runs a coroutine without a task until it first suspends; what is left behaves, awaited or
cancelled, exactly as the untouched coroutine would have."""

from __future__ import annotations

import asyncio

import pytest

from undercurrent.kafka.eager import start_eagerly


async def test_a_coroutine_that_never_suspends_completes_at_once() -> None:
    done: list[str] = []

    async def deliver() -> None:
        done.append("put on the stream buffer")

    assert start_eagerly(deliver()) is None
    assert done == ["put on the stream buffer"]


async def test_an_exception_before_the_first_suspension_is_raised_at_once() -> None:
    async def deliver() -> None:
        raise ValueError("undecodable")

    with pytest.raises(ValueError, match="undecodable"):
        start_eagerly(deliver())


@pytest.mark.parametrize(
    ("suspend", "outcome"),
    [
        ("future", "resumed with 7"),
        ("sleep0", "resumed with None"),
        ("twice", "resumed with 7"),
    ],
)
async def test_the_rest_of_a_suspended_coroutine_runs_when_awaited(suspend: str, outcome: str) -> None:
    loop = asyncio.get_running_loop()
    steps: list[str] = []
    futures: list[asyncio.Future[int]] = []

    async def deliver() -> str:
        steps.append("before")
        value: int | None = None
        for _ in range(2 if suspend == "twice" else 1):
            if suspend == "sleep0":
                await asyncio.sleep(0)
            else:
                futures.append(loop.create_future())
                loop.call_soon(futures[-1].set_result, 7)
                value = await futures[-1]
        steps.append("after")
        return f"resumed with {value}"

    rest = start_eagerly(deliver())
    assert rest is not None and steps == ["before"]
    assert await asyncio.ensure_future(rest) == outcome
    assert steps == ["before", "after"]


async def test_cancelling_the_rest_cancels_the_coroutine_where_it_waits() -> None:
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    cleaned: list[str] = []

    async def deliver() -> None:
        try:
            await gate
        except asyncio.CancelledError:
            cleaned.append("cancelled inside")
            raise

    rest = start_eagerly(deliver())
    assert rest is not None
    task = asyncio.ensure_future(rest)
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == ["cancelled inside"]
    assert gate.cancelled()


async def test_an_exception_after_resuming_reaches_the_awaiter() -> None:
    async def deliver() -> None:
        await asyncio.sleep(0)
        raise KeyError("late")

    rest = start_eagerly(deliver())
    assert rest is not None
    with pytest.raises(KeyError, match="late"):
        await asyncio.ensure_future(rest)
