"""``reelradar update imdb`` (download and build the full IMDb catalog) and ``reelradar search``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer

from reelradar.analytics.explain import pct
from reelradar.catalog.ensure import open_for_reading
from reelradar.catalog.imdb_load import ImdbOptions, update_imdb
from reelradar.catalog.search import search_titles
from reelradar.cli.app import command, group_command, settings
from reelradar.cli.groups import update_app
from reelradar.cli.output import console, emit_json, line, note, table
from reelradar.errors import BadInput

SEARCH_KINDS = ("movie", "series", "miniseries", "episode", "special", "short", "tv_movie", "video")


def _split(values: list[str]) -> list[str]:
    # --akas-regions US,GB and --akas-regions US --akas-regions GB both work
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@group_command(update_app, "imdb")
def update_imdb_cmd(
    ctx: typer.Context,
    from_dir: Path | None = typer.Option(
        None, "--from", help="Folder holding the seven IMDb .tsv.gz files (default: download them)."
    ),
    skip_adult: bool | None = typer.Option(
        None, "--skip-adult/--keep-adult", help="Leave out titles IMDb marks as adult (default: imdb_skip_adult)."
    ),
    akas_regions: list[str] = typer.Option([], "--akas-regions", help="Keep alternative titles of these regions only."),
    akas_languages: list[str] = typer.Option(
        [], "--akas-languages", help="Keep alternative titles of these languages only."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Download IMDb's seven dataset files (only those that changed) and rebuild the catalog from them."""
    s = settings(ctx)
    options = ImdbOptions(
        skip_adult=s.imdb_skip_adult if skip_adult is None else skip_adult,
        akas_regions=_split(akas_regions) or list(s.imdb_akas_regions),
        akas_languages=_split(akas_languages) or list(s.imdb_akas_languages),
        memory_limit=s.imdb_memory_limit,
    )
    with console.status("building the IMDb catalog", spinner="dots") if console.is_terminal and not json \
            else _nothing():
        build = update_imdb(s, from_dir=from_dir, options=options, progress=not json, notify=note)
    if json:
        emit_json({**dataclasses.asdict(build), "catalog": str(build.catalog), "folder": str(build.folder)})
        return
    r = build.rows
    line(f"IMDb catalog built at {build.catalog} in {build.seconds:.0f} s: {r.get('title', 0):,} titles, "
         f"{r.get('person', 0):,} people, {r.get('credit', 0):,} credits, {r.get('rating', 0):,} ratings, "
         f"{r.get('title_aka', 0):,} alternative titles")
    for name, fr in build.load.files.items():
        if fr.skipped:
            reasons = ", ".join(f"{n:,} {why}" for why, n in fr.skipped.items())
            line(f"  {name}: skipped {reasons} (first: {'; '.join(fr.examples[:3]) or 'see log'})")
    for why, n in build.load.dropped.items():
        line(f"  left out: {n:,} {why}")
    for what, n in build.load.of_titles_left_out.items():
        line(f"  not loaded: {n:,} {what} of titles left out of the build")
    for name, reason in build.failed.items():
        line(f"  {name} skipped: {reason}")


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@command()
def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="Words of a title: case, accents, a leading article and small typos don't matter."),
    kind: str | None = typer.Option(None, "--kind", help="Only this kind: movie, series, episode, ..."),
    year: int | None = typer.Option(None, "--year", help="Only titles from this year (± 1)."),
    limit: int = typer.Option(10, "--limit", help="How many titles."),
    json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Find titles by their name, original name or an alternative title."""
    if kind is not None and kind not in SEARCH_KINDS:
        raise BadInput(f"unknown kind {kind!r}: use one of {', '.join(SEARCH_KINDS)}")
    s = settings(ctx)
    con = open_for_reading(s, note)
    try:
        hits = search_titles(con, query, kind=kind, year=year, limit=limit)
    finally:
        con.close()
    if json:
        emit_json(hits)
        return
    if not hits:
        line(f"no title matches {query!r}")
        return
    table(None, ["id", "title", "years", "kind", "made by", "acclaim", "count"],
          [(h.id, h.title + (f" (aka {h.matched})" if h.matched else ""),
            (f"{h.year}–{h.end_year}" if h.end_year else str(h.year or "unknown")), h.kind,
            ", ".join(h.made_by) or "unknown", pct(h.acclaim),
            f"{h.votes:,} {h.evidence or ''}".strip() if h.votes is not None else "unknown") for h in hits])
