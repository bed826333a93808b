"""Picks: acclaimed titles under the radar (``radar``) or simply the most acclaimed (``top``),
filtered and explained. Reads the scores a build derived; computes nothing heavy per call."""

from __future__ import annotations

from typing import Literal

import duckdb

from reelradar.analytics.explain import Labels, context_reasons, evidence_parts, reason_line, score_parts
from reelradar.analytics.filters import Filters
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Pick

Mode = Literal["radar", "top"]
MODES: tuple[str, ...] = ("radar", "top", "hot")  # hot: chart breakouts (analytics/chart_views.py)
def picks(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    mode: str = "radar",
    filters: Filters | None = None,
    limit: int | None = None,
) -> list[Pick]:
    """The best picks for ``mode`` after ``filters``, each with its reason and the parts behind it."""
    if mode not in MODES:
        raise BadInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    filters = filters or Filters()
    filters.check()
    limit = limit or settings.picks_limit
    if limit < 1:
        raise BadInput("--limit must be at least 1")
    where, params = filters.sql()
    if mode == "hot":
        from reelradar.analytics.chart_views import hot_picks

        return hot_picks(con, where, params, limit)
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
            FROM pick_base t WHERE {where} ORDER BY {order} LIMIT ?""",
        [*params, limit],
    ).fetchall()
    return explain_rows(con, rows, radar=mode == "radar")


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
