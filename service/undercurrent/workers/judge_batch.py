"""The judge worker's Message Batches mode: collect, submit, poll, collect results, settle.

Sampled sessions read from the requests and retry topics gather in an open batch,
unacknowledged. When it holds ``judge.batch_max_sessions`` sessions or its oldest
has waited ``judge.batch_max_age_s``, it is submitted with ``messages.batches.create``;
the batch and its sessions are recorded in Redis (:mod:`..judge.batch_ledger`) and only
then are the messages acknowledged. A worker stopped before that leaves them to be
read again; one stopped after finds the batch in Redis and polls it. A submission
the service could not take (5xx, overload, rate limit, no answer) keeps the sessions
for the next one; one it refuses (another 4xx: nothing was paid, and the same body
would be refused again) is submitted again in halves until the refused session is
alone, and that session is dead-lettered as ``rejected``, as the interactive path does.

Every pending batch is polled with ``messages.batches.retrieve``, at
``judge.batch_poll_s`` doubling up to ``judge.batch_poll_max_s``. An ended batch is
collected by one replica at a time: its result lines become the same judgements the
interactive path produces and go through :meth:`Judge.settle` (publish, try again
from the retry topic, or dead-letter), billed at the batch price. Each session is
removed from the batch once settled, and a session whose verdict is already stored
is not published again.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anthropic
import structlog

from ..judge.batch import (
    BatchEntry,
    batch_requests,
    judgement_of,
    next_step,
    poll_delay_s,
    result_of_line,
    submission_refused,
    submit_due,
)
from ..judge.batch_ledger import BatchLedger
from ..judge.client import JudgeResult
from ..judge.outcome import GiveUp
from ..judge.runner import session_requests
from ..judge.steps import agent_steps
from ..metrics.definitions import JudgeBatchMetrics
from .judge import Judge, Prepared, facts_in, read_request

log = structlog.get_logger(__name__)
Ack = Callable[[], Awaitable[Any]]
_API_ERRORS = (anthropic.APIError, anthropic.AnthropicError)
BATCH_EVENTS = ("submitted", "collected", "submit_failed", "poll_failed")


@dataclass
class _Waiting:
    prepared: Prepared
    requests: list[dict[str, Any]]
    acks: list[Ack]
    since: float = field(default_factory=time.monotonic)


class BatchMode:
    def __init__(self, judge: Judge, ledger: BatchLedger, metrics: JudgeBatchMetrics) -> None:
        self.judge = judge
        self.ledger = ledger
        self.metrics = metrics
        self.config = judge.settings.judge
        self.owner = uuid.uuid4().hex
        self._open: dict[str, _Waiting] = {}
        self._submitting = asyncio.Lock()
        self._polls: dict[str, int] = {}
        self._next_poll: dict[str, float] = {}
        for event in BATCH_EVENTS:  # every series at zero, so increase() sees the first event
            metrics.batches.labels(event)

    async def take(self, key: bytes | None, value: bytes, attempt: int, ack: Ack) -> None:
        """Add a request to the open batch; acknowledge it at once if it needs no judging."""
        prepared = await self.judge.prepare(key, value, attempt)
        if prepared is None:
            await ack()
            return
        session_id = prepared.request.session_id
        if session_id in self._open:  # read twice before its batch was submitted
            self._open[session_id].acks.append(ack)
            return
        batch_id = await self.judge._durably("judge_batch_lookup", partial(self.ledger.batch_of, session_id))
        if batch_id is not None:
            log.info("session already in a pending batch; request skipped", session_id=session_id, batch_id=batch_id)
            await ack()
            return
        requests = session_requests(self.judge.client.config, prepared.snapshot, prepared.signals,
                                    redact=self.judge.redact, k=self.config.ensemble_k)
        self._open[session_id] = _Waiting(prepared, batch_requests(session_id, requests), [ack])
        self.metrics.open_sessions.set(len(self._open))
        if len(self._open) >= self.config.batch_max_sessions:
            await self.submit()

    async def submit_if_due(self) -> None:
        oldest = min((w.since for w in self._open.values()), default=time.monotonic())
        if submit_due(len(self._open), time.monotonic() - oldest, max_size=self.config.batch_max_sessions,
                      max_age_s=self.config.batch_max_age_s):
            await self.submit()

    async def submit(self) -> None:
        """Submit the open batch, record it, then acknowledge its messages; on an API failure keep it open."""
        async with self._submitting:
            waiting, self._open = list(self._open.values()), {}
            if waiting:
                await self._submit(waiting)
            self.metrics.open_sessions.set(len(self._open))

    async def _submit(self, waiting: list[_Waiting]) -> None:
        try:
            batch_id = await self.judge.client.submit_batch([r for w in waiting for r in w.requests])
        except _API_ERRORS as exc:
            self.metrics.batches.labels("submit_failed").inc()
            if not submission_refused(getattr(exc, "status_code", None)):
                log.error("batch submission failed; sessions kept for the next one", error=repr(exc),
                          sessions=len(waiting))
                self._open = {w.prepared.request.session_id: w for w in waiting} | self._open
            elif len(waiting) > 1:
                log.warning("batch submission refused; submitting it again in halves", error=repr(exc),
                            sessions=len(waiting))
                half = len(waiting) // 2
                await self._submit(waiting[:half])
                await self._submit(waiting[half:])
            else:
                await self._refused(waiting[0], exc)
            return
        entries = [BatchEntry(session_id=w.prepared.request.session_id, key=w.prepared.key,
                              value=w.prepared.value, attempt=w.prepared.attempt,
                              custom_ids=tuple(r["custom_id"] for r in w.requests),
                              known_turns=tuple(t.index for t in w.prepared.snapshot.turns),
                              steps=agent_steps(w.prepared.snapshot.turns)) for w in waiting]
        await self.judge._durably("judge_batch_record", partial(
            self.ledger.record, batch_id, int(time.time() * 1000), entries))
        for w in waiting:
            for ack in w.acks:
                await ack()
        self.metrics.batches.labels("submitted").inc()
        self.metrics.sessions.inc(len(entries))
        log.info("batch submitted", batch_id=batch_id, sessions=len(entries))

    async def _refused(self, waiting: _Waiting, exc: Exception) -> None:
        """Dead-letter the one session whose batch request the API refuses, then acknowledge it."""
        p = waiting.prepared
        log.error("batch request refused; session dead-lettered", session_id=p.request.session_id, error=repr(exc))
        await self.judge.give_up(p.key, p.value, facts_in(p.value), p.attempt,
                                 GiveUp(reason="rejected", detail=f"batch submission refused: {exc!r}"[:1000]))
        for ack in waiting.acks:
            await ack()

    async def poll(self) -> None:
        """Poll every pending batch that is due; collect the ones that have ended."""
        pending = await self.judge._durably("judge_batch_pending", self.ledger.pending)
        self.metrics.pending.set(len(pending))
        for batch_id, submitted_ms in pending.items():
            if time.monotonic() < self._next_poll.get(batch_id, 0.0):
                continue
            try:
                status = await self.judge.client.batch_status(batch_id)
            except _API_ERRORS as exc:
                self.metrics.batches.labels("poll_failed").inc()
                log.error("batch poll failed", batch_id=batch_id, error=repr(exc))
                status = "in_progress"
            if next_step(status) == "wait":
                polls = self._polls.get(batch_id, 0)
                self._polls[batch_id] = polls + 1
                self._next_poll[batch_id] = time.monotonic() + poll_delay_s(
                    polls, base_s=self.config.batch_poll_s, max_s=self.config.batch_poll_max_s)
                continue
            await self.collect(batch_id, submitted_ms)

    async def collect(self, batch_id: str, submitted_ms: int) -> None:
        if not await self.judge._durably("judge_batch_claim", partial(
                self.ledger.claim, batch_id, self.owner, self.config.batch_poll_max_s)):
            return
        try:
            entries = await self.judge._durably("judge_batch_entries", partial(self.ledger.entries, batch_id))
            by_custom_id = {cid: e for e in entries for cid in e.custom_ids}
            turnaround_s = max(0.0, time.time() - submitted_ms / 1000)
            model = self.judge.client.config.model
            results: dict[str, JudgeResult] = {}
            try:
                async for line in self.judge.client.batch_results(batch_id):
                    entry = by_custom_id.get(line.custom_id)
                    if entry is not None:
                        results[line.custom_id] = result_of_line(line, model=model, latency_s=turnaround_s,
                                                                 known_turns=entry.known_turns, steps=entry.steps)
            except _API_ERRORS as exc:
                self.metrics.batches.labels("poll_failed").inc()
                log.error("batch results could not be read; polled again later", batch_id=batch_id, error=repr(exc))
                return
            for entry in entries:
                await self._settle(batch_id, entry, results)
            await self.judge._durably("judge_batch_finish", partial(self.ledger.finish, batch_id))
            self._polls.pop(batch_id, None)
            self._next_poll.pop(batch_id, None)
            self.metrics.batches.labels("collected").inc()
            self.metrics.turnaround.observe(turnaround_s)
            log.info("batch collected", batch_id=batch_id, sessions=len(entries), turnaround_s=round(turnaround_s, 1))
        finally:
            await self.judge._durably("judge_batch_release", partial(self.ledger.release, batch_id, self.owner))

    async def _settle(self, batch_id: str, entry: BatchEntry, results: dict[str, JudgeResult]) -> None:
        """Publish, retry or dead-letter one session of an ended batch, then drop it from the batch."""
        judge = self.judge
        if await judge._durably("judge_lookup", partial(judge.judged_already, entry.session_id)):
            log.info("verdict already stored; batch result skipped", session_id=entry.session_id)
        else:
            try:
                await judge.settle(read_request(entry.key, entry.value, entry.attempt),
                                   judgement_of(entry, results, model=judge.client.config.model), batch=True)
            except Exception as exc:  # a bug dead-letters the session instead of stalling the batch
                log.exception("batch result failed on an unexpected error", session_id=entry.session_id)
                await judge.give_up(entry.key, entry.value, facts_in(entry.value), entry.attempt,
                                    GiveUp(reason="processing_error", detail=repr(exc)[:1000]))
        await judge._durably("judge_batch_settled", partial(self.ledger.settled, batch_id, entry.session_id))
