"""Commands that write: ``story TITLE`` (a title's story) and ``digest`` (the week's piece for you), in
Markdown, standalone HTML, JSON, or (digest) an Atom / RSS feed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import typer

from reelradar.analytics.availability import current_profile
from reelradar.catalog.ensure import open_for_reading
from reelradar.catalog.search import find_title
from reelradar.cli.app import command, limit_option, settings
from reelradar.cli.output import note
from reelradar.errors import BadInput
from reelradar.story.digest import SECTIONS, digest
from reelradar.story.feed import FEED_KINDS, digest_feed
from reelradar.story.render import FORMATS, render
from reelradar.story.title import title_story
from reelradar.users.actions import your_history

FORMAT_HELP = f"One of {', '.join(FORMATS)}."
OUTPUT = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output.")
JSON = typer.Option(False, "--json", help="Print JSON for scripts (same as --format json).")


def _write(text: str | bytes, output: Path | None) -> None:
    data = text.encode() if isinstance(text, str) else text
    if output is None:
        typer.echo(data.decode(), nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(output)  # a reader of the file never sees half of it
    note(f"written to {output}")


@command("story")
def story_cmd(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="A title or an id."),
    fmt: str = typer.Option("markdown", "--format", help=FORMAT_HELP),
    country: str | None = typer.Option(None, "--country", help="Where to watch in this country (default: your profile's)."),
    service: list[str] = typer.Option([], "--service", help="Your services for this story (repeatable; default: your profile's)."),
    output: Path | None = OUTPUT,
    json: bool = JSON,
) -> None:
    """A title's story: headline, lead, chart place, what it is about, scores, where to watch, its
    universe, "if you liked" — every sentence with footnotes to its facts' sources and dates."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    profile = current_profile(s)
    profile = replace(profile, country=country or profile.country, services=list(service or profile.services))
    story = title_story(con, s, find_title(con, title), profile=profile, history=your_history(s), today=date.today())
    _write(render(story, "json" if json else fmt), output)


@command("digest")
def digest_cmd(
    ctx: typer.Context,
    days: int = typer.Option(7, "--days", help="The period, in days up to today."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code (default: your profile's)."),
    service: list[str] = typer.Option([], "--service", help="Your services (repeatable; default: your profile's)."),
    kind: list[str] = typer.Option([], "--kind", help="Only titles of this kind: movie, series, ... (repeatable)."),
    limit: int = limit_option(5, "Items per section (1 to 50)."),
    section: list[str] = typer.Option([], "--section", help=f"Only these sections (repeatable): {', '.join(SECTIONS)}."),
    fmt: str = typer.Option("markdown", "--format", help=f"{FORMAT_HELP[:-1]}, or a feed: {', '.join(FEED_KINDS)}."),
    base_url: str = typer.Option("", "--base-url", help="Link each item to its story on this server "
                                 "(e.g. http://127.0.0.1:8000); feeds default to the server's address."),
    output: Path | None = OUTPUT,
    json: bool = JSON,
) -> None:
    """The week's piece for your profile: under the radar, breaking out, new on and leaving your
    services, new seasons of series you watched — each item a short story with its numbers."""
    s = settings(ctx)
    fmt = "json" if json else fmt
    if fmt not in (*FORMATS, *FEED_KINDS):
        raise BadInput(f"unknown format {fmt!r}: use one of {', '.join((*FORMATS, *FEED_KINDS))}")
    con = open_for_reading(s, note)
    piece = digest(con, s, profile=current_profile(s), history=your_history(s), today=date.today(), days=days,
                   country=country, services=service, kinds=kind, limit=limit, sections=section)
    if fmt in FEED_KINDS:
        base = base_url or f"http://{s.serve_host}:{s.serve_port}"
        _write(digest_feed(piece, kind=fmt, base_url=base), output)
        return
    _write(render(piece, fmt, base_url), output)
