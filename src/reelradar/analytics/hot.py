"""What is breaking out now (``reelradar picks --mode hot``): the breakouts ``chart_momentum`` holds
(analytics/charts.py), kept to the freshest chart data loaded, dated, and explained in words.

- Now: a breakout counts only when its chart's latest window overlaps the newest window of chart data
  loaded, that is its latest day is less than ``chart_window_days`` before the newest chart day of any
  chart. The rule spans all platforms, not each platform apart: a viewer reads "breaking out" as now,
  whatever the service, and a per-platform rule would show a Prime Video chart that stopped a year ago
  beside this week's Netflix as if both were current. One window of slack keeps charts published a few
  days apart (a weekly file after a daily one) together.
- Left out: the breakouts of charts that stopped earlier are counted, per platform, level and end
  date, so the answer says what it did not show and why.
- As of: every answer names the newest chart day it stands on and, when that day is more than
  ``chart_stale_days`` before today, how long ago it was. ``today`` is always the caller's: the doors
  read the clock, so tests can set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from reelradar.analytics.chart_views import has_chart_tables
from reelradar.model import Pick

# The newest chart day loaded, across every platform and level (chart_period holds each chart's periods).
NEWEST = "(SELECT max(period_end) FROM chart_period)"
# A chart_momentum row (alias m) is current when its chart's latest day falls in the newest window.
FRESH = f"m.as_of + m.window_days > {NEWEST}"


@dataclass
class LeftOut:
    """Breakouts not shown because their charts end before the newest window of chart data."""

    platform: str
    level: str  # world or countries
    ends: date  # the last day of those charts
    breakouts: int  # titles breaking out there (after the same filters as the list)

    def text(self) -> str:
        where = "worldwide" if self.level == "world" else "per country"
        count = "1 breakout" if self.breakouts == 1 else f"{self.breakouts} breakouts"
        return f"{count} of charts that end {self.ends} ({self.platform}, {where})"


@dataclass
class HotPicks:
    """The hot list with the date it stands on: ``as_of`` is the newest chart day loaded (None: no chart
    data), ``age_days`` its distance from ``today``, ``stale`` when that exceeds ``stale_after_days``."""

    items: list[Pick]
    as_of: date | None
    today: date
    age_days: int | None
    stale: bool
    stale_after_days: int
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def age(self) -> str | None:
        """'4 months ago' when the chart data is old, else None."""
        return age_words(self.age_days) if self.stale and self.age_days is not None else None

    def as_of_text(self) -> str:
        """'as of 2026-07-19', with ', 4 months ago' when the chart data is old."""
        if self.as_of is None:
            return "no chart data loaded"
        return f"as of {self.as_of}" + (f", {self.age}" if self.age else "")

    def left_out_text(self) -> str | None:
        """One line: what was left out and the newest chart day it was measured against."""
        if not self.left_out:
            return None
        return f"left out: {', '.join(x.text() for x in self.left_out)}; newest chart data: {self.as_of}"

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "today": self.today, "age_days": self.age_days, "stale": self.stale,
                "stale_after_days": self.stale_after_days, "as_of_text": self.as_of_text(),
                "left_out": [{**vars(x), "text": x.text()} for x in self.left_out],
                "left_out_text": self.left_out_text(), "items": [p.to_dict() for p in self.items]}


def age_words(days: int) -> str:
    """A distance in days as people say it: '3 days ago', '5 weeks ago', '4 months ago', '2 years ago'."""
    if days < 0:
        return f"{-days} days after today"
    if days <= 1:
        return "today" if days == 0 else "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 365:
        return f"{round(days / 30.44)} months ago"
    years = days // 365
    return "1 year ago" if years == 1 else f"{years} years ago"


def newest_chart_day(con: duckdb.DuckDBPyConnection) -> date | None:
    if not has_chart_tables(con):
        return None
    row = con.execute(f"SELECT {NEWEST}").fetchone()
    return None if row is None else row[0]


def dated(con: duckdb.DuckDBPyConnection, items: list[Pick], left_out: list[LeftOut], *, today: date,
          stale_days: int) -> HotPicks:
    """``items`` with the chart day they stand on and how old it is on ``today``."""
    as_of = newest_chart_day(con)
    age = None if as_of is None else (today - as_of).days
    return HotPicks(items, as_of, today, age, age is not None and age > stale_days, stale_days, left_out)


def hot_rows(con: duckdb.DuckDBPyConnection, where: str, params: list[object], limit: int) -> list[dict[str, Any]]:
    """Current breakouts (one per title: its strongest platform and level), strongest first, after
    ``where`` over title alias ``t``."""
    if not has_chart_tables(con):
        return []
    rows = con.execute(
        f"""SELECT m.*, t.title, t.kind, t.year, s.acclaim,
                   coalesce(s.awareness, (SELECT max(a.percentile) FROM awareness_part a WHERE a.title_id = t.id))
                     AS awareness, s.evidence
            FROM (SELECT * FROM chart_momentum m WHERE breakout AND title_id IS NOT NULL AND {FRESH}
                  QUALIFY row_number() OVER (PARTITION BY title_id ORDER BY momentum DESC, points_this DESC) = 1) m
            JOIN title t ON t.id = m.title_id LEFT JOIN title_score s ON s.title_id = t.id
            WHERE {where} ORDER BY m.momentum DESC, m.points_this DESC, t.id LIMIT ?""",
        [*params, limit],
    ).fetchall()
    names = [d[0] for d in con.description]
    return [dict(zip(names, values)) for values in rows]


def left_out(con: duckdb.DuckDBPyConnection, where: str, params: list[object]) -> list[LeftOut]:
    """The breakouts ``hot_rows`` leaves out because their charts stopped before the newest window,
    counted per platform, level and end date, after the same ``where``; latest first."""
    if not has_chart_tables(con):
        return []
    rows = con.execute(
        f"""SELECT m.platform, m.level, m.as_of, count(DISTINCT m.title_id)::INT
            FROM chart_momentum m JOIN title t ON t.id = m.title_id
            WHERE m.breakout AND NOT ({FRESH}) AND {where}
            GROUP BY ALL ORDER BY m.as_of DESC, m.platform, m.level""",
        params,
    ).fetchall()
    return [LeftOut(*r) for r in rows]


def nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _points(n: int) -> str:
    return "1 chart point" if n == 1 else f"{n} chart points"


def _where(r: dict[str, Any]) -> str:
    """'#1 worldwide on Netflix', '#1 in 4 of 5 countries on Netflix', '#3 at best on Netflix, …'."""
    best, platform = int(r["best_rank_this"]), r["platform"]
    if r["level"] == "world":
        return f"#{best} worldwide on {platform}"
    if best == 1:
        return f"#1 in {r['number_one_this']} of {r['charts_this']} countries on {platform}"
    return f"#{best} at best on {platform}, charting in {r['countries_this']} of {r['charts_this']} countries"


def breakout_reason(r: dict[str, Any], source_text: str, *, plain: bool = False) -> str:
    """Why a title is breaking out, in words a viewer reads once (a ``chart_momentum`` row).

    A new entry has nothing before it to compare with, so it is said to be new, with its rank and its
    points; a climber (or a title back in the top 10) compares this window with the last, over the same
    countries in both (a world chart is one chart: no country count). Points are counted over the
    countries charted in both windows, ranks over all, so a title that charted the window before only
    in other countries is said to have done so, never "up from #9" beside "none before". Momentum closes
    the numbers, unless ``plain`` (the one-line reason; the full sentence stays in the breakdown)."""
    w, as_of = int(r["window_days"]), r["as_of"]
    span, spans = ("week", "weeks") if w == 7 else (f"{w} days", f"{w}-day windows")
    last = r["best_rank_last"]
    if last is None and r["is_new"]:
        days = (as_of - r["first_seen"]).days + 1
        first = f"its first {span}" if days >= w else ("its first day" if days <= 1 else f"its first {days} days")
        return (f"{_where(r)}, new entry: {_points(int(r['points_this_all']))} in {first} in the top 10, "
                f"to {as_of} — {source_text}")
    best = int(r["best_rank_this"])
    if last is None:
        move = "back in the top 10"
    else:
        move = (f"up from #{last}" if best < int(last) else f"down from #{last}" if best > int(last)
                else f"holding #{best}")
    weeks = int(r["weeks_on_chart"])
    n = int(r["fixed_countries"])
    countries = "country" if n == 1 else f"{n} countries"
    if r["level"] == "world":
        before = f"against {_none_or(int(r['points_last']))} in the {span} before"
    elif int(r["points_last"]) == 0 and last is not None:
        before = (f"against none in the {span} before in the same {countries} (it charted then only "
                  f"elsewhere, #{last} at best)")
    else:
        before = f"against {_none_or(int(r['points_last']))} in the {span} before, over the same {countries} in both {spans}"
    momentum = "" if plain else f" (momentum {float(r['momentum']):+.2f})"
    return (f"{_where(r)}, {move}; {nth(weeks)} week on the chart · {_points(int(r['points_this']))} in the "
            f"{span} to {as_of} {before}{momentum} — {source_text}")


def _none_or(points: int) -> str:
    return "none" if points == 0 else str(points)
