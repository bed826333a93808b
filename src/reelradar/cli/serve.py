"""``reelradar serve``: the web page and the JSON API."""

from __future__ import annotations

import typer

from reelradar.cli.app import command, settings
from reelradar.cli.output import note


@command()
def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, "--host", help="Address to bind (default: serve_host, 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default: serve_port, 8000; 0 picks a free one)."),
) -> None:
    """Serve the web page and the JSON API (on the demo catalog when there is no other); print the address that signs your browser in."""
    from reelradar.api.server import serve as run_server  # FastAPI loads only for this command

    run_server(settings(ctx), host=host, port=port, say=lambda m: typer.echo(m), warn=note)
