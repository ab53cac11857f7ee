"""Reading and writing the committed files: the sample, labels files and the τ-bench split."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from .draw import SampleRow
from .labels import ConversationLabel

ROOT = Path(__file__).parent
SHAREGPT = ROOT / "sharegpt"
SAMPLE = SHAREGPT / "sample.jsonl"
SAMPLE_META = SHAREGPT / "sample-meta.json"
LANGUAGE_CHECK = SHAREGPT / "language-check.jsonl"
LABEL_SCHEMA = SHAREGPT / "labels.schema.json"
LABELS = SHAREGPT / "labels"
TAU_SPLIT = ROOT / "tau_bench" / "split.json"
TAU_TRACES = ROOT.parent.parent / "shared" / "data" / "agent-traces" / "tau-bench-airline-gpt-4o.dev.json"


class LabelLine(msgspec.Struct, frozen=True):
    """One line of a labels file: the label, or why it could not be decoded."""

    source: str
    line: int
    label: ConversationLabel | None
    error: str | None = None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def jsonl(items: Iterable[msgspec.Struct]) -> bytes:
    return b"".join(msgspec.json.encode(item) + b"\n" for item in items)


def pretty_json(data: object) -> bytes:
    return msgspec.json.format(msgspec.json.encode(data), indent=2) + b"\n"


def read_sample(path: Path = SAMPLE) -> list[SampleRow]:
    return [msgspec.json.decode(line, type=SampleRow) for line in path.read_bytes().splitlines() if line.strip()]


def read_labels(path: Path) -> Iterator[LabelLine]:
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield LabelLine(str(path), number, msgspec.json.decode(line, type=ConversationLabel))
        except msgspec.ValidationError as exc:
            yield LabelLine(str(path), number, None, f"format: {exc}")
        except msgspec.DecodeError as exc:
            yield LabelLine(str(path), number, None, f"not JSON: {exc}")
