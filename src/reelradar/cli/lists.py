"""``reelradar lists`` (the saved lists of the settings) and ``reelradar list NAME`` (one of them, in a
format a media tool reads): thin shells over analytics/lists.py, the same answer ``/lists/NAME`` serves."""

from __future__ import annotations

import typer

from reelradar.analytics.lists import FORMATS, definition, export, saved_list
from reelradar.catalog.ensure import open_for_reading
from reelradar.cli.app import command, settings
from reelradar.cli.output import emit_json, note, table
from reelradar.config import ListDefinition, Settings
from reelradar.errors import BadInput

JSON = typer.Option(False, "--json", help="Print JSON for scripts.")


def describe(d: ListDefinition) -> str:
    """'radar · movie · Crime · 1990–1999 · on the profile's services · up to 50'."""
    year_from, year_to = d.years()
    years = (f"{year_from or ''}–{year_to or ''}" if year_from or year_to else None)
    services = ("on the profile's services" if d.services == "profile"
                else f"on {', '.join(d.services)}" if d.services else None)
    if services and d.country:
        services += f" in {d.country}"
    parts = [d.mode, d.kind, d.genre, years, services, f"up to {d.limit}"]
    return " · ".join(p for p in parts if p)


def base_url(s: Settings, name: str) -> str:
    host = "127.0.0.1" if s.serve_host in ("0.0.0.0", "::", "") else s.serve_host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{s.serve_port}/lists/{name}"


@command("lists")
def lists_cmd(ctx: typer.Context, json: bool = JSON) -> None:
    """The saved lists of the settings ([lists.NAME]), what each asks for and where `reelradar serve`
    serves it (NAME.json?for=radarr|stevenlu|sonarr, NAME.txt, NAME.csv)."""
    s = settings(ctx)
    if json:
        emit_json({name: {**d.model_dump(), "url": base_url(s, name)} for name, d in sorted(s.lists.items())})
        return
    if not s.lists:
        note("no saved lists: add a [lists.NAME] table to the settings (docs/lists.md)")
        return
    table(None, ["list", "asks for", "url (.json?for=radarr|stevenlu|sonarr, .txt, .csv)"],
          [(name, describe(d), base_url(s, name)) for name, d in sorted(s.lists.items())])


@command("list")
def list_cmd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A saved list's name (see `reelradar lists`)."),
    fmt: str = typer.Option("csv", "--format", help="; ".join(f"{k}: {v}" for k, v in FORMATS.items()) + "."),
) -> None:
    """One saved list on stdout, as the server sends it at /lists/NAME: what a format leaves out (no id
    the tool reads, or the other kind) is said on stderr."""
    s = settings(ctx)
    if fmt not in FORMATS:
        raise BadInput(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
    definition(s, name)  # an unknown list is refused before the catalog is opened
    out = export(saved_list(open_for_reading(s, note), s, name), fmt)
    typer.echo(out.content, nl=False)
    if out.left_out_text():
        note(f"{name}: {out.shown} in {fmt}, {out.left_out_text()}")
