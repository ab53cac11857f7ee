"""The ``undercurrent`` command line."""

from __future__ import annotations

import typer

from . import detectors, judge, replay, slo, stack

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

for module in (stack, replay, detectors, judge, slo):
    module.register(app)
