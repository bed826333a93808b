"""Chart analytics on hand-made daily charts: points, totals, movement, weeks, momentum over a fixed
country set, and breakouts with configurable thresholds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from reelradar.analytics.charts import (
    chart_rows,
    compute_chart_tables,
    fixed_countries,
    points_totals,
    positions_sql,
    world_totals,
)
from reelradar.analytics.engine import backend
from reelradar.analytics.hot import breakout_reason
from reelradar.catalog.charts_store import place_chart_titles, replace_import
from reelradar.catalog.db import schema_sql
from reelradar.config import Settings, load_settings
from reelradar.sources.charts_csv import read_chart_csv

START = date(2025, 7, 1)


def daily_chart(tmp_path: Path) -> Path:
    """US charts for 14 days; France appears on day 8. Old Hit is #1 then #2; New Wave enters at #1 in
    the US on day 8 and #2 in France."""
    lines = ["date,country,rank,title"]
    for i in range(14):
        day = START + timedelta(days=i)
        if i < 7:
            lines += [f"{day},US,1,Old Hit", f"{day},US,2,Steady"]
        else:
            lines += [f"{day},US,1,New Wave", f"{day},US,2,Old Hit", f"{day},US,3,Steady",
                      f"{day},FR,1,Old Hit", f"{day},FR,2,New Wave"]
    path = tmp_path / "daily.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def catalog(tmp_path: Path, settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(schema_sql())
    parsed = read_chart_csv(daily_chart(tmp_path), platform="Max")
    replace_import(con, parsed.import_name, parsed.rows)
    place_chart_titles(con)
    compute_chart_tables(con, settings or load_settings())
    return con


def momentum_of(con: duckdb.DuckDBPyConnection, title: str) -> dict[str, object]:
    cur = con.execute("SELECT * FROM chart_momentum WHERE raw_title = ?", [title])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone()))


def test_momentum_keeps_the_country_set_fixed(tmp_path: Path) -> None:
    con = catalog(tmp_path)
    old = momentum_of(con, "Old Hit")
    # France charts only this week: its points stay out of the comparison, so Old Hit (9 a day in the US
    # against 10) falls, though with France it has more points than the week before.
    assert old["fixed_countries"] == 1 and old["charts_this"] == 2
    assert (old["points_this"], old["points_last"], old["points_this_all"]) == (63, 70, 133)
    assert old["momentum"] == pytest.approx(__import__("math").log((63 + 5) / (70 + 5)))
    assert not old["breakout"]
    new = momentum_of(con, "New Wave")
    assert (new["points_this"], new["points_last"]) == (70, 0)
    assert new["momentum"] == pytest.approx(__import__("math").log(75 / 5))
    assert new["breakout"] and new["is_new"]
    assert (new["countries_this"], new["number_one_this"], new["best_rank_this"]) == (2, 1, 1)
    assert new["weeks_on_chart"] == 2  # days 8-14 span two Monday–Sunday weeks


def test_breakout_thresholds_are_settings(tmp_path: Path) -> None:
    strict = load_settings(chart_breakout_min_momentum=3.0)
    assert not momentum_of(catalog(tmp_path, strict), "New Wave")["breakout"]
    wide = load_settings(chart_breakout_min_countries=3)
    assert not momentum_of(catalog(tmp_path, wide), "New Wave")["breakout"]


def test_reason_reads_like_a_person_would_say_it(tmp_path: Path) -> None:
    r = momentum_of(catalog(tmp_path), "New Wave")
    text = breakout_reason(r, "chart CSV, 2025-07-14")
    # new: its rank and all its points (US and France), nothing compared with a week it was not in
    assert text == ("#1 in 1 of 2 countries on Max, new entry: 133 chart points in its first week in the top 10, "
                    "to 2025-07-14 — chart CSV, 2025-07-14")


def test_positions_climbers_fallers_new_entries(tmp_path: Path) -> None:
    con = catalog(tmp_path)
    rows = con.execute(
        f"""SELECT replace(item, 'csv:', ''), rank, prev_rank, rank_change, is_new, cum_days, peak_so_far
           FROM {positions_sql(con, "TRUE")} p WHERE country = 'US' AND period_start = '2025-07-08' ORDER BY rank"""
    ).fetchall()
    assert rows == [("new-wave", 1, None, None, True, 1, 1), ("old-hit", 2, 1, -1, False, 8, 1),
                    ("steady", 3, 2, -1, False, 8, 2)]
    # France appears mid-period: its first day is everyone's first day there, nobody "climbed"
    fr = con.execute(f"SELECT bool_and(is_new), count(prev_rank) FROM {positions_sql(con, 'TRUE')} p "
                     "WHERE country = 'FR' "
                     "AND period_start = '2025-07-08'").fetchone()
    assert fr == (True, 0)


def test_stats_weeks_days_and_peak(tmp_path: Path) -> None:
    con = catalog(tmp_path)
    stats = con.execute(
        """SELECT weeks_in_top10, days_in_top10, peak_rank, peak_first, points FROM chart_stats
           WHERE country = 'US' AND raw_title = 'Old Hit'"""
    ).fetchone()
    # 2025-07-01 is a Tuesday: days 1-14 touch three Monday–Sunday weeks
    assert stats == (3, 14, 1, START, 7 * 10 + 7 * 9)


def test_totals_per_day_week_month_and_fixed_world(tmp_path: Path) -> None:
    con = catalog(tmp_path)
    be = backend(con)
    rows = chart_rows(be.table("chart_entry"))
    by_month = points_totals(rows, "month", ["platform"]).to_pyarrow().to_pylist()
    old = [r for r in by_month if r["title_key"] == "raw:old hit"]
    assert len(old) == 1 and old[0]["points"] == 70 + 63 + 70
    by_day = points_totals(rows, "day", ["platform", "country"]).to_pyarrow().to_pylist()
    assert len([r for r in by_day if r["title_key"] == "raw:old hit"]) == 21
    fixed = fixed_countries(rows, [(START, START + timedelta(days=6)), (START + timedelta(days=7),
                                                                        START + timedelta(days=13))])
    assert fixed.to_pyarrow().to_pylist() == [{"platform": "Max", "country": "US"}]
    weekly = world_totals(rows, "week", fixed).to_pyarrow().to_pylist()
    assert sum(r["points"] for r in weekly if r["title_key"] == "raw:old hit") == 70 + 63


def test_unplaced_rows_are_kept(tmp_path: Path) -> None:
    con = catalog(tmp_path)
    assert con.execute("SELECT count(*) FROM chart_entry WHERE title_id IS NULL").fetchone()[0] == 14 * 2 + 7 * 3
