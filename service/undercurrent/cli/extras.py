"""Fail a command with the pip extra it needs instead of an ImportError."""

from __future__ import annotations

import typer

from ..extras import MissingExtra, require


def require_extras(*extras: str, what: str) -> None:
    try:
        require(*extras, what=what)
    except MissingExtra as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
