"""JSON Schema files of event contract v1, generated from the msgspec structs.

``python -m undercurrent.events.schema`` rewrites ``schemas/``; a test fails when
the committed files and the structs disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from .model import ChatEvent, ClientEvent

SCHEMA_DIR = Path(__file__).parent / "schemas"
BASE_ID = "https://undercurrent.dev/schemas/events/v1/"


def _schema(title: str, type_: Any) -> dict[str, Any]:
    schema = msgspec.json.schema(type_)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE_ID + title, "title": title, **schema}


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema for each topic's message body."""
    return {
        "chat-event.json": _schema("chat-event.json", ChatEvent),
        "client-event.json": _schema("client-event.json", ClientEvent),
        "envelope.json": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
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


def write(directory: Path = SCHEMA_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas().items():
        (directory / name).write_text(render(schema))


if __name__ == "__main__":
    write()
