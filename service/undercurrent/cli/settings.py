"""CLI command: the settings reference, read from the typed settings object itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import NoneType, UnionType
from typing import Any, Literal, Union, get_args, get_origin

import typer
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from rich.console import Console
from rich.table import Table

from ..config import Settings

PREFIX = "UNDERCURRENT_"
NESTING = "__"
OTHER_VARIABLES = (
    ("ANTHROPIC_API_KEY", "the judge worker's API key (the demo runs a judge worker only when it is set)"),
    ("ANTHROPIC_BASE_URL", "a Messages API other than Anthropic's (judge.base_url takes precedence)"),
    ("UNDERCURRENT_WEB_TOKEN, _HOST, _PORT, _JUDGE", "options of `undercurrent web` (see its --help)"),
)


@dataclass(frozen=True, slots=True)
class SettingDoc:
    variable: str
    type: str
    default: str
    description: str


def settings_reference(model: type[BaseModel] = Settings, prefix: str = PREFIX) -> list[SettingDoc]:
    """One row per environment variable the settings read; nested models become ``PARENT__FIELD``."""
    rows: list[SettingDoc] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows += settings_reference(annotation, f"{prefix}{name.upper()}{NESTING}")
            continue
        rows.append(SettingDoc(f"{prefix}{name.upper()}", _type_name(annotation), _default(field),
                               field.description or ""))
    return rows


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return " | ".join(_type_name(arg) for arg in get_args(annotation))
    if origin is Literal:
        return " | ".join(repr(arg) for arg in get_args(annotation))
    if annotation is NoneType:
        return "None"
    if annotation is SecretStr:
        return "secret string"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _default(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if isinstance(value, SecretStr):  # a default is a constant of the code, not a secret
        value = value.get_secret_value()
    if value is None:
        return "(unset)"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("settings")
    def settings_command() -> None:
        """List every setting: its environment variable, type, default and meaning."""
        table = Table("variable", "type", "default", "meaning", title="Settings (environment variables)")
        for row in settings_reference():
            table.add_row(row.variable, row.type, row.default, row.description)
        console = Console(width=max(Console().width, 160))
        console.print(table)
        console.print("Lists and maps are JSON, e.g. UNDERCURRENT_LABELS__FEATURES='[\"chat\",\"search\"]'.")
        for name, meaning in OTHER_VARIABLES:
            console.print(f"{name}: {meaning}", highlight=False)
