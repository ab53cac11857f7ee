"""Response headers every page of the evidence view carries, and answers when Redis is away.

The pages use no script, no inline style and no third-party resource, so the content
security policy allows only the view's own stylesheet, images and form target, and
forbids framing. Session data must not linger in caches: API answers are ``no-store``
(pages set it themselves).
"""

from __future__ import annotations

import msgspec
import structlog
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kafka.retry import is_transient

log = structlog.get_logger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STORE_RETRY_AFTER_S = 5
STORE_UNAVAILABLE = "the session store is unavailable (Redis); try again in a few seconds"


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every response, ``no-store`` under ``/api/``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if api:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def store_unavailable(request: Request, exc: Exception) -> Response:
    """503 with ``Retry-After`` for Redis failures that clear by themselves (down, restarting,
    loading its data); anything else is a bug and stays a 500."""
    if not is_transient(exc):
        raise exc
    log.warning("evidence view: session store unavailable", path=request.url.path, error=type(exc).__name__)
    headers = {"Retry-After": str(STORE_RETRY_AFTER_S), "Cache-Control": "no-store"}
    if request.url.path.startswith("/api/"):
        body = msgspec.json.encode({"error": STORE_UNAVAILABLE})
        return Response(body, 503, headers=headers, media_type="application/json")
    return PlainTextResponse(STORE_UNAVAILABLE, 503, headers=headers)
