"""The web application: the JSON API under ``/api/v1`` (OpenAPI at ``/docs``) and the web page at ``/``,
served by one process from the package's own files (no CDN, no external fonts or scripts)."""

from __future__ import annotations

import threading
from importlib import resources
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reelradar import __version__
from reelradar.api.cache import ComputeGate, ResultCache
from reelradar.api.errors import BodyLimit, ErrorResponse, install_error_handlers
from reelradar.api.guards import HostGuard, allowed_hosts, known_query
from reelradar.api.jsonenc import StrictJSONResponse
from reelradar.api.pool import CatalogPool
from reelradar.api.security import SigninCodes, load_or_create_token
from reelradar.config import Settings

API_PREFIX = "/api/v1"

# Scripts and styles come only from this server; nothing is fetched from elsewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class SecurityHeaders:
    """Headers every response carries: a strict content security policy and no sniffing or framing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path") == "/docs"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                if not docs:  # Swagger UI's page is FastAPI's own; it keeps its defaults
                    extra.append((b"content-security-policy", CSP.encode()))
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings) -> FastAPI:
    """The app over ``settings.data_dir``: its catalog (reopened when a rebuild swaps it), its user store,
    its local token (created on the first start) and its sign-in codes (none until one is issued)."""
    from reelradar.api import list_routes, more_routes, routes, signin, story_routes, user_routes
    from reelradar.web import pages, story_pages

    app = FastAPI(
        title="reelradar",
        version=__version__,
        description="What to watch next, explained with the numbers behind it. Every error has the shape "
        "of `ErrorResponse`; state changes need the local token (`Authorization: Bearer <token>`).",
        docs_url=None,  # served below from the package's own copy of Swagger UI, not from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        default_response_class=StrictJSONResponse,  # NaN and Infinity go out as null
    )
    app.state.settings = settings
    app.state.pool = CatalogPool(settings.catalog_path)
    app.state.cache = ResultCache(settings.serve_cache_entries, int(settings.serve_cache_mb * 1_000_000))
    app.state.gate = ComputeGate(settings.serve_compute_workers, settings.serve_compute_waiting)
    app.state.users = None  # the user store, opened on first use
    app.state.users_lock = threading.Lock()
    app.state.import_lock = threading.Lock()  # one import at a time: each is one long transaction
    app.state.token, app.state.token_created = load_or_create_token(settings.data_dir)
    app.state.signin = SigninCodes()  # the code of the address `reelradar serve` prints
    install_error_handlers(app)
    known = [Depends(known_query)]  # an API route refuses query parameters it does not take
    app.include_router(routes.router, prefix=API_PREFIX, tags=["catalog"], dependencies=known)
    app.include_router(more_routes.router, prefix=API_PREFIX, tags=["charts, where, universe, recommend"],
                       dependencies=known)
    app.include_router(user_routes.router, prefix=API_PREFIX, tags=["you"], dependencies=known)
    app.include_router(story_routes.router, prefix=API_PREFIX, tags=["stories"], dependencies=known)
    app.include_router(list_routes.router, tags=["lists"], dependencies=known)  # short URLs for media tools
    static = resources.files("reelradar.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    pages.install(app)
    story_pages.install(app)
    app.include_router(signin.router)
    install_docs(app)
    app.add_middleware(BodyLimit, max_bytes=int(settings.upload_max_mb * 1_000_000))
    app.add_middleware(SecurityHeaders)
    # Outermost: a request to a name this server does not answer to goes no further (DNS rebinding).
    app.add_middleware(HostGuard, hosts=allowed_hosts(settings.serve_host, settings.server_hosts))
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def install_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from the package's static files (npm ``swagger-ui-dist``, vendored)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="reelradar API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js", swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )


def _openapi(app: FastAPI) -> dict[str, Any]:
    """OpenAPI with FastAPI's validation-error schema replaced by the one error shape actually sent."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for name, model_schema in ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}").items():
        if name == "$defs":
            components.update(model_schema)
    components["ErrorResponse"] = {k: v for k, v in ErrorResponse.model_json_schema(
        ref_template="#/components/schemas/{model}").items() if k != "$defs"}
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for code, resp in op.get("responses", {}).items():
                if code[:1] in ("4", "5") and "content" in resp:  # errors only: a 201 keeps its model
                    resp["content"] = {"application/json": {"schema": ref}}
    app.openapi_schema = schema
    return schema
