"""Run the app with uvicorn: the library function behind ``reelradar serve``.

Once it listens it prints one address, ``/signin/<code>``, that signs the browser opening it in (see
``api/security.py`` for the code), and where the token for scripts and other browsers is kept. The
token itself is not printed: the terminal's scrollback holds no lasting key.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from pathlib import Path

from reelradar.api.security import SIGNIN_MINUTES, token_path
from reelradar.api.signin import SIGNIN_PATH
from reelradar.catalog.ensure import open_for_reading
from reelradar.config import Settings
from reelradar.errors import BadInput


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def browser_host(host: str) -> str:
    """The host part of an address a browser on this machine can open: a wildcard bind (0.0.0.0, ::)
    is reached at loopback, an IPv6 address goes in brackets."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"[{address}]" if address.version == 6 else str(address)


def welcome(host: str, port: int, code: str, token_file: Path, *, token_created: bool) -> list[str]:
    """What ``serve`` prints once it listens: one address (it signs the browser in), then where the
    token is for scripts and a second browser."""
    made = " (made now, on the first start)" if token_created else ""
    address = f"http://{browser_host(host)}:{port}{SIGNIN_PATH}{code}"
    signin = (f"reelradar is at {address}  — open it to sign this browser in (the link works once, for "
              f"{SIGNIN_MINUTES} minutes); Ctrl-C to stop")
    token = (f"the local token{made} is in {token_file}: scripts send it, another browser unlocks at /unlock; "
             "the API is described at /docs")
    return [signin, token]


class OneAddress(logging.Filter):
    """Drops uvicorn's own "running on http://…" line: the sign-in address is the one to open."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Uvicorn running on ")


class HideSigninCode(logging.Filter):
    """Keeps the sign-in code out of the access log: ``GET /signin/…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 2 and str(args[2]).startswith(SIGNIN_PATH):
            record.args = (*args[:2], SIGNIN_PATH + "…", *args[3:])
        return True


def serve(settings: Settings, *, host: str | None = None, port: int | None = None,
          say: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serve the API and the web page until interrupted. Builds the demo catalog first when there is no
    catalog; prints the sign-in address (``welcome``) once it listens."""
    import uvicorn

    from reelradar.api.app import create_app

    host = host or settings.serve_host
    port = settings.serve_port if port is None else port
    if not 0 <= port <= 65535:
        raise BadInput(f"--port {port} is not a port number (0-65535)")
    open_for_reading(settings, warn).close()
    # The address bound to is one of the Host names the app answers (api/guards.py).
    app = create_app(settings.model_copy(update={"serve_host": host}))
    if not is_loopback(host):
        warn(f"listening on {host}, not only this machine: anyone who can reach it can read your lists "
             "(name the host names it is reached by in the setting server_hosts)")
    config = uvicorn.Config(app, host=host, port=port, log_level="info", server_header=False)
    # After Config, which sets up uvicorn's logging.
    logging.getLogger("uvicorn.access").addFilter(HideSigninCode())
    logging.getLogger("uvicorn.error").addFilter(OneAddress())
    server = uvicorn.Server(config)
    original_startup = server.startup

    async def startup(sockets: object = None) -> None:
        await original_startup(sockets)  # type: ignore[arg-type]
        bound = port
        if server.servers and server.servers[0].sockets:
            bound = server.servers[0].sockets[0].getsockname()[1]
        for line in welcome(host, bound, app.state.signin.issue(), token_path(settings.data_dir),
                            token_created=app.state.token_created):
            say(line)

    server.startup = startup  # type: ignore[method-assign]
    try:
        server.run()
    except OSError as exc:
        raise BadInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
