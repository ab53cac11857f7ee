"""What the demo prints once every replayed session has closed: pure functions of the worker's metrics.

The replay takes real conversation text from ShareGPT but invents the timing and every client
behaviour event, so the report says which signals rest on synthesised events and at what rates
they were drawn. Signals are split by what they say about a session: those the risk model's priors count
against failure (copy, thumbs up, positive feedback, ...) are success signals, the rest failure
signals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from .. import conventions as names
from ..detectors import behaviour
from ..detectors.registry import DETECTORS
from ..detectors.risk import WEIGHTS
from ..estimate.interval import wilson_interval
from ..replay.produce import ReplaySummary
from ..replay.rates import BehaviourRates
from .processes import Samples, total

SYNTHESISED_SIGNALS = frozenset(d.name for d in DETECTORS if d.fn.__module__ == behaviour.__name__)
"""Signals computed from client behaviour events and timing, which a ShareGPT replay invents."""

SUCCESS_SIGNALS = frozenset(name for name, weight in WEIGHTS.items() if weight < 0)
"""Signals whose prior says success (the fitted weights may differ in sign where data are thin)."""

_PER_ANSWER = (
    ("copy", "copy"),
    ("accept", "accept"),
    ("edit", "edit"),
    ("regenerate", "regenerate"),
    ("stop_generation", "stop while streaming"),
    ("thumbs_up", "thumbs up"),
    ("thumbs_down", "thumbs down"),
)
_CLOSURES = (("end", "session_end event"), ("abandon", "abandon event"), ("walkaway", "nothing (closed when idle)"))


def by_label(samples: Samples, name: str, label: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for (n, labels), value in samples.items():
        if n == name and value:
            out[dict(labels)[label]] += int(value)  # counters of sessions: whole numbers
    return out


def synthesis_note(rates: BehaviourRates) -> str:
    """The behaviour the replay invented, with the probabilities it drew it with."""
    per_answer = ", ".join(f"{label} {_pct(getattr(rates, name))}" for name, label in _PER_ANSWER)
    closing = rates.closure_probabilities()
    endings = ", ".join(f"{label} {_pct(closing[name])}" for name, label in _CLOSURES)
    return (
        "Conversation text is real (ShareGPT); timing and every client behaviour event are synthesised by the "
        f"replay. Per assistant answer: {per_answer}; an accepted answer is undone with "
        f"{_pct(rates.undo_after_accept)}. Each session ends with: {endings}. Signals marked "
        "'synthesised' measure these rates, not real users."
    )


@dataclass(frozen=True, slots=True)
class Share:
    name: str
    sessions: int
    share: float
    low: float
    high: float


def shares(counts: Counter[str], closed: float, names: Iterable[str] | None = None) -> list[Share]:
    """Sessions per name (those with any) as a share of ``closed`` with a 95% Wilson interval, most frequent first."""
    wanted = None if names is None else set(names)
    rows = []
    for name, n in counts.most_common():
        if not n or (wanted is not None and name not in wanted):
            continue
        low, high = wilson_interval(int(n), int(closed))
        rows.append(Share(name, int(n), n / closed if closed else 0.0, low, high))
    return rows


def judge_row(samples: Samples, closed: float, judge_on: bool) -> tuple[str, str]:
    sampled = total(samples, names.JUDGE_SAMPLED_SESSIONS)
    share = f" ({sampled / closed:.0%} of closed)" if closed else ""
    if not judge_on:
        return "would be sampled for the judge (judge off: none judged)", f"{sampled:,.0f}{share}"
    judged = total(samples, names.JUDGED_SESSIONS)
    return "sampled for the judge / judged so far", f"{sampled:,.0f}{share} / {judged:,.0f}"


def pipeline_table(samples: Samples, replay: ReplaySummary, judge_on: bool, agent_runs: int = 0) -> Table:
    closed = total(samples, names.SESSIONS_CLOSED)
    table = Table(title="What the pipeline saw")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("conversations replayed", f"{replay.conversations:,}")
    if agent_runs:
        table.add_row("  of them agent runs (rewards not sent)", f"{agent_runs:,}")
    for event_type, n in sorted(replay.events.items(), key=lambda item: (item[0] != "turn", item[0])):
        source = "text" if event_type == "turn" else "synthesised"
        table.add_row(f"  {event_type} events produced ({source})", f"{n:,}")
    for outcome in ("accepted", "duplicate", "late", "invalid"):
        table.add_row(f"events {outcome}", f"{total(samples, names.EVENTS, outcome=outcome):,.0f}")
    table.add_row("sessions closed", f"{closed:,.0f}")
    for reason, n in by_label(samples, names.SESSIONS_CLOSED, "reason").most_common():
        table.add_row(f"  closed by {reason}", f"{n:,.0f}")
    table.add_row(*judge_row(samples, closed, judge_on))
    return table


def share_table(title: str, rows: list[Share], *, with_source: bool = False) -> Table:
    table = Table(title=title)
    table.add_column("name")
    if with_source:
        table.add_column("from")
    for column in ("sessions", "share", "95% interval"):
        table.add_column(column, justify="right")
    for row in rows:
        cells = [row.name]
        if with_source:
            cells.append("synthesised" if row.name in SYNTHESISED_SIGNALS else "text")
        cells += [f"{row.sessions:,}", f"{row.share:.1%}", f"{row.low:.1%} – {row.high:.1%}"]
        table.add_row(*cells)
    return table


def report(
    samples: Samples, replay: ReplaySummary, rates: BehaviourRates, *, judge_on: bool, agent_runs: int = 0
) -> list[RenderableType]:
    closed = total(samples, names.SESSIONS_CLOSED)
    signals = by_label(samples, names.SIGNAL_SESSIONS, "signal")
    failure = [name for name in signals if name not in SUCCESS_SIGNALS]
    return [
        Text(synthesis_note(rates)),
        pipeline_table(samples, replay, judge_on, agent_runs),
        share_table(
            "Heuristic archetype flags (detector estimates, not verdicts)",
            shares(by_label(samples, names.HEURISTIC_ARCHETYPE_SESSIONS, "archetype"), closed),
        ),
        share_table("Failure signals (share of closed sessions)", shares(signals, closed, failure), with_source=True),
        share_table("Success signals (share of closed sessions)", shares(signals, closed, SUCCESS_SIGNALS),
                    with_source=True),
        share_table("Domains (producer or classifier)",
                    shares(by_label(samples, names.SESSIONS_CLOSED, "domain"), closed)[:8]),
    ]


def _pct(p: float) -> str:
    return f"{p * 100:.3g}%"
