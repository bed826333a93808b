"""What a request must be before any route sees it: sent to a name this server answers to, and asking
only with parameters the route takes.

**Host allow-list.** Reads need no token, so a page on another site whose name is rebound to 127.0.0.1
(DNS rebinding) could read the person's history if the server answered any ``Host``. It answers only
``127.0.0.1``, ``localhost`` and ``[::1]`` (with any port), the address it was told to bind to
(``serve_host``) and the names of ``server_hosts``; any other Host gets 421 and one line, before the
request's body is read.

**Known parameters.** An API route refuses a query parameter it does not take (422 naming it), so a
made-up parameter can neither make the answer cache keep one more copy of an answer nor get around it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from fastapi import Request
from fastapi.dependencies.models import Dependant
from starlette.types import ASGIApp, Receive, Scope, Send

from reelradar.api.errors import error_body
from reelradar.api.jsonenc import StrictJSONResponse
from reelradar.errors import BadInput

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def host_name(header: str) -> str:
    """The name of a Host header without its port: ``[::1]:8000`` → ``::1``, ``Films.lan:80`` → ``films.lan``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    return header.rstrip(".")


def allowed_hosts(serve_host: str, extra: Iterable[str]) -> frozenset[str]:
    """The names this server answers to: loopback, the bound address unless it is a wildcard, ``extra``."""
    names = set(LOOPBACK_NAMES) | {host_name(h) for h in extra}
    bound = serve_host.strip("[]").lower()
    try:
        if not ipaddress.ip_address(bound).is_unspecified:
            names.add(bound)
    except ValueError:
        names.add(bound)  # a name such as "localhost" or a host name of this machine
    return frozenset(names)


class HostGuard:
    """Refuse (421) every HTTP request whose Host header names none of ``hosts``."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_name(raw) in self.hosts:
            await self.app(scope, receive, send)
            return
        shown = raw[:100] if raw else "none"
        message = (f"this server does not answer to the Host {shown!r}: open it at http://127.0.0.1 or "
                   "localhost, or add the name to the setting server_hosts")
        # Answered without reading the body; the connection closes after the answer.
        response = StrictJSONResponse(error_body("misdirected", 421, message), status_code=421,
                                      headers={"Connection": "close"})
        await response(scope, receive, send)


def query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route takes, its dependencies' included."""
    names: set[str] = set()
    stack = [dependant]
    while stack:
        d = stack.pop()
        names.update(p.alias for p in d.query_params)
        stack.extend(d.dependencies)
    return frozenset(names)


async def known_query(request: Request) -> None:
    """A dependency of every API route: refuse (422) a query parameter the route does not take."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = getattr(route, "_reelradar_query_names", None)
    if known is None:
        known = query_names(dependant)
        route._reelradar_query_names = known  # type: ignore[union-attr]
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise UnknownParameter(f"unknown query parameter {unknown[0]!r} (this route takes: {takes})")


class UnknownParameter(BadInput):
    http_status = 422
