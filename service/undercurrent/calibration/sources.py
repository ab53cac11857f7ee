"""What the risk model is fitted on, as :class:`Example` rows: labelled conversations, τ-bench runs, verdicts.

Features are always recomputed by running the current detectors over the session, so a model
is fitted on the signals the code that will use it produces, not on whatever an older
detector version wrote into a record. Judge verdicts are joined with the session records of
``undercurrent.judge.requests`` (the records the judge was asked about, transcript included):
the verdict says whether the session failed and with which inclusion probability π it was
drawn; each becomes an example of weight 1/π.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import msgspec

from ..detectors.risk import risk_inputs
from ..detectors.run import run_session_detectors
from ..judge.record import VerdictRecord
from ..records.session import SessionRecord
from ..replay.offline import trace_snapshots
from ..replay.synth import SynthOptions
from ..replay.tau_bench import read_tau_bench, run_id
from ..sessions.model import SessionSnapshot
from .fit import Example

LABELLED = "labelled"
VERDICTS = "verdicts"
TAU_BENCH = "tau-bench"
AGENT_FEATURE = "agent"
Split = Literal["dev", "test"]


def example_from_session(
    snapshot: SessionSnapshot, *, source: str, group: str, failed: bool, weight: float = 1.0,
    language: str | None = None,
) -> Example:
    report = run_session_detectors(snapshot)
    return Example(
        source=source, group=group, feature=snapshot.feature, domain=report.domain,
        inputs=risk_inputs(report.signals, report.factors), failed=failed, weight=weight, language=language,
    )


def labelled_examples(directory: Path, split: Split) -> list[Example]:
    """The labelled ShareGPT conversations of ``split``; failed means the label's visibility is not ``none``."""
    from ..detectors.labelled_load import labelled_sessions  # the texts come from the `replay` extra

    return [
        example_from_session(snapshot, source=LABELLED, group=parent_of(label.id), failed=label.failed,
                             language=label.language)
        for label, snapshot in labelled_sessions(directory, split)
    ]


def parent_of(conversation_id: str) -> str:
    """ShareGPT parts ``<parent>_<offset>`` of one conversation share a parent."""
    return conversation_id.rsplit("_", 1)[0]


class VerdictJoin(msgspec.Struct, frozen=True, kw_only=True):
    examples: list[Example]
    verdicts: int
    without_record: list[str]
    """Session ids of verdicts whose request record was not found (expired from the topic, or another topic)."""
    unreadable: int
    """Messages on either topic that were not a verdict (with 0 < π ≤ 1) or a session record."""


_record_decoder = msgspec.json.Decoder(SessionRecord)


def join_verdicts(verdict_values: Iterable[bytes], record_values: Iterable[bytes]) -> VerdictJoin:
    """One example per judged session (its latest verdict), features from its request record."""
    unreadable = 0
    verdicts: dict[str, VerdictRecord] = {}
    for value in verdict_values:
        try:
            message = msgspec.json.decode(value, type=VerdictRecord)
        except msgspec.DecodeError:  # not JSON, another schema, or a verdict that breaks the format
            unreadable += 1
            continue
        if not 0 < message.pi <= 1:
            unreadable += 1
            continue
        verdicts[message.session_id] = message
    records: dict[str, SessionRecord] = {}
    for value in record_values:
        try:
            record = _record_decoder.decode(value)
        except msgspec.DecodeError:  # not JSON, or not a session record
            unreadable += 1
            continue
        records[record.session_id] = record
    examples, without_record = [], []
    for session_id, message in verdicts.items():
        found = records.get(session_id)
        if found is None:
            without_record.append(session_id)
            continue
        examples.append(example_from_session(
            found.snapshot(), source=VERDICTS, group=session_id, failed=message.verdict.is_failure,
            weight=1.0 / message.pi,
        ))
    return VerdictJoin(examples=examples, verdicts=len(verdicts), without_record=sorted(without_record),
                       unreadable=unreadable)


class _Reward(msgspec.Struct):
    task_id: int
    trial: int
    reward: float


class _TauSplit(msgspec.Struct):
    dev: list[int]
    test: list[int]


def tau_bench_examples(results: Path, split_file: Path, split: Split) -> list[Example]:
    """The runs of ``split``'s tasks as sessions of the ``agent`` feature; failed means reward < 1.

    The reward is read here, for the label only: the replayed session never carries it.
    """
    tasks = set(getattr(msgspec.json.decode(split_file.read_bytes(), type=_TauSplit), split))
    runs = {run_id(r.task_id, r.trial): r for r in msgspec.json.decode(results.read_bytes(), type=list[_Reward])}
    traces = [t for t in read_tau_bench(results) if runs[t.id].task_id in tasks]
    return [
        example_from_session(snapshot, source=TAU_BENCH, group=f"task{runs[trace.id].task_id}",
                             failed=runs[trace.id].reward < 1)
        for trace, snapshot in trace_snapshots(traces, options=SynthOptions(features=(AGENT_FEATURE,)))
    ]
