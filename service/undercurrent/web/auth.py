"""Access to the evidence view: one shared token.

The token arrives as ``Authorization: Bearer``, as a cookie, or once as
``?token=`` in a link from Grafana or an alert. A query token is swapped for an
HttpOnly, SameSite=Strict cookie and the page reloads itself without the token,
so it does not stay in the address bar, the history or a pasted link. The reload
is a meta refresh rather than a 303 because browsers withhold Strict cookies on
a redirect chain that started on another site (a click in Grafana).

The cookie holds an HMAC of the token, not the token itself. It is ``Secure`` when the
request came over HTTPS: directly, or as a trusted proxy says (:mod:`.clients`).

Failed sign-ins (a wrong token or cookie) are counted per client (:mod:`.limiter`); past
the limit, every request of that client that presents a credential gets 429 with
``Retry-After`` until the window has passed, so a correct guess is not even checked. Each
counted failure is logged with the client's address, never with what it sent.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import html
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import structlog
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .clients import Network, origin
from .limiter import SignInLimit, SignInLimiter

log = structlog.get_logger(__name__)

COOKIE = "undercurrent_evidence"
DEFAULT_SIGN_IN_LIMIT = SignInLimit()
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
    """ASGI middleware applying :func:`check` to every non-public path, with sign-ins limited per client."""

    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        *,
        trusted_proxies: Sequence[Network] = (),
        limit: SignInLimit = DEFAULT_SIGN_IN_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.token = token
        self.trusted_proxies = tuple(trusted_proxies)
        self.limiter = SignInLimiter(limit)
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PUBLIC_PATHS) or self.token is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        who = origin(
            request.client.host if request.client else None,
            request.url.scheme,
            forwarded_for=request.headers.get("x-forwarded-for"),
            forwarded_proto=request.headers.get("x-forwarded-proto"),
            trusted=self.trusted_proxies,
        )
        credentials = {
            "authorization": request.headers.get("authorization"),
            "cookie": request.cookies.get(COOKIE),
            "query": request.query_params.get("token"),
        }
        presented = any(value is not None for value in credentials.values())
        now = self.clock()
        wait = self.limiter.retry_after(who.client, now) if presented else 0
        if wait:
            response: Response = PlainTextResponse(
                f"too many failed sign-in attempts from this address: try again in {wait} s",
                status_code=429,
                headers={"Retry-After": str(wait), **_NO_STORE},
            )
        else:
            access = check(self.token, **credentials)
            if access is Access.DENY:
                if presented:
                    self._failed(who.client, scope["path"], now)
                response = PlainTextResponse(
                    "authentication required: send the token as 'Authorization: Bearer' or open a link with ?token=",
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer", **_NO_STORE},
                )
            elif access is Access.ALLOW_FROM_QUERY and not scope["path"].startswith("/api/"):
                response = _swap_for_cookie(request, self.token, secure=who.https)
            else:
                await self.app(scope, receive, send)
                return
        await response(scope, receive, send)

    def _failed(self, client: str, path: str, now: float) -> None:
        failures = self.limiter.failed(client, now)
        limit = self.limiter.limit
        log.warning("evidence view sign-in failed", client=client, path=path, failures=failures,
                    limit=limit.max_failures, window_s=limit.window_s)
        if failures >= limit.max_failures:
            log.warning("evidence view sign-ins limited", client=client,
                        retry_after_s=self.limiter.retry_after(client, now))


def _swap_for_cookie(request: Request, token: str, *, secure: bool) -> Response:
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
    # The path as it was sent, percent-encoding kept: decoded, an id such as ``../x`` would lead elsewhere.
    path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    target = path + (f"?{query}" if query else "")
    response = HTMLResponse(_REFRESH_PAGE.format(target=html.escape(target, quote=True)), headers=_NO_STORE)
    response.set_cookie(COOKIE, cookie_value(token), httponly=True, samesite="strict", secure=secure, path="/")
    return response


_REFRESH_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}">
<title>Undercurrent evidence</title></head>
<body><p>Signed in. <a href="{target}">Continue</a>.</p></body></html>
"""
