"""Reading the chart tables a build or an import derived (analytics/charts.py): a chart for a week or
a day, a title's chart history and the rows no title could be found for (the breakouts behind
``reelradar picks --mode hot`` are read in analytics/hot.py). Every row carries its source and date."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from reelradar.analytics.explain import Labels
from reelradar.analytics.filters import Filters
from reelradar.catalog.chart_links import entry_views
from reelradar.catalog.db import sql_literal as lit
from reelradar.errors import BadInput, NotFound
from reelradar.resolve.charts import CREATED_PREFIX

ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass
class ChartRow:
    position: int
    title: str
    season: str | None
    title_id: str | None
    points: int
    best_rank: int
    previous: int | None  # position in the period before (None: not charting then)
    change: int | None  # positive: climbed
    new: bool  # first time in this chart
    weeks: int  # weeks in the top 10 of this chart so far
    peak: int  # best rank in this chart so far
    days: int  # days charted in this period
    hours: float | None = None
    views: float | None = None
    possibly_id: str | None = None  # a catalog title the row may be (a medium match, counted nowhere)
    possibly: str | None = None  # its name and year


@dataclass
class ChartTable:
    platform: str
    country: str
    category: str
    period_start: date
    period_end: date
    provenance: str
    aggregated: bool  # several daily charts summed into one ranking by points
    rows: list[ChartRow] = field(default_factory=list)


def parse_week(text: str) -> tuple[date, date]:
    """'2025-W28' → (Monday, Sunday) of that ISO week."""
    m = ISO_WEEK.match(text.strip())
    if not m:
        raise BadInput(f"--week {text!r} is not an ISO week such as 2025-W28")
    try:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise BadInput(f"--week {text!r} does not exist in that year") from None
    return monday, monday + timedelta(days=6)


# The periodic chart rows as the analytics key them (country '?' when unstated, category '' when none).
CHART_ROWS = """(SELECT platform, coalesce(country, '?') AS country, coalesce(category, '') AS category,
                        period_start, period_end, title_id, season_id, rank, points
                 FROM chart_entry WHERE points IS NOT NULL)"""


def has_chart_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('chart_momentum', 'chart_period')) "
        "+ (SELECT count(*) FROM meta WHERE key = 'charts.positions_sql')"
    ).fetchall()[0][0] == 3)


def positions(con: duckdb.DuckDBPyConnection, where: str) -> str:
    """Positions (analytics/charts.py) of the chart rows ``where`` selects, with what chart_entry says of
    each row (title as charted, hours, views, provenance). ``where`` keeps whole charts or whole items."""
    from reelradar.analytics.charts import positions_sql

    # The chart rows are read once (a scan of chart_entry), then both the windows and the join use them.
    return f"""(WITH _rows AS MATERIALIZED (SELECT * FROM chart_entry WHERE {where})
      SELECT p.*, e.raw_title, e.season_title, e.hours, e.views, e.source, e.via, e.as_of
      FROM {positions_sql(con, where, relation="_rows")} p JOIN _rows e
        ON e.points IS NOT NULL AND e.platform = p.platform
        AND coalesce(e.country, '?') = p.country AND coalesce(e.category, '') = p.category
        AND e.period_start = p.period_start
        AND coalesce(e.entry_key, e.season_id, e.title_id, 'raw:' || lower(e.raw_title)) = p.item)"""


def chart_where(platform: str, country: str, category: str) -> str:
    """SQL over chart_entry: the rows of one chart (country '?': not stated; category '': none). Plain
    comparisons on the stored columns, which DuckDB applies inside the scan."""
    ctry = "country IS NULL" if country == "?" else f"country = {lit(country)}"
    cat = "(category IS NULL OR category = '')" if category == "" else f"category = {lit(category)}"
    return f"platform = {lit(platform)} AND {ctry} AND {cat}"


def _require(con: duckdb.DuckDBPyConnection) -> None:
    if not has_chart_tables(con):
        raise NotFound("this catalog has no chart tables yet: import a chart or run `reelradar demo` again")


def chart_view(
    con: duckdb.DuckDBPyConnection, *, platform: str | None = None, country: str | None = None,
    category: str | None = None, week: str | None = None, day: date | None = None, limit: int = 10,
    max_charts: int = 20, notify: Callable[[str], None] = lambda _: None, services: Filters | None = None,
) -> list[ChartTable]:
    """The charts matching the filters for an ISO week, a day, or (neither) each chart's latest period.

    A week of daily charts is ranked by its summed points; one period shows the ranks as charted.
    Movement compares with the period (or week) just before. With ``services`` (a Filters whose
    services, country and offer types are set), only the rows offered there are kept, each with the
    position it has in the whole chart.
    """
    _require(con)
    if week and day:
        raise BadInput("give --week or --date, not both")
    where, params = ["TRUE"], []
    if platform:
        where.append("lower(platform) = lower(?)")
        params.append(platform)
    if country:
        from reelradar.sources.charts_csv import country_or_world

        where.append("lower(country) = lower(?)")
        params.append(country_or_world(country) or country)  # "United States", "USA" and "us" alike
    if category:
        where.append("lower(category) = lower(?)")
        params.append(category)
    charts = con.execute(
        f"""SELECT platform, country, category, max(period_start), count(DISTINCT period_start)
            FROM chart_period WHERE {" AND ".join(where)} GROUP BY 1, 2, 3 ORDER BY platform, country = 'world' DESC,
            country, category""",
        params,
    ).fetchall()
    if not charts:
        if len(where) == 1:
            raise NotFound("this catalog has no chart rows yet: `reelradar update netflix` or "
                           "`reelradar import chart FILE` brings some")
        raise NotFound("no chart rows match these filters: see `reelradar charts` without filters")
    if len(charts) > max_charts:
        notify(f"{len(charts)} charts match: showing the first {max_charts}; narrow with --platform, --country "
               "or --category")
    out = []
    for plat, ctry, cat, latest, _ in charts[:max_charts]:
        window = _window(con, plat, ctry, cat, latest, week, day)
        if window is None:
            continue
        on_services = services is not None and bool(services.services)
        table = _one_chart(con, plat, ctry, cat, *window, 10_000 if on_services else limit)
        if on_services:
            table.rows = _offered(con, table.rows, services)[:limit]  # type: ignore[arg-type]
        if table.rows:
            out.append(table)
    if not out:
        what = f"week {week}" if week else f"{day}" if day else "the latest period"
        raise NotFound(f"no chart rows for {what} with these filters")
    return out


def _window(con: duckdb.DuckDBPyConnection, plat: str, ctry: str, cat: str, latest: date, week: str | None,
            day: date | None) -> tuple[date, date, date, date] | None:
    """(start, end) of the period shown and of the period before it."""
    key = [plat, ctry, cat]
    same = "platform = ? AND country = ? AND category = ?"
    if week:
        a, b = parse_week(week)
        return a, b, a - timedelta(days=7), a - timedelta(days=1)
    if day is not None:
        row = con.execute(f"SELECT max(period_start), max(period_end) FROM chart_period WHERE {same} "
                          "AND period_start <= ? AND period_end >= ?", [*key, day, day]).fetchone()
        if row is None or row[0] is None:
            return None
        a, b = row
    else:
        a, b = con.execute(f"SELECT period_start, max(period_end) FROM chart_period WHERE {same} "
                           "AND period_start = ? GROUP BY 1", [*key, latest]).fetchall()[0]
    prev = con.execute(f"SELECT max(period_start), max(period_end) FROM chart_period WHERE {same} "
                       f"AND period_start < ? AND period_start = (SELECT max(period_start) FROM chart_period "
                       f"WHERE {same} AND period_start < ?)", [*key, a, *key, a]).fetchone()
    pa_, pb = (prev if prev and prev[0] is not None else (a - (b - a) - timedelta(days=1), a - timedelta(days=1)))
    return a, b, pa_, pb


_AGG = """SELECT item, any_value(title_id) AS title_id, any_value(raw_title) AS title,
                 any_value(season_title) AS season, sum(points)::INT AS points, min(rank) AS best_rank,
                 count(DISTINCT period_start) AS n, max(cum_weeks) AS weeks, min(peak_so_far) AS peak,
                 bool_or(is_new) AS new, sum(least(period_end, $b) - greatest(period_start, $a) + 1)::INT AS days,
                 sum(hours) AS hours, sum(views) AS views,
                 any_value(source) AS source, any_value(via) AS via, max(as_of) AS as_of
          FROM pos x
          WHERE platform = $p AND country = $c AND category = $k AND period_start >= $a AND period_start <= $b
          GROUP BY item"""


def _offered(con: duckdb.DuckDBPyConnection, rows: list[ChartRow], services: Filters) -> list[ChartRow]:
    """The rows whose title is offered on the filter's services (country and offer types as set)."""
    ids = [r.title_id for r in rows if r.title_id]
    where, params = services.sql("t")
    allowed = {r[0] for r in con.execute(
        f"SELECT t.id FROM title t WHERE t.id IN (SELECT unnest(?)) AND {where}", [ids, *params]).fetchall()}
    return [r for r in rows if r.title_id in allowed]


def _one_chart(con: duckdb.DuckDBPyConnection, plat: str, ctry: str, cat: str, a: date, b: date, pa_: date,
               pb: date, limit: int) -> ChartTable:
    periods = con.execute(
        "SELECT count(DISTINCT period_start) FROM chart_period WHERE platform = ? AND country = ? "
        "AND category = ? AND period_start BETWEEN ? AND ?", [plat, ctry, cat, a, b]).fetchall()[0][0]
    aggregated = periods > 1
    pos = "rank() OVER (ORDER BY points DESC, best_rank)" if aggregated else "best_rank"
    # The chart's positions once for both periods, up to the one shown: a row's running counts and
    # previous rank depend only on the rows before it.
    shown = positions(con, f"{chart_where(plat, ctry, cat)} AND period_start <= {lit(b.isoformat())}::DATE")
    sql = f"""WITH pos AS MATERIALIZED ({shown}), cur AS ({_AGG}), prev AS ({_AGG.replace("$a", "$pa").replace("$b", "$pb")})
              SELECT {pos} AS position, cur.*, prev_pos.position AS previous
              FROM cur LEFT JOIN (SELECT item, {pos} AS position FROM prev) prev_pos USING (item)
              ORDER BY position, points DESC, title LIMIT $limit"""
    rows = con.execute(sql, {"p": plat, "c": ctry, "k": cat, "a": a, "b": b, "pa": pa_, "pb": pb,
                             "limit": limit}).fetchall()
    names = [d[0] for d in con.description]
    labels = Labels(con)
    out = []
    prov = ""
    for values in rows:
        r = dict(zip(names, values))
        prov = labels.provenance(r["source"], r["via"], r["as_of"]).text()
        change = None if r["previous"] is None else int(r["previous"]) - int(r["position"])
        out.append(ChartRow(
            position=int(r["position"]), title=r["title"], season=r["season"], title_id=r["title_id"],
            points=int(r["points"]), best_rank=int(r["best_rank"]), previous=r["previous"], change=change,
            new=bool(r["new"]), weeks=int(r["weeks"]), peak=int(r["peak"]), days=int(r["days"]),
            hours=r["hours"], views=r["views"],
        ))
    _mark_possible(con, plat, out)
    return ChartTable(platform=plat, country=ctry, category=cat, period_start=a, period_end=b,
                      provenance=prov, aggregated=aggregated, rows=out)


def _mark_possible(con: duckdb.DuckDBPyConnection, platform: str, rows: list[ChartRow]) -> None:
    """Mark the rows whose entry is a medium match with the title it may be ("possibly Venom (1981)?"):
    rows of a title the chart created (its id is the entry's), and unlinked rows of other charts by name."""
    own = [r.title_id for r in rows if r.title_id and r.title_id.startswith(CREATED_PREFIX)]
    unlinked = [r.title for r in rows if r.title_id is None]
    if not own and not unlinked:
        return
    found = {}
    for v in entry_views(con, "m.verdict = 'medium' AND l.entry IS NULL AND (m.entry IN (SELECT unnest(?)) "
                              "OR (m.platform = ? AND m.source <> 'netflix' AND m.raw_title IN (SELECT unnest(?))))",
                         [own, platform, unlinked]):
        found[v.entry] = found[v.raw_title] = v.match
    for r in rows:
        m = found.get(r.title_id or "") or (found.get(r.title) if r.title_id is None else None)
        if m is not None and m.title_id:
            r.possibly_id, r.possibly = m.title_id, f"{m.title} ({m.year or 'year unknown'})"


@dataclass
class HistoryLine:
    """One item's run in one chart: its periods, ranks and points."""

    platform: str
    country: str
    category: str
    item: str
    label: str
    points: list[tuple[date, int, int]]  # (period start, rank, points)
    weeks: int
    peak: int
    total_points: int
    provenance: str


@dataclass
class ChartHistory:
    title_id: str
    title: str
    lines: list[HistoryLine]
    weekly_points: list[tuple[date, int]]  # points per Monday–Sunday week, all charts together
    all_time: list[str]  # all-time list entries (Netflix's most popular), as sentences


def find_charted_title(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The title ``text`` names, preferring among equally named titles one with a chart history."""
    from reelradar.catalog.search import find_title, search_titles

    if con.execute("SELECT 1 FROM title WHERE id = ?", [text.strip()]).fetchone():
        return text.strip()
    hits = search_titles(con, text, limit=10)
    best = [h for h in hits if h.match == hits[0].match] if hits else []
    if best and has_chart_tables(con):
        charted = {r[0] for r in con.execute(
            f"SELECT DISTINCT title_id FROM {CHART_ROWS} WHERE title_id IN (SELECT unnest(?))",
            [[h.id for h in best]]).fetchall()}
        for h in best:
            if h.id in charted:
                return h.id
    return find_title(con, text)


def chart_history(con: duckdb.DuckDBPyConnection, title_id: str) -> ChartHistory:
    """Every chart run of a title (a series with all its seasons), oldest first."""
    _require(con)
    row = con.execute("SELECT title FROM title WHERE id = ?", [title_id]).fetchone()
    if row is None:
        raise NotFound(f"no title with id {title_id!r}")
    # A row of a season carries its series as title_id too (catalog/charts_store.py _link_seasons), so the
    # series' rows are its seasons' rows: no look for its seasons among every title (0.2 s at full size).
    ids = [title_id]
    # The rows of this title's items: their running counts (weeks so far) need no other rows.
    listed = ", ".join(lit(i) for i in ids)
    mine = f"(title_id IN ({listed}) OR season_id IN ({listed}))"
    rows = con.execute(
        f"""SELECT platform, country, category, item, coalesce(season_title, raw_title), period_start, rank, points,
                  cum_weeks, source, via, as_of
           FROM {positions(con, mine)} x
           ORDER BY platform, country = 'world' DESC, country, category, item, period_start""",
    ).fetchall()
    labels = Labels(con)
    lines: dict[tuple[str, ...], HistoryLine] = {}
    for plat, ctry, cat, item, label, start, rank, points, weeks, source, via, as_of in rows:
        key = (plat, ctry, cat, item)
        line = lines.get(key)
        if line is None:
            line = lines[key] = HistoryLine(plat, ctry, cat, item, label, [], 0, rank, 0, "")
        line.points.append((start, int(rank), int(points)))
        line.weeks = max(line.weeks, int(weeks))
        line.peak = min(line.peak, int(rank))
        line.total_points += int(points)
        line.provenance = labels.provenance(source, via, as_of).text()
    weekly = con.execute(
        f"""SELECT date_trunc('week', period_start)::DATE AS w, sum(points)::INT FROM {CHART_ROWS}
           WHERE title_id IN (SELECT unnest(?)) OR season_id IN (SELECT unnest(?)) GROUP BY 1 ORDER BY 1""",
        [ids, ids],
    ).fetchall()
    all_time = [
        f"#{rank} of Netflix's most popular {cat.split(' (most popular')[0]}: "
        f"{views / 1e6:.1f}M views, {hours / 1e6:.1f}M hours in its first 91 days"
        f" — {labels.provenance(source, via, as_of).text()}"
        for rank, cat, views, hours, source, via, as_of in con.execute(
            """SELECT rank, category, views, hours, source, via, as_of FROM chart_entry
               WHERE points IS NULL AND views IS NOT NULL AND (title_id IN (SELECT unnest(?))
                     OR season_id IN (SELECT unnest(?))) ORDER BY rank""", [ids, ids]).fetchall()
    ]
    return ChartHistory(title_id, row[0], list(lines.values()), [(w, p) for w, p in weekly], all_time)


@dataclass
class Unresolved:
    source: str
    platform: str
    raw_title: str
    season_title: str | None
    year: int | None
    kind: str | None
    ref: str | None
    rows: int
    first: date
    last: date
    import_name: str | None


def unresolved(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[Unresolved]:
    """Chart rows no catalog title could be placed on, one line per name, most rows first."""
    rows = con.execute(
        f"""SELECT source, platform, raw_title, any_value(season_title), title_year, title_kind, title_ref,
                   count(*), min(period_start), max(period_end), any_value(import_name)
            FROM chart_entry WHERE title_id IS NULL GROUP BY source, platform, raw_title, title_year, title_kind,
                 title_ref ORDER BY count(*) DESC, raw_title {"LIMIT " + str(int(limit)) if limit else ""}"""
    ).fetchall()
    return [Unresolved(*r) for r in rows]

