"""Commands over a person's data: imports (IMDb, Letterboxd, Trakt, Netflix, TV Time, Simkl), matches and the
profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from reelradar.catalog.chart_links import ChartEntryView, link_entry, unlink_entry, why_entry
from reelradar.catalog.ensure import open_for_reading
from reelradar.cli.app import command, group_command, settings
from reelradar.cli.groups import import_app
from reelradar.cli.output import emit_json, line, note, table
from reelradar.resolve.link import Match
from reelradar.users.actions import link_record, unlink_record, update_profile, why_match
from reelradar.users.imports import ImportReport, import_export
from reelradar.users.imports import rematch as rematch_records
from reelradar.users.store import ItemView
from reelradar.vocab import MATCH_WORDS

JSON = typer.Option(False, "--json", help="Print every input row, what it became and why, as JSON.")


def _import(ctx: typer.Context, source: str, path: Path, json: bool) -> None:
    report = import_export(settings(ctx), source, path, notify=note)
    if json:
        emit_json(report.to_dict())
    else:
        print_report(report)


@group_command(import_app, "imdb")
def import_imdb(ctx: typer.Context, file: Path = typer.Argument(..., help="ratings.csv or watchlist.csv from IMDb."),
                json: bool = JSON) -> None:
    """Import an IMDb ratings or watchlist export (CSV)."""
    _import(ctx, "imdb", file, json)


@group_command(import_app, "letterboxd")
def import_letterboxd(ctx: typer.Context,
                      file: Path = typer.Argument(..., help="The ZIP from Letterboxd's Settings → Data → Export."),
                      json: bool = JSON) -> None:
    """Import a Letterboxd export: ratings, diary with rewatches, watched, watchlist, liked films."""
    _import(ctx, "letterboxd", file, json)


@group_command(import_app, "trakt")
def import_trakt(ctx: typer.Context,
                 path: Path = typer.Argument(..., help="A folder of Trakt JSON files, one JSON file, or a ZIP."),
                 json: bool = JSON) -> None:
    """Import a Trakt backup: history, ratings, watchlist and watched (JSON)."""
    _import(ctx, "trakt", path, json)


@group_command(import_app, "netflix")
def import_netflix(ctx: typer.Context,
                   file: Path = typer.Argument(..., help="NetflixViewingHistory.csv from Account → Profile → "
                                                         "Viewing activity → Download all."),
                   json: bool = JSON) -> None:
    """Import a Netflix viewing history (CSV): each film viewing, and each show on its latest episode."""
    _import(ctx, "netflix", file, json)


@group_command(import_app, "tvtime")
def import_tvtime(ctx: typer.Context,
                  path: Path = typer.Argument(..., help="The ZIP of TV Time's data export, its unpacked folder, or "
                                                        "one of its CSV files."),
                  json: bool = JSON) -> None:
    """Import a TV Time data export: shows watched (on their latest episode), shows followed, films."""
    _import(ctx, "tvtime", path, json)


@group_command(import_app, "simkl")
def import_simkl(ctx: typer.Context,
                 path: Path = typer.Argument(..., help="A Simkl backup: the JSON of /sync/all-items, the CSV of "
                                                       "Settings > Download backup, a folder or a ZIP of such files."),
                 json: bool = JSON) -> None:
    """Import a Simkl backup (JSON or CSV): completed and begun titles, plan to watch, your ratings."""
    _import(ctx, "simkl", path, json)


def print_report(report: ImportReport) -> None:
    c = report.counts
    w = MATCH_WORDS
    line(f"imported {c['rows']} rows from {report.path}: {c['strong']} {w['strong']}, {c['medium']} "
         f"{w['medium']}, {c['none']} {w['none']} ({c['new']} new, {c['updated']} updated, "
         f"{c['unchanged']} unchanged)", style="bold")
    for text in report.notes:
        line(f"note: {text}")
    medium = [r for r in report.rows if r.verdict == "medium"]
    unmatched = [r for r in report.rows if r.verdict == "none"]
    if medium:
        line("possible matches, not counted until you confirm one (`reelradar link RECORD TITLE`):")
        for r in medium:
            line(f"  #{r.record} {_where(r)}: {_said(r.said)} → {r.title} ({r.year}) {r.title_id}: {r.reason}")
    if unmatched:
        line("not matched (kept; resolve with `reelradar link RECORD TITLE`):")
        for r in unmatched:
            line(f"  #{r.record} {_where(r)}: {_said(r.said)}: {r.reason}")


def _where(r: Any) -> str:
    """'ratings.csv line 12': the file of the export a row came from (a ZIP holds several)."""
    return f"{r.file.rsplit('/', 1)[-1]} line {r.row}" if getattr(r, "file", None) else f"line {r.row}"


def _said(said: dict) -> str:
    year = f" ({said['year']})" if said.get("year") else ""
    return f"'{said.get('title') or '?'}'{year}"


CHART = typer.Option(False, "--chart", help="RECORD is a chart entry: its id, its title as charted, or a title "
                                            "it was linked to.")
PLATFORM = typer.Option(None, "--platform", help="With --chart: the chart's platform (e.g. Netflix).")


@command("why-match")
def why_match_cmd(ctx: typer.Context, record: str = typer.Argument(..., help="A record number (#12) or its title."),
                  chart: bool = CHART, platform: str | None = PLATFORM,
                  json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Why a record of your history (or, with --chart, a chart entry) became the catalog title it did:
    every distance component."""
    if chart:
        entry = why_entry(settings(ctx), record, platform)
        if json:
            emit_json(entry)
        else:
            show_entry(entry)
        return
    view, m = why_match(settings(ctx), record)
    if json:
        emit_json({"record": _record_dict(view), "match": m.to_dict() if m else None})
        return
    show_match(view, m)


def show_entry(v: ChartEntryView) -> None:
    line(f"chart entry {v.entry}: '{v.raw_title}' on {v.platform} ({v.kind or 'kind not given'}), "
         f"{v.rows} rows from {v.first_period} to {v.last_period}"
         + (f", runtime {v.runtime_min} min" if v.runtime_min else ""), style="bold")
    m = v.match
    if v.override == "link":
        line(f"linked by hand to {v.override_title_id}; this wins over automatic matching")
    elif v.override == "unlink":
        line("unlinked by hand: its rows stay the chart's own title")
    about = f"{m.title} ({m.year}) · {m.kind} · {m.title_id}" if m.title_id else "no catalog title"
    counted = {"strong": "linked: its rows count for this title", "medium": "possibly this title: counted nowhere "
               "until you confirm it", "none": "not linked"}[str(m.verdict)]
    line(f"{'automatic match' if v.override else 'match'}: {about} — {m.verdict} ({counted})")
    line(f"distance {m.distance if m.distance is not None else 'n/a'}: {m.reason}")
    if m.components:
        table("Distance components", ["component", "penalty", "weight", "why"],
              [(c.name, f"{c.penalty:.3f}", f"{c.weight:g}", c.note) for c in m.components])
    if len(v.candidates) > 1:
        line("other candidates: " + "; ".join(f"{c['title']} ({c['year'] or 'year unknown'}) {c['id']} at "
                                              f"{float(c['distance']):.3f}" for c in v.candidates[1:]))
    if not v.override:
        line(f"to decide: `reelradar link --chart {v.entry} TITLE_ID` or `reelradar unlink --chart {v.entry}`")


def _record_dict(view: ItemView) -> dict:
    return {"id": view.id, "source": view.source, "key": view.source_key, "said": view.record.said(),
            "override": view.override, "interactions": view.interactions}


def show_match(view: ItemView, m: Match | None) -> None:
    line(f"record #{view.id} from {view.source}: {_said(view.record.said())}"
         + (f" ids {view.record.xids}" if view.record.xids else ""), style="bold")
    if m is None:
        line("not resolved yet")
        return
    if m.title_id:
        line(f"→ {m.title} ({m.year}) · {m.kind} · {m.title_id}" + (f" · IMDb {m.tconst}" if m.tconst else ""))
    line(f"verdict {m.verdict} ({m.method}), distance {m.distance if m.distance is not None else 'n/a'}: {m.reason}")
    if view.override:
        line(f"manual override ({view.override}) wins over automatic matching")
        if view.match is not None:
            auto = view.match
            became = f"{auto.title} ({auto.year}) {auto.title_id}" if auto.title_id else "no title"
            line(f"the automatic match was {auto.verdict}: {became}: {auto.reason}")
    if m.components:
        table("Distance components", ["component", "penalty", "weight", "why"],
              [(c.name, f"{c.penalty:.3f}", f"{c.weight:g}", c.note) for c in m.components])
    if m.runner_up:
        line(f"runner-up: {m.runner_up}")


@command()
def link(ctx: typer.Context, record: str = typer.Argument(..., help="A record number (#12) or its title."),
         title: str = typer.Argument(..., help="The catalog title: an id or a name."),
         chart: bool = CHART, platform: str | None = PLATFORM) -> None:
    """Link a record of your history (or, with --chart, a chart entry) to a catalog title by hand; later
    imports and rebuilds keep your choice."""
    if chart:
        entry = link_entry(settings(ctx), record, title, platform)
        note(f"chart entry {entry.entry} '{entry.raw_title}' ({entry.platform}) now links to {entry.linked}: "
             f"its {entry.rows} rows count for that title")
        return
    view = link_record(settings(ctx), record, title)
    note(f"record #{view.id} {_said(view.record.said())} now links to {view.override_title_id}")


@command()
def unlink(ctx: typer.Context, record: str = typer.Argument(..., help="A record number (#12) or its title."),
           chart: bool = CHART, platform: str | None = PLATFORM) -> None:
    """Mark a record (or, with --chart, a chart entry) as no catalog title by hand; later imports and
    rebuilds leave it unmatched."""
    if chart:
        entry = unlink_entry(settings(ctx), record, platform)
        note(f"chart entry {entry.entry} '{entry.raw_title}' ({entry.platform}) is unlinked and stays so")
        return
    view = unlink_record(settings(ctx), record)
    note(f"record #{view.id} {_said(view.record.said())} is unlinked and stays so")


@command()
def profile(
    ctx: typer.Context,
    name: str | None = typer.Option(None, "--name", help="Your name."),
    country: str | None = typer.Option(None, "--country", help="ISO 3166 two-letter country code, e.g. DE."),
    service: list[str] = typer.Option([], "--service", help="A streaming service you have (repeatable; replaces; "
                                      "--service \"\" clears)."),
    clear_services: bool = typer.Option(False, "--clear-services", help="Remove every service."),
    offer_type: list[str] = typer.Option([], "--offer-type",
                                         help="flatrate, free, ads, rent, buy (repeatable; replaces)."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show your profile, or change it: name, country, services, offer types you accept."""
    p = update_profile(settings(ctx), name=name, country=country, services=service or None,
                       offer_types=offer_type or None, clear_services=clear_services)
    if json:
        emit_json(p)
        return
    line(f"name: {p.name}")
    line(f"country: {p.country or 'not set'}")
    line(f"services: {', '.join(p.services) or 'none set'}")
    line(f"offer types: {', '.join(p.offer_types)}")


@command()
def rematch(ctx: typer.Context, json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Match every record of your history again against the current catalog (after a rebuild)."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    try:
        counts = rematch_records(s, con)
    finally:
        con.close()
    if json:
        emit_json(dict(counts))
        return
    line(f"{counts['strong']} {MATCH_WORDS['strong']}, {counts['medium']} {MATCH_WORDS['medium']}, "
         f"{counts['none']} {MATCH_WORDS['none']}, "
         f"{counts['manual']} kept as linked by hand; {counts['changed']} matches changed")
