"""Run the app with uvicorn: the library function behind ``reelradar serve``."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from reelradar.api.security import token_path
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


def serve(settings: Settings, *, host: str | None = None, port: int | None = None,
          say: Callable[[str], None] = print, warn: Callable[[str], None] = print) -> None:
    """Serve the API and the web page until interrupted. Builds the demo catalog first when there is no
    catalog; prints the token only on the first start (when it is made), and the address."""
    import uvicorn

    from reelradar.api.app import create_app

    host = host or settings.serve_host
    port = settings.serve_port if port is None else port
    if not 0 <= port <= 65535:
        raise BadInput(f"--port {port} is not a port number (0-65535)")
    open_for_reading(settings, warn).close()
    # The address bound to is one of the Host names the app answers (api/guards.py).
    app = create_app(settings.model_copy(update={"serve_host": host}))
    if app.state.token_created:
        # Printed once, to the person who started the server; it is never logged.
        say(f"your local token (to change your profile and lists): {app.state.token}")
        say(f"it is kept in {token_path(settings.data_dir)}; unlock a browser at /unlock")
    else:
        say(f"local token: in {token_path(settings.data_dir)}")
    if not is_loopback(host):
        warn(f"listening on {host}, not only this machine: anyone who can reach it can read your lists "
             "(name the host names it is reached by in the setting server_hosts)")
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(app, host=host, port=port, log_level="info", server_header=False)
    server = uvicorn.Server(config)
    original_startup = server.startup

    async def startup(sockets: object = None) -> None:
        await original_startup(sockets)  # type: ignore[arg-type]
        bound = port
        if server.servers and server.servers[0].sockets:
            bound = server.servers[0].sockets[0].getsockname()[1]
        say(f"reelradar is at http://{shown}:{bound}/  (API: http://{shown}:{bound}/docs) — Ctrl-C to stop")

    server.startup = startup  # type: ignore[method-assign]
    try:
        server.run()
    except OSError as exc:
        raise BadInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
