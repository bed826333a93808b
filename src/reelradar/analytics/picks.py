"""Picks: acclaimed titles under the radar (``radar``), simply the most acclaimed (``top``), or breaking
out in the charts now (``hot``, analytics/hot.py), filtered and explained. Reads the scores and chart
tables a build derived; computes nothing heavy per call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

import duckdb

from reelradar.analytics.availability import ServiceCheck, availability_of, service_check
from reelradar.analytics.explain import Labels, context_reasons, evidence_parts, plain_reason, score_parts
from reelradar.analytics.filters import Filters
from reelradar.analytics.hot import HotPicks, breakout_reason, dated, hot_rows, left_out
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Availability, Pick, Reason

Mode = Literal["radar", "top"]
MODES: tuple[str, ...] = ("radar", "top", "hot")  # hot: chart breakouts (analytics/hot.py)
ALL = 1_000_000  # "every breakout": the current ones number in the thousands at most
# How a list may be ordered, in words for the pages and the CLI: "best" is each mode's own order (radar:
# acclaim, then the least known; top: acclaim, then the most evidence; hot: momentum).
SORTS: dict[str, str] = {"best": "best first", "least-known": "least known first", "newest": "newest first",
                         "title": "by title"}
_PUNCTUATION = "\"'.…¡¿!?-([ "  # what a title may start with that sorting by title passes over
_SQL_SORTS = {"least-known": "t.awareness ASC NULLS LAST, t.acclaim DESC, t.id",
              "newest": "t.year DESC NULLS LAST, t.acclaim DESC, t.id", "title": "regexp_replace(lower(t.title), '^[^[:alnum:]]+', ''), t.year, t.id"}


@dataclass
class PickList:
    """A page of picks for a person: the titles (known on their services first, then those of unknown
    availability, each marked), how the services filter narrowed the list (None: no services set), how
    many titles of the person's own history were left out, and in hot mode the chart day it stands on."""

    mode: str
    items: list[Pick]
    services: ServiceCheck | None = None
    seen_left_out: int = 0
    hot: HotPicks | None = None
    total: int = 0  # titles in the whole list (every page), after the filters
    offset: int = 0
    sort: str = "best"

    def notes(self) -> list[str]:
        """What narrowed the list, in words (shown above it)."""
        out = [self.services.text()] if self.services else []
        if self.seen_left_out:
            n = self.seen_left_out
            out.append(f"{n} title{'s' if n != 1 else ''} you have seen, rated or dismissed left out")
        return out

    def to_dict(self) -> dict[str, Any]:
        body = self.hot.to_dict() if self.hot else {"items": [p.to_dict() for p in self.items]}
        return {"mode": self.mode, **body, "services": self.services.to_dict() if self.services else None,
                "seen_left_out": self.seen_left_out, "notes": self.notes(), "total": self.total,
                "offset": self.offset, "sort": self.sort}


def picks(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    mode: str = "radar",
    filters: Filters | None = None,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "best",
) -> list[Pick]:
    """The best picks for ``mode`` after ``filters``, each with its reason and the parts behind it;
    ``offset`` skips the first ones without explaining them (a page deep in the list costs one page).
    With services set, titles known on them come first, then those of unknown availability; each
    carries its ``availability``."""
    filters, limit = _checked(con, settings, mode, filters, limit, sort)
    if mode == "hot":
        return _hot(con, filters, limit, offset, sort)[0]
    return _ranked(con, settings, mode, filters, limit, offset, sort)


def pick_list(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    mode: str = "radar",
    filters: Filters | None = None,
    limit: int | None = None,
    offset: int = 0,
    today: date | None = None,
    history: dict[str, str] | None = None,
    sort: str = "best",
) -> PickList:
    """``reelradar picks`` and the home page's lists whole: the picks (as ``picks``), how the services
    filter narrowed them, the titles of the person's history left out (``filters.exclude``) and the marks
    of those kept (``history``: title id → "on your watchlist"); in hot mode dated on ``today``; ``total``
    counts the whole list, so a page says "25–48 of 633"."""
    filters, limit = _checked(con, settings, mode, filters, limit, sort)
    out = PickList(mode, [], offset=max(offset, 0), sort=sort)
    if mode == "hot":
        out.items, out.services, out.total = _hot(con, filters, limit, offset, sort)
        where, params = filters.sql()
        out.hot = dated(con, out.items, left_out(con, where, params), today=today or date.today(),
                        stale_days=settings.chart_stale_days)
        if filters.exclude:
            seen = set(filters.exclude)
            where, params = replace(filters, exclude=[]).sql()
            out.seen_left_out = sum(1 for r in hot_rows(con, where, params, ALL) if r["title_id"] in seen)
    else:
        out.items = _ranked(con, settings, mode, filters, limit, offset, sort)
        where, params = _where(settings, mode, filters, services=False)
        out.services = service_check(con, filters, "pick_base t", where, params)
        out.total = (out.services.checked - out.services.elsewhere if out.services else
                     con.execute(f"SELECT count(*)::INT FROM pick_base t WHERE {where}", params).fetchall()[0][0])
        if filters.exclude:
            where, params = _where(settings, mode, replace(filters, exclude=[]))
            out.seen_left_out = con.execute(f"SELECT count(*)::INT FROM pick_base t WHERE {where} AND list_contains(?, t.id)",
                                            [*params, list(filters.exclude)]).fetchall()[0][0]
    if out.services:
        out.services.count_shown([p.availability for p in out.items])
    for p in out.items:
        p.history = (history or {}).get(p.id)
    return out


def hot_picks(con: duckdb.DuckDBPyConnection, settings: Settings, *, today: date, filters: Filters | None = None,
              limit: int | None = None, sort: str = "best") -> HotPicks:
    """``picks --mode hot`` whole: the breakouts of the freshest chart data, the chart day they stand on
    and how old it is on ``today`` (the caller's clock), and what was left out (charts that stopped
    earlier), counted after the same filters."""
    hot = pick_list(con, settings, mode="hot", filters=filters, limit=limit, today=today, sort=sort).hot
    assert hot is not None
    return hot


def _checked(con: duckdb.DuckDBPyConnection, settings: Settings, mode: str, filters: Filters | None,
             limit: int | None, sort: str = "best") -> tuple[Filters, int]:
    if mode not in MODES:
        raise BadInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    if sort not in SORTS:
        raise BadInput(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    filters = filters or Filters()
    filters.check_in(con)
    limit = settings.picks_limit if limit is None else limit
    if limit < 1:
        raise BadInput(f"--limit must be at least 1, not {limit} (without --limit: {settings.picks_limit})")
    return filters, limit


def _where(settings: Settings, mode: str, filters: Filters, *, services: bool = True) -> tuple[str, list[object]]:
    """The WHERE clause of a radar or top list over pick_base ``t``."""
    where, params = filters.sql(services=services)
    if filters.kind is None:  # episodes and seasons are picked only when asked for
        where += " AND t.kind NOT IN ('episode', 'season')"
    if mode == "radar":
        where += " AND t.acclaim >= ? AND t.awareness <= ? AND t.evidence >= ?"
        params += [settings.radar_min_acclaim, settings.radar_max_awareness, settings.radar_min_evidence]
    else:
        where += " AND t.acclaim IS NOT NULL"
    return where, params


def _ranked(con: duckdb.DuckDBPyConnection, settings: Settings, mode: str, filters: Filters, limit: int,
            offset: int, sort: str = "best") -> list[Pick]:
    """A radar or top page: with services, the titles known on them first (each group in score order)."""
    # pick_base holds each scored title with the title columns filters read (analytics/scores.py), so a
    # pick never joins the whole title table (12M rows on a full IMDb catalog)
    where, params = _where(settings, mode, filters, services=False)
    order = _SQL_SORTS.get(sort) or (
        "t.acclaim DESC, t.awareness ASC, t.id" if mode == "radar" else "t.acclaim DESC, t.evidence DESC, t.id")
    status, more = filters.availability_sql("t")
    rows = con.execute(
        f"""SELECT t.id, t.title, t.kind, t.year, t.acclaim, t.awareness, t.evidence
            FROM (SELECT *, {status} AS availability FROM pick_base t WHERE {where}) t
            WHERE t.availability IS DISTINCT FROM 'elsewhere'
            ORDER BY t.availability IS NOT DISTINCT FROM 'yours' DESC, {order} LIMIT ? OFFSET ?""",
        [*more, *params, limit, max(offset, 0)],
    ).fetchall()
    out = explain_rows(con, rows, radar=mode == "radar")
    _mark(out, availability_of(con, [p.id for p in out], filters))
    return out


def _hot(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int, offset: int = 0,
         sort: str = "best") -> tuple[list[Pick], ServiceCheck | None, int]:
    """Current breakouts (with services: known on them first), each explained first by its chart numbers,
    then by its scores; how the services narrowed them; and how many there are in all."""
    where, params = filters.sql(services=False)
    found = hot_rows(con, where, params, ALL)
    if sort != "best":  # stable: momentum order within ties
        found.sort(key={"least-known": lambda r: (r["awareness"] is None, r["awareness"] or 0),
                        "newest": lambda r: -(r["year"] or -10_000),
                        "title": lambda r: (str(r["title"]).lower().lstrip(_PUNCTUATION), r["year"] or 0)}[sort])
    marks = availability_of(con, [r["title_id"] for r in found], filters)
    check = None
    if filters.services:
        statuses = [marks[r["title_id"]].status for r in found]
        check = ServiceCheck(list(filters.services), filters.country, len(found), statuses.count("yours"),
                             statuses.count("elsewhere"), statuses.count("unknown"))
        found = [r for r in found if marks[r["title_id"]].status != "elsewhere"]
        found.sort(key=lambda r: marks[r["title_id"]].status != "yours")  # stable: momentum order within
    total = len(found)
    found = found[max(offset, 0):max(offset, 0) + limit]
    out = explain_rows(
        con, [(r["title_id"], r["title"], r["kind"], r["year"], r["acclaim"], r["awareness"], r["evidence"])
              for r in found], radar=False)
    labels = Labels(con)
    for pick, r in zip(out, found):
        source = labels.provenance(str(r["sources"]), None, r["as_of"]).text()
        pick.reasons.insert(0, Reason(breakout_reason(r, source), "breakout"))
        pick.reason = breakout_reason(r, source, plain=True) + (" · " + pick.reason if pick.reason else "")
    _mark(out, marks)
    return out, check, total


def _mark(items: list[Pick], marks: dict[str, Availability]) -> None:
    for p in items:
        p.availability = marks.get(p.id)


def explain_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple], *, radar: bool) -> list[Pick]:
    """(id, title, kind, year, acclaim, awareness, evidence) rows to explained picks: ``reason`` in plain
    words, the breakdown in ``scores``, ``awareness_parts`` and ``reasons`` (``reason_line`` joins it)."""
    ids = [r[0] for r in rows]
    labels = Labels(con)
    scores = score_parts(con, ids, labels)
    aware = evidence_parts(con, ids, labels)
    context = context_reasons(con, ids, labels)
    genres = _genres(con, ids)
    out = []
    for id_, name, kind, year, acclaim, awareness, evidence in rows:
        s, a, c = scores.get(id_, []), aware.get(id_, []), context.get(id_, [])
        out.append(
            Pick(
                id=id_, title=name, kind=kind, year=year, acclaim=acclaim, awareness=awareness,
                evidence=int(evidence or 0), reason=plain_reason(s, a, awareness, radar, c), scores=s, awareness_parts=a,
                reasons=c, genres=list(genres.get(id_) or []),
            )
        )
    return out


def _genres(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[str]]:
    """Genres of titles: from pick_base (small) for scored ones, from the title table for the rest."""
    if not ids:
        return {}
    sql = "SELECT id, genres FROM {} WHERE id IN (SELECT unnest(?))"
    found = dict(con.execute(sql.format("pick_base"), [ids]).fetchall())
    rest = [i for i in ids if i not in found]
    if rest:
        found.update(con.execute(sql.format("title"), [rest]).fetchall())
    return found


def explain_title(con: duckdb.DuckDBPyConnection, title_id: str) -> Pick | None:
    """The score breakdown of one title (None when no source scored it)."""
    rows = con.execute(
        """SELECT t.id, t.title, t.kind, t.year, s.acclaim, s.awareness, s.evidence
           FROM title t JOIN title_score s ON s.title_id = t.id WHERE t.id = ?""",
        [title_id],
    ).fetchall()
    return explain_rows(con, rows, radar=False)[0] if rows else None
