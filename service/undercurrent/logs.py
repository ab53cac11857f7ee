"""One log stream per process: JSON lines in production, readable output on a terminal.

structlog's own loggers and every stdlib logger (faust, mode, aiokafka, uvicorn, Python
warnings) end in the same handler and renderer, so with ``json`` every line on stderr is
one JSON object, multi-line messages such as faust's subscription tables included.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import Literal

import structlog

LogFormat = Literal["json", "console"]


def resolve_format(fmt: str) -> LogFormat:
    """``auto`` is console on a terminal and JSON otherwise."""
    if fmt == "auto":
        return "console" if sys.stderr.isatty() else "json"
    if fmt not in ("json", "console"):
        raise ValueError(f"unknown log format {fmt!r}: use json, console or auto")
    # fmt was checked to be json or console just above.
    return fmt  # type: ignore[return-value]


def configure_logging(fmt: str = "auto", level: str = "INFO") -> LogFormat:
    """Send structlog and stdlib logging to stderr in one format; return the format chosen."""
    resolved = resolve_format(fmt)
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer() if resolved == "console" else structlog.processors.JSONRenderer()
    )
    numeric_level = logging.getLevelName(level.upper())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric_level)
    logging.captureWarnings(True)
    if resolved == "json":
        sys.excepthook = _log_uncaught
    return resolved


def _log_uncaught(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
    """A crash is one JSON line too, traceback inside."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    structlog.get_logger("undercurrent").critical("uncaught exception", exc_info=(kind, error, traceback))
