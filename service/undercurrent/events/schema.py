"""JSON Schema files of event contract v1, generated from the msgspec structs.

``python -m undercurrent.events.schema`` rewrites ``schemas/``; a test fails when
the committed files and the structs disagree. The helpers below also generate the
schemas of the output records (:mod:`undercurrent.records.schema`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from .model import ChatEvent, ClientEvent

SCHEMA_DIR = Path(__file__).parent / "schemas"
BASE_ID = "https://undercurrent.dev/schemas/events/v1/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(base_id: str, title: str, type_: Any) -> dict[str, Any]:
    """The schema of ``type_`` as msgspec encodes and decodes it, named ``base_id + title``."""
    return {"$schema": DRAFT, "$id": base_id + title, "title": title, **msgspec.json.schema(type_)}


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema for each topic's message body."""
    return {
        "chat-event.json": json_schema(BASE_ID, "chat-event.json", ChatEvent),
        "client-event.json": json_schema(BASE_ID, "client-event.json", ClientEvent),
        "envelope.json": {
            "$schema": DRAFT,
            "$id": BASE_ID + "envelope.json",
            "title": "envelope.json",
            "description": "Several events in one Kafka message; each item must match its topic's event schema.",
            "type": "object",
            "required": ["events"],
            "properties": {"events": {"type": "array", "items": {"type": "object"}}},
        },
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write(directory: Path = SCHEMA_DIR, files: Mapping[str, dict[str, Any]] | None = None) -> None:
    """Write ``files`` (file name → schema; by default the events') into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in (schemas() if files is None else files).items():
        (directory / name).write_text(render(schema))


if __name__ == "__main__":
    write()
