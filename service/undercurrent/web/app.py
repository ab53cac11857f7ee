"""The evidence view: the closed sessions behind a dashboard number or an alert.

Routes: ``/sessions`` (HTML list with filters), ``/api/sessions`` (the same as
JSON), ``/sessions/{id}`` (one session; ``/session?id=`` for the ids ``.`` and
``..``), ``/healthz``. Everything but ``/healthz`` and ``/static`` sits behind
:class:`~.auth.TokenAuth`; every response carries :mod:`.security`'s headers, and
a Redis outage answers 503 instead of 500.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

import jinja2
import msgspec
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..detectors import SIGNAL_NAMES
from ..metrics.labels import UNKNOWN_DOMAIN, LabelBounds
from ..privacy.redact import Redact
from ..sessions.protocol import SessionStore
from ..vocabulary import ARCHETYPES, VERTICALS
from . import format as fmt
from .auth import TokenAuth
from .clients import Network
from .detail import detail
from .filters import ANY_ARCHETYPE, VISIBILITIES, FilterError, SessionFilter, parse_filter
from .limiter import SignInLimit
from .queries import Page, find_sessions
from .security import SecurityHeaders, store_unavailable

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class WebConfig:
    token: str | None
    bounds: LabelBounds
    redact: Redact
    scan_limit: int = 5000
    judge_tier: bool = True
    """False when no judge worker serves these sessions: sampled ones will never get a verdict."""
    trusted_proxies: tuple[Network, ...] = ()
    """Peers whose X-Forwarded-For and X-Forwarded-Proto are believed."""
    sign_in: SignInLimit = SignInLimit()


def create_app(open_store: Callable[[], SessionStore], config: WebConfig) -> Starlette:
    """``open_store`` is called at start-up, in the server's event loop; the store is closed at shutdown."""
    templates = _templates()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.store = open_store()
        try:
            yield
        finally:
            await app.state.store.close()

    async def list_page(request: Request) -> Response:
        try:
            params = _list_params(request)
        except FilterError as error:
            return _render(templates, request, "sessions.html", config, status=400, error=str(error), page=None)
        page = await _find(request, params, config)
        return _render(
            templates, request, "sessions.html", config, error=None, page=page, older=_older_url(params, page)
        )

    async def list_api(request: Request) -> Response:
        try:
            params = _list_params(request)
        except FilterError as error:
            return Response(msgspec.json.encode({"error": str(error)}), 400, media_type="application/json")
        page = await _find(request, params, config)
        body = {
            "sessions": [asdict(s) for s in page.sessions],
            "scanned": page.scanned,
            "scan_stopped_early": page.scan_stopped_early,
            "next_until": page.next_until,
            "next_offset": page.next_offset,
            "judge_tier": config.judge_tier,
        }
        return Response(msgspec.json.encode(body), media_type="application/json")

    async def session_page(request: Request) -> Response:
        session_id = request.path_params.get("session_id", request.query_params.get("id", ""))
        stored = await request.app.state.store.get(session_id)
        if stored is None or stored.state != "closed":
            return PlainTextResponse("no closed session with this id (it may have expired)", status_code=404)
        return _render(templates, request, "session.html", config, d=detail(stored, config.redact))

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/", lambda request: RedirectResponse("/sessions")),
            Route("/healthz", healthz),
            Route("/sessions", list_page),
            Route("/api/sessions", list_api),
            Route("/sessions/{session_id:path}", session_page),
            Route("/session", session_page),
            Mount("/static", StaticFiles(packages=[("undercurrent.web", "static")]), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TokenAuth, token=config.token, trusted_proxies=config.trusted_proxies, limit=config.sign_in),
        ],
        exception_handlers={RedisError: store_unavailable, ConnectionError: store_unavailable,
                            TimeoutError: store_unavailable},
        lifespan=lifespan,
    )


@dataclass(frozen=True, slots=True)
class ListParams:
    filter: SessionFilter
    limit: int = DEFAULT_LIMIT
    offset: int = 0


def _list_params(request: Request) -> ListParams:
    params = request.query_params
    return ListParams(
        parse_filter(params),
        limit=min(MAX_LIMIT, max(1, _count(params.get("limit"), DEFAULT_LIMIT))),
        offset=_count(params.get("offset"), 0),
    )


def _count(raw: str | None, default: int) -> int:
    if not raw:
        return default
    if not raw.isdigit():
        raise FilterError(f"expected a whole number, got {raw!r}")
    return int(raw)


def _older_url(p: ListParams, page: Page) -> str | None:
    if page.next_until is None:
        return None
    query = {**p.filter.query(), "until": str(page.next_until), "offset": str(page.next_offset), "limit": str(p.limit)}
    return "/sessions?" + urlencode(query)


async def _find(request: Request, p: ListParams, config: WebConfig) -> Page:
    store: SessionStore = request.app.state.store
    return await find_sessions(
        store, p.filter, config.bounds, config.redact, offset=p.offset, limit=p.limit, scan_limit=config.scan_limit
    )


def _render(
    templates: Jinja2Templates, request: Request, name: str, config: WebConfig, status: int = 200, **context: object
) -> Response:
    choices = {
        "archetypes": (ANY_ARCHETYPE, *ARCHETYPES),
        "visibilities": VISIBILITIES,
        "signals": SIGNAL_NAMES,
        "features": sorted(config.bounds.features),
        "domains": (*VERTICALS, UNKNOWN_DOMAIN),
    }
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return templates.TemplateResponse(
        request, name, {"choices": choices, "judge_tier": config.judge_tier, **context},
        status_code=status, headers=headers
    )


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("undercurrent.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(utc_time=fmt.utc_time, gap=fmt.gap, score=fmt.score, session_href=fmt.session_href)
    return Jinja2Templates(env=env)
