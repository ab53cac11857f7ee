"""Judge one session once or K times and combine the verdicts."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import msgspec

from ..detectors.model import Signal
from ..privacy.redact import Redact
from ..sessions.model import SessionSnapshot
from .client import JudgeClient, JudgeConfig, JudgeResult
from .ensemble import EnsembleOutcome, combine
from .prompt import build_request
from .steps import agent_steps


class SessionJudgement(msgspec.Struct, frozen=True, kw_only=True):
    results: tuple[JudgeResult, ...]
    ensemble: EnsembleOutcome | None  # None when no request produced a valid verdict


def session_requests(
    config: JudgeConfig, snapshot: SessionSnapshot, signals: Sequence[Signal] = (), *, redact: Redact, k: int = 1
) -> list[dict[str, Any]]:
    """The ``k`` variants of the request about one session, as ``messages.create`` keyword arguments."""
    return [
        build_request(
            snapshot,
            signals,
            model=config.model,
            redact=redact,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            variant=variant,
        )
        for variant in range(k)
    ]


async def judge_session(
    client: JudgeClient,
    snapshot: SessionSnapshot,
    signals: Sequence[Signal] = (),
    *,
    redact: Redact,
    k: int = 1,
) -> SessionJudgement:
    """Send ``k`` variants of the request concurrently; combine the valid verdicts by majority."""
    requests = session_requests(client.config, snapshot, signals, redact=redact, k=k)
    turns, steps = {t.index for t in snapshot.turns}, agent_steps(snapshot.turns)
    results = await asyncio.gather(*(client.judge(r, known_turns=turns, steps=steps) for r in requests))
    verdicts = [r.verdict for r in results if r.verdict is not None]
    return SessionJudgement(results=tuple(results), ensemble=combine(verdicts) if verdicts else None)
