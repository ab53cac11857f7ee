"""The ``undercurrent`` command line."""

from __future__ import annotations

import typer

from . import calibrate, compare, demo, detectors, judge, replay, settings, slo, stack, web

HELP = """Undercurrent: a streaming monitor of invisible failures in live LLM traffic.

Every command is configured by UNDERCURRENT_* environment variables; `undercurrent settings` lists them.
"""

# Plain help (no Rich panels): the panels label every flag with a type such as <bool>, which reads as noise.
app = typer.Typer(no_args_is_help=True, add_completion=False, help=HELP, rich_markup_mode=None)

for module in (stack, demo, replay, detectors, calibrate, judge, compare, slo, web, settings):
    module.register(app)
