"""CLI commands: web (the evidence view)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..config import Settings
    from ..web.app import WebConfig

MIN_TOKEN_LENGTH = 16
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class AuthSetupError(ValueError):
    pass


def resolve_token(token: str | None, insecure_no_auth: bool) -> str | None:
    """The token to require, or None when running open was asked for explicitly."""
    token = token or None
    if token is not None and insecure_no_auth:
        raise AuthSetupError("--insecure-no-auth cannot be combined with a token")
    if token is None and not insecure_no_auth:
        raise AuthSetupError(
            "refusing to start without a token: set UNDERCURRENT_WEB_TOKEN (or --token), "
            "or pass --insecure-no-auth to serve transcripts to anyone who can reach the port"
        )
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise AuthSetupError(f"the token must have at least {MIN_TOKEN_LENGTH} characters (try `openssl rand -hex 24`)")
    return token


def web_config(
    settings: Settings, *, token: str | None, scan_limit: int, judge_tier: bool, trusted_proxies: str = ""
) -> WebConfig:
    """The view's configuration: the same redaction patterns as the published records.

    Raises ValueError for a trusted proxy that is not an address or CIDR range."""
    from ..web.app import WebConfig
    from ..web.clients import parse_networks
    from ..wiring.values import label_bounds, redactor

    return WebConfig(
        token=token,
        bounds=label_bounds(settings),
        redact=redactor(settings),
        scan_limit=scan_limit,
        judge_tier=judge_tier,
        trusted_proxies=parse_networks(trusted_proxies),
    )


def web(
    host: Annotated[str, typer.Option(envvar="UNDERCURRENT_WEB_HOST", help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="UNDERCURRENT_WEB_PORT", help="port to listen on")] = 8088,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="UNDERCURRENT_WEB_TOKEN",
            show_default=False,
            help="shared access token; prefer the environment variable, a flag is visible in the process list",
        ),
    ] = None,
    insecure_no_auth: Annotated[
        bool, typer.Option("--insecure-no-auth", help="serve without any authentication (local debugging only)")
    ] = False,
    scan_limit: Annotated[int, typer.Option(min=1, help="most closed sessions one listing examines")] = 5000,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge/--no-judge",
            envvar="UNDERCURRENT_WEB_JUDGE",
            help="whether a judge worker serves these sessions; with --no-judge, sampled sessions read "
            "'would be sampled' instead of 'verdict pending'",
        ),
    ] = True,
    trusted_proxies: Annotated[
        str,
        typer.Option(
            envvar="UNDERCURRENT_WEB_TRUSTED_PROXIES",
            help="addresses or CIDR ranges of reverse proxies whose X-Forwarded-For/-Proto are believed "
            "(comma-separated); from others they are ignored",
        ),
    ] = "",
) -> None:
    """Serve the evidence view: the closed sessions behind a dashboard number or an alert."""
    import uvicorn

    from ..config import Settings
    from ..logs import configure_logging
    from ..web.app import create_app
    from ..wiring.connections import session_store

    try:
        required = resolve_token(token, insecure_no_auth)
    except AuthSetupError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    if required is None:
        exposed = "" if host in _LOOPBACK else f" AND IT IS BOUND TO {host}, NOT LOOPBACK"
        typer.secho(
            f"WARNING: the evidence view runs WITHOUT AUTHENTICATION{exposed}: anyone who can reach "
            f"port {port} can read session transcripts (redacted).",
            err=True,
            fg=typer.colors.RED,
            bold=True,
        )
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    try:
        config = web_config(
            settings, token=required, scan_limit=scan_limit, judge_tier=judge, trusted_proxies=trusted_proxies
        )
    except ValueError as error:
        typer.echo(f"error: --trusted-proxies: {error}", err=True)
        raise typer.Exit(2) from None

    # No access log: a link may carry ?token= on its first request.
    # log_config=None: uvicorn's loggers go through the handler configure_logging installed.
    # proxy_headers=False: forwarded headers are judged by the view itself (--trusted-proxies).
    app = create_app(partial(session_store, settings), config)
    uvicorn.run(app, host=host, port=port, access_log=False, log_config=None, proxy_headers=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("web")(web)
