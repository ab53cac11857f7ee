"""The demo's live part: replay conversations into the broker while showing what the workers do.

Progress comes from the same places an operator would look: the replay's own counts for events
produced, and the workers' ``/metrics`` pages for events ingested, sessions closed and judged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from .. import conventions as names
from ..config import KafkaSettings, Settings
from ..kafka.options import client_options
from ..replay.agent_synth import synthesize_trace
from ..replay.produce import ReplaySummary, replay_to_kafka
from ..replay.schedule import Window, merge_by_start, sessions
from ..replay.sharegpt import read_sharegpt
from ..replay.synth import SynthOptions
from ..replay.trace import AgentTrace
from .processes import Child, ChildFailed, Samples, scrape, total

QUIET_LINE_EVERY_S = 10.0
"""Without a terminal (CI logs, pipes) a plain progress line is printed this often instead of bars."""
SETTLE_S = 15.0
"""Once every produced event is ingested, stop waiting when nothing is open and the closed count has not
moved for this long (longer than the worker's 5 s refresh of its open-session gauge)."""


PROGRESS_SAMPLES = (
    names.EVENTS,
    names.SESSIONS_CLOSED,
    names.SESSIONS_OPEN,
    names.JUDGE_SAMPLED_SESSIONS,
    names.JUDGED_SESSIONS,
)


@dataclass
class Watched:
    worker: Child
    judge: Child | None = None

    def samples(self, names: Sequence[str] = ()) -> Samples:
        """The workers' metrics (``names`` only, when given), merged."""
        merged: Samples = {}
        for child in (self.worker, self.judge):
            if child is not None:
                child.check()
                assert child.metrics_url
                merged.update(scrape(child.metrics_url, names))
        return merged


@dataclass
class Outcome:
    replay: ReplaySummary
    samples: Samples


@dataclass
class _Counts:
    produced: int = 0
    conversations: int = 0
    ingested: float = 0
    closed: float = 0
    open: float = 0
    sampled: float = 0
    judged: float = 0
    worker_ready_s: float | None = None

    def line(self, elapsed_s: float, expected: int) -> str:
        return (f"{elapsed_s:4.0f} s: {self.produced:,} events produced, {self.ingested:,.0f} ingested, "
                f"{self.closed:,.0f} of {expected:,} sessions closed")


@dataclass
class _Display:
    progress: Progress
    judge: bool
    tasks: dict[str, TaskID] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = ["worker", "events produced", "events ingested", "sessions closed"]
        for name in names + (["sessions judged"] if self.judge else []):
            self.tasks[name] = self.progress.add_task(name, total=None, count="", note="")
        self.progress.update(self.tasks["worker"], note="starting")

    def _set(self, name: str, done: float, of: float | None, note: str = "") -> None:
        count = f"{done:,.0f}" if of is None else f"{done:,.0f} / {of:,.0f}"
        self.progress.update(self.tasks[name], completed=done, total=of, count=count, note=note)

    def show(self, counts: _Counts, expected: int, replay_done: bool) -> None:
        if counts.worker_ready_s is not None:
            self.progress.update(self.tasks["worker"], total=1, completed=1,
                                 note=f"consuming after {counts.worker_ready_s:.1f} s")
        produced_of = counts.produced if replay_done else None
        self._set("events produced", counts.produced, produced_of,
                  f"conversations {counts.conversations:,}/{expected:,}")
        self._set("events ingested", counts.ingested, counts.produced)
        self._set("sessions closed", counts.closed, expected, f"{counts.open:,.0f} open")
        if self.judge:
            self._set("sessions judged", counts.judged, counts.sampled, "of those sampled")


async def replay_and_watch(
    watched: Watched,
    *,
    bootstrap: str,
    conversations: int,
    seed: int,
    envelope_size: int,
    features: Sequence[str],
    timeout_s: float,
    console: Console,
    traces: Sequence[AgentTrace] = (),
    agent_options: SynthOptions | None = None,
) -> Outcome:
    """Replay ``conversations`` ShareGPT conversations (and ``traces``, agent runs, over the same hours)
    and return once every session they made has closed."""
    settings = Settings().model_copy(update={"kafka": KafkaSettings(bootstrap=bootstrap)})
    await _wait_for_topics(settings)
    window = Window.before(time.time_ns() // 1_000_000)
    chats = sessions(
        read_sharegpt(limit=conversations),
        seed=seed,
        window=window,
        expected=conversations,
        options=SynthOptions(features=tuple(features), session_prefix=f"demo{seed}"),
    )
    agents = sessions(
        traces, seed=seed, window=window, expected=len(traces), options=agent_options or SynthOptions(),
        synth=synthesize_trace,
    )  # fmt: skip
    stream = merge_by_start(chats, agents)
    conversations += len(traces)
    counts = _Counts()

    def on_produced(started: int, events: int) -> None:
        counts.conversations, counts.produced = started, events

    started = time.monotonic()
    replay = asyncio.create_task(
        replay_to_kafka(stream, settings, envelope_size=envelope_size, on_progress=on_produced)
    )
    columns = (TextColumn("{task.description:>16}"), BarColumn(bar_width=20), TextColumn("{task.fields[count]:>15}"),
               TextColumn("{task.fields[note]}"))
    with Progress(*columns, console=console) as progress:
        display = _Display(progress, judge=watched.judge is not None)
        last_line = started
        last_change = (started, -1.0)
        while True:
            samples = await asyncio.to_thread(watched.samples, PROGRESS_SAMPLES)
            _read(samples, counts, watched.worker)
            summary = replay.result() if replay.done() else None
            expected = summary.conversations if summary else conversations
            display.show(counts, expected, replay_done=summary is not None)
            now = time.monotonic()
            if counts.closed != last_change[1]:
                last_change = (now, counts.closed)
            all_ingested = summary is not None and counts.ingested >= summary.events_total
            if all_ingested and counts.open == 0 and (counts.closed >= expected or now - last_change[0] > SETTLE_S):
                break
            if now - started > timeout_s:
                console.print("[yellow]not every session closed within the time limit; the summary shows what did[/]")
                summary = summary or await replay
                break
            if not console.is_terminal and now - last_line >= QUIET_LINE_EVERY_S:
                console.print(counts.line(now - started, expected))
                last_line = now
            await asyncio.sleep(1.0)
    assert summary is not None
    return Outcome(summary, await asyncio.to_thread(watched.samples))


def _read(samples: Samples, counts: _Counts, worker: Child) -> None:
    counts.ingested = total(samples, names.EVENTS)
    counts.closed = total(samples, names.SESSIONS_CLOSED)
    counts.open = total(samples, names.SESSIONS_OPEN)
    counts.sampled = total(samples, names.JUDGE_SAMPLED_SESSIONS)
    counts.judged = total(samples, names.JUDGED_SESSIONS)
    if counts.worker_ready_s is None and counts.ingested > 0:
        counts.worker_ready_s = time.monotonic() - worker.started


async def _wait_for_topics(settings: Settings, timeout_s: float = 60.0) -> None:
    """The worker creates the input topics when it starts; the replay needs them to exist."""
    wanted = {settings.topics.chat, settings.topics.client}
    consumer = AIOKafkaConsumer(**client_options(settings.kafka))
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout_s
        while not wanted <= await consumer.topics():
            if time.monotonic() > deadline:
                raise ChildFailed(f"the worker did not create the topics {sorted(wanted)} within {timeout_s:.0f}s")
            await asyncio.sleep(0.5)
    finally:
        await consumer.stop()
