"""Access to the evidence view: one shared token.

The token arrives as ``Authorization: Bearer``, as a cookie, or once as
``?token=`` in a link from Grafana or an alert. A query token is swapped for an
HttpOnly, SameSite=Strict cookie and the page reloads itself without the token,
so it does not stay in the address bar, the history or a pasted link. The reload
is a meta refresh rather than a 303 because browsers withhold Strict cookies on
a redirect chain that started on another site (a click in Grafana).

The cookie holds an HMAC of the token, not the token itself.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import html
from urllib.parse import urlencode

import structlog
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

log = structlog.get_logger(__name__)

COOKIE = "undercurrent_evidence"
PUBLIC_PATHS = ("/healthz", "/static/")
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class Access(enum.Enum):
    ALLOW = "allow"
    ALLOW_FROM_QUERY = "allow_from_query"
    DENY = "deny"


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"undercurrent evidence view", hashlib.sha256).hexdigest()


def check(token: str | None, *, authorization: str | None, cookie: str | None, query: str | None) -> Access:
    """Decide access; ``token`` None means the view runs without authentication."""
    if token is None:
        return Access.ALLOW
    scheme, _, credential = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and _same(credential.strip(), token):
        return Access.ALLOW
    if cookie is not None and _same(cookie, cookie_value(token)):
        return Access.ALLOW
    if query is not None and _same(query, token):
        return Access.ALLOW_FROM_QUERY
    return Access.DENY


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class TokenAuth:
    """ASGI middleware applying :func:`check` to every non-public path."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PUBLIC_PATHS):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        access = check(
            self.token,
            authorization=request.headers.get("authorization"),
            cookie=request.cookies.get(COOKIE),
            query=request.query_params.get("token"),
        )
        if access is Access.DENY:
            log.info("evidence view request refused", path=scope["path"])
            response: Response = PlainTextResponse(
                "authentication required: send the token as 'Authorization: Bearer' or open a link with ?token=",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer", **_NO_STORE},
            )
        elif access is Access.ALLOW_FROM_QUERY and not scope["path"].startswith("/api/"):
            response = _swap_for_cookie(request, self.token or "")
        else:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)


def _swap_for_cookie(request: Request, token: str) -> Response:
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
    target = request.url.path + (f"?{query}" if query else "")
    response = HTMLResponse(_REFRESH_PAGE.format(target=html.escape(target, quote=True)), headers=_NO_STORE)
    response.set_cookie(
        COOKIE,
        cookie_value(token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


_REFRESH_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}">
<title>Undercurrent evidence</title></head>
<body><p>Signed in. <a href="{target}">Continue</a>.</p></body></html>
"""
