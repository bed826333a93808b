"""Commands over where to watch and how titles connect: where, universe, new-on-services, and the
online updates ``update tmdb`` and ``update wikidata``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from reelradar.analytics.availability import Changes, current_profile, offer_changes, where
from reelradar.analytics.universe import plot_universe, universe, universe_lines
from reelradar.catalog.ensure import open_for_reading
from reelradar.catalog.search import find_title
from reelradar.cli.app import command, group_command, settings
from reelradar.cli.groups import update_app
from reelradar.cli.output import emit_json, line, note, table
from reelradar.sources import tmdb, wikidata
from reelradar.sources.tmdb import UpdateReport

JSON = typer.Option(False, "--json", help="Print JSON for scripts.")


@command("where")
def where_cmd(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="A title or an id."),
    country: str | None = typer.Option(None, "--country", help="Two-letter country code (default: your profile's)."),
    json: bool = JSON,
) -> None:
    """Where to watch a title: each offer with its type, country, source and date; yours marked."""
    s = settings(ctx)
    profile = current_profile(s)
    con = open_for_reading(s, note)
    w = where(con, find_title(con, title), profile, country=country)
    if json:
        emit_json(w)
        return
    year = f" ({w.year})" if w.year else ""
    line(f"{w.title}{year} · {w.title_id}", style="bold")
    if w.status:
        line(w.status)
    scope = f"in {w.country}" if w.country else "in every country (no country set: pass --country or set `country`)"
    if not w.offers:
        line(f"no offers known {scope}: run `reelradar update tmdb` to fetch them")
    else:
        line(f"Where to watch {scope}:")
        for o in w.offers:
            where_ = o.country or "country not stated by the source"
            mine = "  ← your service" if o.yours else ""
            seen = "" if not o.first_seen else (
                f", seen {o.first_seen}" if o.first_seen == o.last_seen else f", seen {o.first_seen}–{o.last_seen}")
            price = f", {o.price:g} {o.currency or ''}".rstrip() if o.price is not None else ""
            line(f"  {o.provider} · {o.words} · {where_}{price}{seen} — {o.provenance.text()}{mine}")
    if w.other_countries:
        line(f"also offered in {len(w.other_countries)} other countries: {', '.join(w.other_countries[:20])}"
             + (" …" if len(w.other_countries) > 20 else ""))
    for credit in w.credits:
        line(f"credit: {credit}")


@command("universe")
def universe_cmd(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="A title or an id."),
    plot: Path | None = typer.Option(None, "--plot", help="Also draw the graph to this PNG, SVG or PDF file."),
    max_nodes: int = typer.Option(40, "--max", help="Most titles and works shown."),
    json: bool = JSON,
) -> None:
    """The universe around a title: spin-offs, sequels, shared characters and who plays them, source works."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    u = universe(con, find_title(con, title), max_nodes=max_nodes)
    if plot is not None:
        note(f"graph drawn to {plot_universe(u, plot)}")
    if json:
        emit_json(u)
        return
    for text in universe_lines(u):
        line(text)


@command("new-on-services")
def new_on_services(
    ctx: typer.Context,
    days: int = typer.Option(7, "--days", help="How far back to look, in days."),
    json: bool = JSON,
) -> None:
    """Titles that appeared on (or left) your services, from comparing offer snapshots."""
    s = settings(ctx)
    profile = current_profile(s)
    con = open_for_reading(s, note)
    changes = offer_changes(con, profile, days=days)
    if json:
        emit_json(changes)
        return
    print_changes(changes)


def print_changes(c: Changes) -> None:
    if not c.services:
        line("no services in your profile: set `services` (e.g. services = [\"Netflix\"]) to see what is new on them")
        return
    if c.snapshots == 0:
        line("no offer snapshots yet: run `reelradar update tmdb` (twice over time) to compare them")
        return
    where_ = c.country or "any country"
    line(f"On {', '.join(c.services)} ({where_}) since {c.since}:", style="bold")
    if c.new:
        table("New", ["title", "service", "type", "country", "first seen", "source"],
              [(f"{x.title} ({x.year})" if x.year else x.title, x.provider, x.monetization, x.country or "not stated",
                x.first_seen, x.provenance.text()) for x in c.new])
    else:
        line("nothing new")
    if c.gone:
        table("No longer seen", ["title", "service", "type", "country", "last seen", "checked", "source"],
              [(f"{x.title} ({x.year})" if x.year else x.title, x.provider, x.monetization, x.country or "not stated",
                x.last_seen, x.last_checked, x.provenance.text()) for x in c.gone])
    else:
        line("nothing left")


def print_report(r: UpdateReport, json: bool) -> None:
    """What an update did. An update where nothing worked never gets here: the source raised (exit 4)."""
    if json:
        emit_json(r)
        return
    note(f"{r.source}: {r.followed} titles followed, {r.fetched} fetched, {r.unchanged} unchanged, "
         f"{len(r.gone)} gone, {len(r.failed)} failed; {r.requests} requests ({r.cache_hits} from cache, "
         f"{r.retries} retries) in {r.seconds:.1f} s")
    by_reason: dict[str, list[str]] = {}  # when the network goes away, hundreds fail for one reason
    for key, reason in r.failed.items():
        by_reason.setdefault(reason, []).append(key)
    for reason, keys in list(by_reason.items())[:10]:
        more = f" and {len(keys) - 1:,} more" if len(keys) > 1 else ""
        note(f"  failed {keys[0]}{more}: {reason}")
    for text in r.notes:
        note(f"  {text}")
    written = [f"{t} {n:,}" for t, n in sorted(r.rows.items()) if n]
    if written:
        note("  rows: " + ", ".join(written))


@contextlib.contextmanager
def progress_bar(what: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr while a source fetches (nothing when stderr is not a terminal)."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda done, total: None
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@group_command(update_app, "tmdb")
def update_tmdb(
    ctx: typer.Context,
    full: bool = typer.Option(False, "--full", help="Fetch every followed title again, changed or not."),
    json: bool = JSON,
) -> None:
    """Fetch TMDB (your API key): details, credits, keywords and offers per country (JustWatch via TMDB)."""
    s = settings(ctx)
    with progress_bar("TMDB titles") as progress:
        report = tmdb.update(s, full=full, progress=progress)
    print_report(report, json)


@group_command(update_app, "wikidata")
def update_wikidata(
    ctx: typer.Context,
    limit: int | None = typer.Option(None, "--limit", help="Most titles looked up (default: wikidata_max_titles)."),
    json: bool = JSON,
) -> None:
    """Fetch Wikidata (CC0): sequels, spin-offs, source works, characters, review scores, id crosswalk."""
    s = settings(ctx)
    with progress_bar("Wikidata batches") as progress:
        report = wikidata.update(s, limit=limit, progress=progress)
    print_report(report, json)
