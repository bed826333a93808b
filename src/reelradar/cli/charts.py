"""Chart commands: update netflix, import chart, charts (and charts unresolved), chart-history."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from reelradar.analytics.availability import current_profile
from reelradar.analytics.chart_plot import plot_history, rank_sparkline, sparkline
from reelradar.analytics.chart_views import chart_history, chart_view, find_charted_title
from reelradar.analytics.filters import Filters
from reelradar.catalog.chart_links import unresolved_entries
from reelradar.catalog.charts_store import import_chart_file, import_netflix
from reelradar.catalog.ensure import open_for_reading
from reelradar.cli.app import app, command, group_command, limit_option, settings, user_errors
from reelradar.cli.groups import import_app, update_app
from reelradar.cli.output import console, emit_json, line, note, table
from reelradar.errors import BadInput
from reelradar.http import host_of
from reelradar.sources import netflix

JSON = typer.Option(False, "--json", help="Print JSON for scripts.")

WHERE_WORDS = {"world": "worldwide", "?": "country not stated"}


@group_command(update_app, "netflix")
def update_netflix(
    ctx: typer.Context,
    from_file: Path | None = typer.Option(None, "--from", help="Load this local Netflix Top 10 TSV instead."),
    replace: bool = typer.Option(False, "--replace", help="Load a file even when it holds far fewer rows than "
                                 "the import it replaces (refused otherwise: a header-only or cut-short file)."),
    json: bool = JSON,
) -> None:
    """Download Netflix's Top 10 files (global, per country, most popular) and load those that changed.

    Exits 4 only when no file could be downloaded (one line: the reason, or each file's); a file that
    fails while others load is reported with them."""
    s = settings(ctx)
    if from_file is None and not json and sys.stderr.isatty():  # a person waits; a script reads one line
        note(f"downloading {len(netflix.FILES)} Netflix Top 10 files from {host_of(s.netflix_base_url)}")
    # a file that failed is said with the others' results below; when none could be had, one line
    report = import_netflix(s, from_file, notify=note, progress=console.is_terminal and not json, replace=replace)
    if json:
        emit_json(report)
        return
    for name, r in report.items():
        if name.startswith("unchanged:"):
            note(f"{r['file']}: unchanged since the last download, not loaded again")
        elif name.startswith("failed:"):
            note(f"{r['file']}: {r['error']}")
        else:
            note(f"{name}: {r['rows']:,} chart rows from {r['file']}; {placed(r)}")
            if r.get("vintage"):
                note(f"{name}: read as {r['vintage']}")


def placed(r: dict) -> str:
    """How an import's chart entries were placed, in words: linked on evidence, possibly, not at all."""
    words = f"{r['entries']:,} entries: {r['strong']:,} linked to a catalog title on evidence"
    if r["manual"]:
        words += f", {r['manual']:,} decided by hand"
    if r["medium"]:
        words += f", {r['medium']:,} possibly a catalog title (not counted until you confirm)"
    if r["none"]:
        words += f", {r['none']:,} not in the catalog (kept as the chart names them)"
    if r["unresolved"]:
        words += "; see `reelradar charts unresolved`"
    return words


def _mapping(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        field_, sep, name = pair.partition("=")
        if not sep or not field_.strip():  # FIELD= (no name): the file has no such column
            raise BadInput(f"--column {pair!r} is not FIELD=NAME (e.g. --column rank=Position, or kind= for none)")
        out[field_.strip().lower()] = name.strip()
    return out


@group_command(import_app, "chart")
def import_chart(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A chart CSV (FlixPatrol style): date or week, rank, title, ..."),
    platform: str | None = typer.Option(None, "--platform", help="The platform of every row (else a column)."),
    country: str | None = typer.Option(None, "--country", help="ISO country code or 'world' for every row."),
    category: str | None = typer.Option(None, "--category", help="The category of every row (e.g. TV)."),
    column: list[str] = typer.Option([], "--column", help="Map a field to a header name: FIELD=NAME (repeatable)."),
    json: bool = JSON,
) -> None:
    """Import a top-10 chart CSV; importing the same file again changes nothing."""
    s = settings(ctx)
    report = import_chart_file(s, file, platform=platform, country=country, category=category,
                               columns=_mapping(column), notify=note)
    if json:
        emit_json(report)
        return
    dup = f", {report['duplicates']:,} repeated rows kept once" if report["duplicates"] else ""
    note(f"{file}: {report['rows']:,} chart rows imported{dup}; {placed(report)}")
    for words in report.get("notes", []):  # type: ignore[attr-defined]
        note(f"{file}: {words}")


charts_app = typer.Typer(add_completion=False, invoke_without_command=True,
                         help="Charts as history: a week or a day of every chart, with movement and weeks.")
app.add_typer(charts_app, name="charts")


@charts_app.callback()
def charts(
    ctx: typer.Context,
    platform: str | None = typer.Option(None, "--platform", help="Only this platform (e.g. Netflix)."),
    country: str | None = typer.Option(None, "--country", help="Only this country (ISO code) or 'world'."),
    category: str | None = typer.Option(None, "--category", help="Only this category."),
    week: str | None = typer.Option(None, "--week", help="An ISO week, e.g. 2025-W28."),
    day: str | None = typer.Option(None, "--date", help="A day (YYYY-MM-DD): the chart period holding it."),
    limit: int = limit_option(10, "Rows per chart, at least 1."),
    service: list[str] = typer.Option([], "--service", help="Only titles on this service (repeatable)."),
    mine: bool = typer.Option(False, "--my-services", help="Only titles on the services of your profile."),
    json: bool = JSON,
) -> None:
    """The charts for a week, a day, or their latest period: rank, movement, weeks in the top 10, peak."""
    if ctx.invoked_subcommand is not None:
        return
    with user_errors():
        s = settings(ctx)
        try:
            when = date.fromisoformat(day) if day else None
        except ValueError:
            raise BadInput(f"--date {day!r} is not a date (YYYY-MM-DD)") from None
        con = open_for_reading(s, note)
        profile = current_profile(s)
        services = Filters(services=service or (profile.services if mine else []), country=profile.country,
                           offer_types=profile.offer_types)
        if mine and not services.services:
            raise BadInput("your profile lists no services: `reelradar profile --service NAME` first")
        found = chart_view(con, platform=platform, country=country, category=category, week=week, day=when,
                           limit=limit, notify=note, services=services)
        if json:
            emit_json(found)
            return
        for chart in found:
            where = WHERE_WORDS.get(chart.country, chart.country)
            how = " (days summed by points)" if chart.aggregated else ""
            title = (f"{chart.platform} · {where} · {chart.category or 'all'} · {chart.period_start} to "
                     f"{chart.period_end}{how}")
            line(title, style="bold")
            table(None, ["#", "title", "move", "weeks", "peak", "points", "views"], [
                (r.position, r.title + (f" — {r.season}" if r.season else "")
                 + (f" (possibly {r.possibly}?)" if r.possibly else ""), _move(r.change, r.new, r.previous),
                 r.weeks, f"#{r.peak}", r.points, f"{r.views / 1e6:.1f}M" if r.views else "")
                for r in chart.rows])
            line(f"  source: {chart.provenance}")


def _move(change: int | None, new: bool, previous: int | None) -> str:
    if previous is None:
        return "new" if new else "back"
    if change == 0:
        return "="
    return f"▲{change}" if change and change > 0 else f"▼{-change}" if change else ""


@charts_app.command("unresolved")
def charts_unresolved(
    ctx: typer.Context,
    limit: int | None = limit_option(None, "At most this many entries, at least 1."),
    json: bool = JSON,
) -> None:
    """Chart entries not linked on evidence: possible titles (medium) with their candidates and
    distances, then entries no catalog title fits. Kept as charted, never dropped."""
    with user_errors():
        s = settings(ctx)
        con = open_for_reading(s, note)
        found = unresolved_entries(con, limit)
        if json:
            emit_json(found)
            return
        if not found:
            line("every chart entry is linked to a catalog title on evidence or by hand")
            return
        table("Chart entries not linked on evidence", ["entry", "as charted", "platform", "rows", "charted",
                                                        "verdict", "candidates (distance)"],
              [(v.entry, v.raw_title, v.platform, v.rows, f"{v.first_period} to {v.last_period}",
                v.match.verdict, "; ".join(f"{c['title']} ({c['year'] or 'year unknown'}) {c['id']} "
                                           f"{float(c['distance']):.3f}" for c in v.candidates) or "none")
               for v in found])
        line("confirm one with `reelradar link --chart ENTRY TITLE_ID`, or keep it apart with "
             "`reelradar unlink --chart ENTRY`; `reelradar why-match --chart ENTRY` shows why")


@command("chart-history")
def chart_history_cmd(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="A title or an id."),
    plot: Path | None = typer.Option(None, "--plot", help="Also draw rank and points over time (.png or .svg)."),
    json: bool = JSON,
) -> None:
    """A title's chart history: every chart it entered, with a sparkline of its ranks; --plot draws it."""
    s = settings(ctx)
    con = open_for_reading(s, note)
    history = chart_history(con, find_charted_title(con, title))
    if plot is not None:
        plot_history(history, plot)
        note(f"plot written to {plot}")
    if json:
        emit_json(history)
        return
    line(f"{history.title} · {history.title_id}", style="bold")
    if not history.lines and not history.all_time:
        line("no chart history")
        return
    if history.weekly_points:
        pts = [p for _, p in history.weekly_points]
        line(f"points per week  {sparkline(pts)}  ({history.weekly_points[0][0]} to {history.weekly_points[-1][0]}, "
             f"{sum(pts):,} points)")
    for h in history.lines:
        where = WHERE_WORDS.get(h.country, h.country)
        line(f"  {h.label} · {h.platform} · {where}{' · ' + h.category if h.category else ''}: {rank_sparkline([p[1] for p in h.points])} "
             f"peak #{h.peak}, {h.weeks} week{'s' if h.weeks != 1 else ''} in the top 10, {h.total_points} points, "
             f"{h.points[0][0]} to {h.points[-1][0]} — {h.provenance}")
    for sentence in history.all_time:
        line(f"  {sentence}")
