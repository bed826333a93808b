"""Picks: acclaimed titles under the radar (``radar``), simply the most acclaimed (``top``), or breaking
out in the charts now (``hot``, analytics/hot.py), filtered and explained. Reads the scores and chart
tables a build derived; computes nothing heavy per call."""

from __future__ import annotations

from datetime import date
from typing import Literal

import duckdb

from reelradar.analytics.explain import Labels, context_reasons, evidence_parts, reason_line, score_parts
from reelradar.analytics.filters import Filters
from reelradar.analytics.hot import HotPicks, breakout_reason, dated, hot_rows, left_out
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Pick, Reason

Mode = Literal["radar", "top"]
MODES: tuple[str, ...] = ("radar", "top", "hot")  # hot: chart breakouts (analytics/hot.py)


def picks(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    mode: str = "radar",
    filters: Filters | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Pick]:
    """The best picks for ``mode`` after ``filters``, each with its reason and the parts behind it;
    ``offset`` skips the first ones without explaining them (a page deep in the list costs one page)."""
    if mode not in MODES:
        raise BadInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    filters, limit = _checked(settings, filters, limit)
    where, params = filters.sql()
    if mode == "hot":
        return _hot_list(con, where, params, limit, offset)
    if filters.kind is None:  # episodes and seasons are picked only when asked for
        where += " AND t.kind NOT IN ('episode', 'season')"
    # pick_base holds each scored title with the title columns filters read (analytics/scores.py), so a
    # pick never joins the whole title table (12M rows on a full IMDb catalog)
    if mode == "radar":
        where += " AND t.acclaim >= ? AND t.awareness <= ? AND t.evidence >= ?"
        params += [settings.radar_min_acclaim, settings.radar_max_awareness, settings.radar_min_evidence]
        order = "t.acclaim DESC, t.awareness ASC, t.id"
    else:
        where += " AND t.acclaim IS NOT NULL"
        order = "t.acclaim DESC, t.evidence DESC, t.id"
    rows = con.execute(
        f"""SELECT t.id, t.title, t.kind, t.year, t.acclaim, t.awareness, t.evidence
            FROM pick_base t WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?""",
        [*params, limit, max(offset, 0)],
    ).fetchall()
    return explain_rows(con, rows, radar=mode == "radar")


def hot_picks(con: duckdb.DuckDBPyConnection, settings: Settings, *, today: date, filters: Filters | None = None,
              limit: int | None = None) -> HotPicks:
    """``picks --mode hot`` whole: the breakouts of the freshest chart data, the chart day they stand on
    and how old it is on ``today`` (the caller's clock), and what was left out (charts that stopped
    earlier), counted after the same filters."""
    filters, limit = _checked(settings, filters, limit)
    where, params = filters.sql()
    return dated(con, _hot_list(con, where, params, limit), left_out(con, where, params), today=today,
                 stale_days=settings.chart_stale_days)


def _checked(settings: Settings, filters: Filters | None, limit: int | None) -> tuple[Filters, int]:
    filters = filters or Filters()
    filters.check()
    limit = limit or settings.picks_limit
    if limit < 1:
        raise BadInput("--limit must be at least 1")
    return filters, limit


def _hot_list(con: duckdb.DuckDBPyConnection, where: str, params: list[object], limit: int,
              offset: int = 0) -> list[Pick]:
    """Current breakouts, each explained first by its chart numbers, then by its scores."""
    found = hot_rows(con, where, params, limit + max(offset, 0))[max(offset, 0):]
    out = explain_rows(
        con, [(r["title_id"], r["title"], r["kind"], r["year"], r["acclaim"], r["awareness"], r["evidence"])
              for r in found], radar=False)
    labels = Labels(con)
    for pick, r in zip(out, found):
        text = breakout_reason(r, labels.provenance(str(r["sources"]), None, r["as_of"]).text())
        pick.reasons.insert(0, Reason(text, "breakout"))
        pick.reason = text + (" · " + pick.reason if pick.reason else "")
    return out


def explain_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple], *, radar: bool) -> list[Pick]:
    """(id, title, kind, year, acclaim, awareness, evidence) rows to explained picks."""
    ids = [r[0] for r in rows]
    labels = Labels(con)
    scores = score_parts(con, ids, labels)
    aware = evidence_parts(con, ids, labels)
    context = context_reasons(con, ids, labels)
    out = []
    for id_, name, kind, year, acclaim, awareness, evidence in rows:
        s, a, c = scores.get(id_, []), aware.get(id_, []), context.get(id_, [])
        out.append(
            Pick(
                id=id_, title=name, kind=kind, year=year, acclaim=acclaim, awareness=awareness,
                evidence=int(evidence or 0), reason=reason_line(s, a, awareness, radar, c), scores=s, awareness_parts=a,
                reasons=c,
            )
        )
    return out


def explain_title(con: duckdb.DuckDBPyConnection, title_id: str) -> Pick | None:
    """The score breakdown of one title (None when no source scored it)."""
    rows = con.execute(
        """SELECT t.id, t.title, t.kind, t.year, s.acclaim, s.awareness, s.evidence
           FROM title t JOIN title_score s ON s.title_id = t.id WHERE t.id = ?""",
        [title_id],
    ).fetchall()
    return explain_rows(con, rows, radar=False)[0] if rows else None
