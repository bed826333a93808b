"""Chart analytics (DESIGN §5), as Ibis expressions over ``chart_entry``.

- Points: 10 for #1 down to 1 for #10 (FlixPatrol's convention), as stored with each row; all-time
  lists (Netflix's most popular) carry no points and stay out of these analytics.
- A *chart* is (platform, country, category); an *item* is what it ranks (a film, a season: the
  source's entry key, else the title); a *title* is the catalog title (a series sums its seasons).
  A country the report did not state counts as country ``?``.
- positions (``chart_positions``, computed when read through ``positions_sql``): every row (keys,
  rank, points) with its chart period index, the item's rank in the chart's previous period (NULL:
  absent), the change (positive = climbed), new entry (first period in this chart), weeks and days in
  the top 10 so far (weeks: distinct Monday–Sunday weeks), and peak rank so far. Titles as charted,
  hours, views and provenance stay in ``chart_entry`` (``chart_views`` joins them back).
- ``chart_period``: each chart's periods (start, end).
- ``chart_stats``: per chart and item, weeks and days in the top 10, peak rank and its first period,
  first and last period, points.
- ``chart_totals``: points per title, platform, level (``world`` charts or ``countries``) and week.
- ``chart_momentum``: per platform, level and title, the latest window of ``chart_window_days`` days
  against the window before it, over a fixed country set (the countries with a chart in both windows,
  so a platform that adds countries does not look like a surge): momentum = ln((this + p)/(last + p))
  with p = ``chart_momentum_prior``; breakout when momentum ≥ ``chart_breakout_min_momentum``, points
  this window ≥ ``chart_breakout_min_points`` and countries charting ≥ ``chart_breakout_min_countries``.

Every function takes and returns Ibis tables, so the same jobs run on any Ibis backend.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import duckdb
import ibis
from ibis.expr.types import Table

from reelradar.analytics.engine import backend, materialize
from reelradar.config import Settings

Grain = Literal["day", "week", "month"]
CHART = ["platform", "country", "category"]
_TRUNC = {"day": "D", "week": "W", "month": "M"}
CHART_MEMORY = "2GB"


def chart_rows(entries: Table) -> Table:
    """Periodic chart rows with their item, title key and level; all-time lists (no points) left out.

    ``chart_hash`` and ``item_hash`` are integer stand-ins for (platform, country, category) and
    (chart, item): windows partitioned by one integer sort far faster than by several strings.
    """
    t = entries.filter(entries.points.notnull())
    raw = ibis.literal("raw:").concat(t.raw_title.lower())
    t = t.mutate(
        country=t.country.fill_null("?"),
        category=t.category.fill_null(""),
        item=ibis.coalesce(t.entry_key, t.season_id, t.title_id, raw),
        title_key=ibis.coalesce(t.title_id, raw),
        level=ibis.ifelse(t.country == "world", "world", "countries"),
        week=t.period_start.truncate("W"),
        days=(t.period_end.delta(t.period_start, unit="day") + 1).cast("int32"),
    )
    chart = t.platform.concat("\x1f", t.country, "\x1f", t.category)
    t = t.mutate(chart_hash=chart.hash(), item_hash=chart.concat("\x1f", t.item).hash())
    keep_rid = ["rid"] if "rid" in t.columns else []  # the row's place in chart_entry, when given
    return t.select(  # only what the jobs below read: less to carry through every sort
        *keep_rid, "source", "platform", "country", "category", "period_start", "period_end", "rank", "points", "raw_title",
        "season_title", "title_id", "season_id", "hours", "views", "cumulative_weeks", "as_of", "via", "item",
        "title_key", "level", "week", "days", "chart_hash", "item_hash",
    )


def chart_positions(rows: Table) -> Table:
    """Each chart row with its period index, previous rank, change, new entry, cumulative weeks, days
    and peak so far."""
    # The chart's periods, numbered once on the (much smaller) distinct table, then joined back.
    periods = rows.select("chart_hash", "period_start").distinct()
    periods = periods.mutate(
        pidx=periods.period_start.dense_rank().over(ibis.window(group_by="chart_hash", order_by="period_start"))
    )
    # Only what the windows and the table need travels through the sort (titles, hours, sources are
    # read from chart_entry by whoever shows a chart).
    narrow = rows.select("platform", "country", "category", "period_start", "period_end", "item", "title_id",
                         "season_id", "rank", "points", "level", "cumulative_weeks", "week", "days", "chart_hash",
                         "item_hash")
    t = narrow.join(periods, ["chart_hash", "period_start"]).select(narrow, periods.pidx)
    # One window spec for all: the engine sorts once (frames do not matter to lag and ranks).
    run = upto = ibis.window(group_by="item_hash", order_by="period_start", rows=(None, 0))
    t = t.mutate(
        _lag_pidx=t.pidx.lag().over(run),
        _lag_rank=t["rank"].lag().over(run),
        _n=ibis.row_number().over(run),
        # weeks only grow along a run, so counting week changes equals a distinct count so far
        _new_week=ibis.ifelse(t.week.lag().over(run) == t.week, 0, 1),
        cum_days=t.days.sum().over(upto).cast("int32"),
        peak_so_far=t["rank"].min().over(upto),
    )
    prev = ibis.ifelse(t._lag_pidx == t.pidx - 1, t._lag_rank, ibis.null("int32"))
    t = t.mutate(prev_rank=prev, is_new=t._n == 0, cum_weeks=t._new_week.sum().over(upto).cast("int32"))
    t = t.mutate(rank_change=(t.prev_rank - t["rank"]).cast("int32"))
    return t.select(
        "platform", "country", "category", "period_start", "period_end", "item", "title_id", "season_id",
        "rank", "points", "level", "pidx", "prev_rank", "rank_change", "is_new", "cum_weeks", "cum_days",
        "peak_so_far", reported_cumulative_weeks=t.cumulative_weeks,
    )


def chart_stats(rows: Table) -> Table:
    """Per chart and item: weeks and days in the top 10, peak rank (and when first reached), first and
    last period, points. ``rows`` must carry ``rid`` (see ``compute_chart_tables``)."""
    # Earliest period at the best rank in one pass: the smallest (rank, day) pair, packed in one integer.
    epoch = ibis.date(1970, 1, 1)
    order = rows["rank"].cast("int64") * 1_000_000 + rows.period_start.delta(epoch, unit="day")
    # Numbers only in the aggregates, in two steps (per week, then per item: distinct weeks become a plain
    # count); the item's names are then read from one of its rows. Distinct counts and text in the
    # aggregate states over millions of groups made this several times slower.
    w = rows.group_by(["item_hash", "week"]).agg(
        days=rows.days.sum(), peak=order.min(), first_period=rows.period_start.min(),
        last_period=rows.period_end.max(), points=rows.points.sum(), rid=rows.rid.min(),
    )
    t = w.group_by("item_hash").agg(
        weeks_in_top10=w.count().cast("int32"), days_in_top10=w.days.sum().cast("int32"), peak=w.peak.min(),
        first_period=w.first_period.min(), last_period=w.last_period.max(), points=w.points.sum(), rid=w.rid.min(),
    )
    names = rows.select("rid", "platform", "country", "category", "item", "title_id", "raw_title")
    t = t.join(names, "rid")
    return t.select(
        "platform", "country", "category", "item", "title_id", "raw_title", "weeks_in_top10", "days_in_top10",
        peak_rank=(t.peak // 1_000_000).cast("int32"),
        peak_first=epoch + (t.peak % 1_000_000).cast("int32").as_interval("D"),
        first_period=t.first_period, last_period=t.last_period, points=t.points,
    )


def points_totals(rows: Table, grain: Grain, by: list[str]) -> Table:
    """Points per title, ``by`` columns (e.g. platform, country) and period of ``grain``; a weekly row
    counts once, in the day/week/month its period starts."""
    bucket = rows.period_start.truncate(_TRUNC[grain]) if grain != "day" else rows.period_start
    t = rows.mutate(bucket=bucket)
    keys = ["title_key", *by, "bucket"]
    # Per country first, then per key: the number of countries becomes a plain count.
    per_country = t.group_by([*dict.fromkeys([*keys, "country"])]).agg(
        points=t.points.sum(), best_rank=t["rank"].min())
    return per_country.group_by(keys).agg(
        points=per_country.points.sum(), countries=per_country.count(), best_rank=per_country.best_rank.min())


def fixed_countries(rows: Table, windows: list[tuple[object, object]]) -> Table:
    """Per platform, the countries with a chart in every one of ``windows`` ([start, end] dates)."""
    present = None
    for start, end in windows:
        w = rows.filter((rows.period_end >= start) & (rows.period_end <= end)).select("platform", "country").distinct()
        present = w if present is None else present.join(w, ["platform", "country"]).select("platform", "country")
    assert present is not None
    return present


def world_totals(rows: Table, grain: Grain, countries: Table) -> Table:
    """Points per title, platform and period over a fixed country set (``countries``: platform,
    country), so periods compare like with like."""
    kept = rows.join(countries, ["platform", "country"]).select(rows)
    return points_totals(kept, grain, ["platform"])


def momentum(rows: Table, s: Settings, since: date | None = None) -> Table:
    """Per platform, level and title: points this window and the last over the fixed country set,
    momentum, spread, best ranks, weeks on chart, new entry and the breakout flag.

    ``since`` (optional) is a day before every chart's last two windows (``momentum_since``): rows that
    end before it are left out before anything is derived from them."""
    w = s.chart_window_days
    keys = ["platform", "level", "title_key"]
    recent = rows if since is None else rows.filter(rows.period_end > since)
    as_of = recent.group_by(["platform", "level"]).agg(as_of=recent.period_end.max())
    base = recent.drop("as_of")  # the row's own date; here as_of is the chart's latest day
    t = base.join(as_of, ["platform", "level"]).select(base, as_of.as_of)
    # Only the last two windows are compared; history (first seen, weeks on chart) is read only for the
    # titles charting in them.
    t = t.filter(t.period_end > t.as_of - ibis.interval(days=2 * w))
    t = t.mutate(win=ibis.ifelse(t.period_end > t.as_of - ibis.interval(days=w), "this", "last"))
    both = t.group_by(["platform", "level", "country"]).agg(n_win=t.win.nunique())
    fixed = both.filter(both.n_win == 2).select("platform", "level", "country", in_fixed=ibis.literal(True))
    t = t.left_join(fixed, ["platform", "level", "country"]).select(t, fixed.in_fixed)
    t = t.mutate(in_fixed=t.in_fixed.fill_null(False))
    this, last = t.win == "this", t.win == "last"
    n_fixed = fixed.group_by(["platform", "level"]).agg(fixed_countries=fixed.country.nunique())
    n_this = t.filter(this).group_by(["platform", "level"]).agg(charts_this=t.country.nunique())
    per = t.group_by(keys).agg(
        title_id=t.title_id.arbitrary(),
        raw_title=t.raw_title.arbitrary(),
        as_of=t.as_of.max(),
        points_this=ibis.ifelse(this & t.in_fixed, t.points, 0).sum(),
        points_last=ibis.ifelse(last & t.in_fixed, t.points, 0).sum(),
        points_this_all=ibis.ifelse(this, t.points, 0).sum(),
        countries_this=ibis.ifelse(this, t.country, ibis.null("string")).nunique(),
        countries_last=ibis.ifelse(last, t.country, ibis.null("string")).nunique(),
        number_one_this=ibis.ifelse(this & (t["rank"] == 1), t.country, ibis.null("string")).nunique(),
        best_rank_this=ibis.ifelse(this, t["rank"], ibis.null("int32")).min(),
        best_rank_last=ibis.ifelse(last, t["rank"], ibis.null("int32")).min(),
        sources=t.source.arbitrary(),
    )
    seen = rows.semi_join(per.select(*keys), keys)
    weeks = seen.group_by([*keys, "week"]).agg(first_seen=seen.period_start.min())
    history = weeks.group_by(keys).agg(weeks_on_chart=weeks.count(), first_seen=weeks.first_seen.min())
    per = per.join(history, keys).select(per, history.weeks_on_chart, history.first_seen)
    per = per.filter((per.points_this_all > 0) | (per.points_last > 0))
    per = per.left_join(n_fixed, ["platform", "level"]).select(per, n_fixed.fixed_countries)
    per = per.left_join(n_this, ["platform", "level"]).select(per, n_this.charts_this)
    prior = s.chart_momentum_prior
    m = ((per.points_this.cast("float64") + prior) / (per.points_last.cast("float64") + prior)).ln()
    per = per.mutate(
        fixed_countries=per.fixed_countries.fill_null(0),
        window_days=ibis.literal(w),
        momentum=m,
        is_new=per.first_seen > per.as_of - ibis.interval(days=w),
    )
    # A new entry (no history before this window) is judged on all its points: there is no last window
    # to compare countries with, and its momentum is ln((this + p)/p) over the fixed set anyway.
    breakout = (
        (per.momentum >= s.chart_breakout_min_momentum)
        & (per.points_this >= s.chart_breakout_min_points)
        & (per.countries_this >= s.chart_breakout_min_countries)
    )
    return per.mutate(breakout=breakout)


def compute_chart_tables(con: duckdb.DuckDBPyConnection, s: Settings) -> None:
    """Derive ``chart_stats``, ``chart_totals`` and ``chart_momentum`` inside a catalog write (a build
    or an import), and store the SQL of ``chart_positions`` for readers (``positions_sql``).

    Positions are one row per chart row (as many as ``chart_entry``) and are only ever read for one
    chart or one title at a time, so they are computed when read, over just those rows, instead of
    being written for every row of every chart at each import."""
    from reelradar.catalog.charts_store import ensure_chart_columns
    from reelradar.catalog.db import duckdb_settings

    ensure_chart_columns(con)
    be = backend(con)
    # Each job derives the rows it reads (items, keys, hashes) as it scans chart_entry: cheaper than
    # writing the derived rows to a table first. ``rid`` is a row's place in chart_entry.
    con.execute("CREATE OR REPLACE VIEW _chart_entry_rid AS SELECT rowid AS rid, * FROM chart_entry")
    rows = chart_rows(be.table("_chart_entry_rid"))
    try:
        # Row order means nothing in these tables; not keeping it lets DuckDB stream large results
        # instead of buffering them. DuckDB's share of memory is capped meanwhile: past it, sorts and
        # aggregates spill to disk instead of growing. Both are put back as they were afterwards.
        with duckdb_settings(con, preserve_insertion_order="false", memory_limit=CHART_MEMORY):
            # each chart's periods (what charts exist, their latest and previous periods), read by every chart view
            materialize(be, "chart_period", rows.select(*CHART, "period_start", "period_end").distinct())
            materialize(be, "chart_stats", chart_stats(rows))
            materialize(be, "chart_totals", points_totals(rows, "week", ["platform", "level"]))
            materialize(be, "chart_momentum", momentum(rows, s, since=momentum_since(con, s)))
    finally:
        con.execute("DROP VIEW IF EXISTS _chart_entry_rid")
    con.execute("DROP TABLE IF EXISTS chart_position")  # written by catalogs before positions were computed when read
    con.execute("DELETE FROM meta WHERE key LIKE 'charts.%'")
    con.execute("INSERT INTO meta VALUES ('charts.positions_sql', ?)",
                [str(be.compile(chart_positions(chart_rows(be.table("chart_entry")))))])
    for key in ("chart_window_days", "chart_momentum_prior", "chart_breakout_min_momentum",
                "chart_breakout_min_points", "chart_breakout_min_countries"):
        con.execute("INSERT INTO meta VALUES (?, ?)", [f"charts.{key}", str(getattr(s, key))])


def momentum_since(con: duckdb.DuckDBPyConnection, s: Settings) -> date | None:
    """The day before the last two momentum windows of every platform and level (None: no charts)."""
    row = con.execute(
        f"""SELECT (min(last) - INTERVAL {2 * s.chart_window_days} DAY)::DATE FROM (
              SELECT max(period_end) AS last FROM chart_entry WHERE points IS NOT NULL
              GROUP BY platform, coalesce(country, '?') = 'world')""").fetchone()
    return None if row is None else row[0]


def positions_sql(con: duckdb.DuckDBPyConnection, where: str, *, relation: str | None = None) -> str:
    """A subquery of ``chart_positions`` over the ``chart_entry`` rows ``where`` selects (SQL over
    ``chart_entry``'s columns, literals inlined). ``where`` must keep whole charts (platform, country,
    category) for previous ranks and movement, or at least whole items for the running counts (weeks,
    days, peak so far): the windows only see the rows it keeps. With ``relation`` (a name the caller's
    query defines, holding those rows), that is read instead."""
    row = con.execute("SELECT value FROM meta WHERE key = 'charts.positions_sql'").fetchone()
    if row is None:
        raise LookupError("no chart positions in this catalog")
    source = relation or f"(SELECT * FROM chart_entry WHERE {where})"
    return "(" + str(row[0]).replace('"chart_entry"', source) + ")"
