"""The ``undercurrent`` command line."""

from __future__ import annotations

import typer

from . import demo, detectors, judge, replay, slo, stack, web

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)

for module in (stack, demo, replay, detectors, judge, slo, web):
    module.register(app)
