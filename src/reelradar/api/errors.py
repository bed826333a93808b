"""One error shape for every error the API returns, and the web page's error pages.

Every error, whatever raised it (a ``ReelradarError``, a bad query parameter, an unknown route, a bug),
reaches a client as::

    {"error": {"kind": "not_found", "status": 404, "message": "no title with id 'x'", "details": []}}

``kind`` is the error's ``ReelradarError.kind`` (``bad_input``, ``not_found``, ``source_failure``,
``catalog_error``, ``busy``, ...) or one of ``unauthorized``, ``forbidden``, ``too_large``,
``method_not_allowed``, ``misdirected``, ``internal``. A bug answers 500 with a fixed message: its
traceback goes to the server log, never to the client. An error that passes (the user store busy with
another writer) carries ``Retry-After``. JSON bodies never hold ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reelradar.api.jsonenc import StrictJSONResponse
from reelradar.errors import BadInput, ReelradarError

log = logging.getLogger("reelradar.api")

HTTP_KINDS = {
    400: "bad_input", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 415: "bad_input", 421: "misdirected", 422: "bad_input",
}


class ErrorDetail(BaseModel):
    where: str
    message: str


class ErrorInfo(BaseModel):
    kind: str
    status: int
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorInfo


class Unauthorized(ReelradarError):
    """A state change without the local token (or, from a browser, without its CSRF token)."""

    kind = "unauthorized"
    http_status = 401


class Forbidden(ReelradarError):
    kind = "forbidden"
    http_status = 403


class UploadTooLarge(BadInput):
    kind = "too_large"
    http_status = 413


class NotAvailable(ReelradarError):
    """A part of reelradar this installation does not have (a module not built in)."""

    kind = "not_available"
    http_status = 501


class NotModified(Exception):
    """The client's cached copy (If-None-Match) is still the current one."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


def error_body(kind: str, status: int, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"error": {"kind": kind, "status": status, "message": message, "details": details or []}}


def wants_html(request: Request) -> bool:
    """Web pages answer errors with a page; the API (and anything asking for JSON) with JSON."""
    if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
        return False
    return "text/html" in request.headers.get("accept", "") or request.headers.get("hx-request") == "true"


def render_error(request: Request, kind: str, status: int, message: str,
                 details: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None) -> Response:
    if wants_html(request):
        render = getattr(request.app.state, "render_error_page", None)
        if render is not None:
            return render(request, kind, status, message, headers)  # type: ignore[no-any-return]
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status, headers=headers)
    return StrictJSONResponse(error_body(kind, status, message, details), status_code=status, headers=headers)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(scope: Scope, routes: Iterable[BaseRoute]) -> list[str]:
    """Every method some route accepts at this path (Starlette's Allow names the first route's only),
    found by asking each route whether it would take the request with that method."""
    methods = {m for m in METHODS
               if any(route.matches({**scope, "method": m})[0] == Match.FULL for route in routes)}
    return [m for m in (*METHODS, "OPTIONS") if m in methods or (methods and m == "OPTIONS")]


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure through ``render_error``."""

    @app.exception_handler(ReelradarError)
    async def reelradar_error(request: Request, exc: ReelradarError) -> Response:
        headers = {}
        if (retry := getattr(exc, "retry_after", None)) is not None:
            headers["Retry-After"] = str(retry)  # it passes: the user store was busy
        if getattr(exc, "close_connection", False):
            headers["Connection"] = "close"  # refused before its body was read
        return render_error(request, exc.kind, exc.http_status, exc.message, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {"where": ".".join(str(p) for p in err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
            for err in exc.errors()
        ]
        first = details[0] if details else {"where": "request", "message": "invalid"}
        return render_error(request, "bad_input", 422, f"bad {first['where']}: {first['message']}", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        kind = HTTP_KINDS.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            # Starlette's Allow names the methods of the first route at the path only (GET of
            # /api/v1/profile, not its PUT): name every route's, and answer OPTIONS with them.
            methods = allowed_methods(request.scope, request.app.routes)
            if methods:
                headers = {**(headers or {}), "Allow": ", ".join(methods)}
                if request.method == "OPTIONS":
                    return Response(status_code=204, headers=headers)
                message = f"{request.method} is not allowed here: use {', '.join(methods)}"
        return render_error(request, kind, exc.status_code, message, headers=headers)

    @app.exception_handler(NotModified)
    async def not_modified(request: Request, exc: NotModified) -> Response:
        return Response(status_code=304, headers={"ETag": exc.etag, "Cache-Control": CATALOG_CACHE})

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server log only; the client learns nothing of the internals.
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return render_error(request, "internal", 500, "internal error: the server log has the details")


CATALOG_CACHE = "private, max-age=60"


class BodyLimit:
    """Refuse request bodies over ``max_bytes``: at once when Content-Length says so, else while the
    body is read (a chunked upload is counted chunk by chunk and cut off at the limit)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise UploadTooLarge(self._message())
            return message

        await self.app(scope, counted, send)

    def _message(self) -> str:
        return f"upload larger than the limit of {self.max_bytes / 1e6:g} MB (setting upload_max_mb)"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request as StarletteRequest

        request = StarletteRequest(scope, receive)
        # Answer without reading the body; the connection is closed after the answer.
        response = render_error(request, "too_large", 413, self._message(), headers={"Connection": "close"})
        await response(scope, receive, send)


Handler = Callable[[Request], Awaitable[Response]]
