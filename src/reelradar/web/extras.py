"""The parts of the pages that come from other parts of reelradar: charts, recommendations, where to
watch, universes, the user store and imports. Each function calls one library function and turns its
answer into what a template shows; a part that cannot answer for this catalog says why."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
from fastapi import Request
from markupsafe import Markup

from reelradar.analytics.availability import profile_filters
from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import PickList, pick_list
from reelradar.config import Settings
from reelradar.errors import NotFound, ReelradarError
from reelradar.model import Availability, Credit, Interaction, Pick, Profile, TitleCard
from reelradar.users.kinds import EXPORT_KINDS
from reelradar.vocab import MATCH_WORDS
from reelradar.web.render import where_words
from reelradar.web.svg import GraphEdge, GraphNode, PlotLine, lines_from_entries, rank_plot, universe_graph

log = logging.getLogger("reelradar.web")

IMPORT_KINDS = {kind: k.label for kind, k in EXPORT_KINDS.items()}


@dataclass
class Card:
    """One title in a list: its name, badges (numbers) and the reasons it is there."""

    id: str
    title: str
    year: int | None
    kind: str
    badges: list[str]
    reason: str
    availability: Availability | None = None  # on the person's services, or unknown (lists narrowed by services)
    history: str | None = None  # what the person did with it ("on your watchlist", "seen, rated 5★")
    details: list[str] = field(default_factory=list)  # the numbers behind ``reason``, each with source and date
    genres: list[str] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    blurb: str
    cards: list[Card] = field(default_factory=list)
    unavailable: str | None = None  # why this list cannot be shown
    empty: str = "Nothing matches these filters."
    lazy: str | None = None  # the URL of this list when the page loads it after itself (slow to compute)
    note: str | None = None
    mode: str | None = None  # the picks mode of a list with a page of its own (/list/MODE)
    total: int = 0  # titles in the whole list; the cards are its first ones (or one page of it)
    offset: int = 0


@dataclass
class Listing:
    """A list a page shows, or why it cannot (``unavailable``)."""

    rows: list[Any] = field(default_factory=list)
    unavailable: str | None = None
    note: str | None = None


def _badges(acclaim: float | None, awareness: float | None) -> list[str]:
    return [f"acclaim {acclaim * 100:.0f}" if acclaim is not None else "acclaim unknown",
            f"awareness {awareness * 100:.0f}" if awareness is not None else "awareness unknown"]


def pick_card(p: Pick) -> Card:
    """A pick as a card: its plain reason, and behind it every score, count and chart or franchise fact
    with its source and date (what ``reelradar why`` prints)."""
    details = [s.text for s in p.scores] + [e.text for e in p.awareness_parts]
    details += [r.text for r in p.reasons if r.kind != "availability"]
    return Card(p.id, p.title, p.year, p.kind, _badges(p.acclaim, p.awareness), p.reason, p.availability,
                p.history, details, p.genres)


def _notes(found: PickList) -> str | None:
    """What narrowed a list (services, the person's history), as the CLI says it."""
    return " ".join(n[0].upper() + n[1:] + "." for n in found.notes()) or None


HOME_CARDS, PAGE_CARDS = 12, 24  # cards per list on the home page, and per page of a list's own page


def _picks_section(con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters,
                   marks: dict[str, str] | None, section: Section, mode: str, *, limit: int = HOME_CARDS,
                   offset: int = 0, sort: str = "best") -> Section:
    found = pick_list(con, settings, mode=mode, filters=filters, limit=limit, offset=offset, history=marks,
                      sort=sort)
    section.cards, section.note = [pick_card(p) for p in found.items], _notes(found)
    section.mode, section.total, section.offset = mode, found.total, found.offset
    return section


def full_list(con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters, mode: str, *, page: int,
              sort: str, today: date, marks: dict[str, str] | None = None) -> Section:
    """One page (``PAGE_CARDS`` cards) of a home list on its own page: radar, top or breaking out, in
    the order asked for, with the number of titles in the whole list."""
    offset = (page - 1) * PAGE_CARDS
    if mode == "hot":
        section = breaking_out(con, settings, filters, today, marks, limit=PAGE_CARDS, offset=offset, sort=sort)
    else:
        make = under_the_radar if mode == "radar" else most_acclaimed
        section = make(con, settings, filters, marks, limit=PAGE_CARDS, offset=offset, sort=sort)
    return section


def under_the_radar(con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters,
                    marks: dict[str, str] | None = None, **page: Any) -> Section:
    return _picks_section(con, settings, filters, marks, Section(
        "radar", "Under the radar", "Acclaimed by critics and audiences, yet few people know them."), "radar",
        **page)


def most_acclaimed(con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters,
                   marks: dict[str, str] | None = None, **page: Any) -> Section:
    # Acclaim is a percentile within the title's cohort (kind and decade), so the best of many cohorts tie
    # at 100: the order among ties is said, and the list's own page sorts otherwise.
    return _picks_section(con, settings, filters, marks, Section(
        "top", "Most acclaimed", "The best scored, known or not; titles of equal acclaim are ordered by how "
        "many reviews and votes stand behind them."), "top", **page)


def breaking_out(con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters, today: date,
                 marks: dict[str, str] | None = None, *, limit: int = HOME_CARDS, offset: int = 0,
                 sort: str = "best") -> Section:
    """``picks --mode hot``: titles surging in the newest streaming charts, dated; "right now" only when
    the chart data is recent (``chart_stale_days``), else how old it is."""
    section = Section("breaking", "Breaking out", "Surging in the streaming charts.",
                      empty="No title is breaking out in this catalog's charts with these filters "
                            "(a breakout needs two chart windows to compare: import a chart history).")
    try:
        found = pick_list(con, settings, mode="hot", filters=filters, limit=limit, offset=offset, today=today,
                          history=marks, sort=sort)
    except ReelradarError as exc:
        section.unavailable = exc.message
        return section
    hot = found.hot
    assert hot is not None
    section.cards = [pick_card(p) for p in hot.items]
    section.mode, section.total, section.offset = "hot", found.total, found.offset
    if hot.as_of is not None and hot.stale:
        section.title = f"Breaking out as of {hot.as_of} ({hot.age})"
        section.blurb = (f"What was surging in the streaming charts up to {hot.as_of}, the newest chart data this "
                         "catalog holds: newer charts would show what is surging now.")
    elif hot.as_of is not None:
        section.blurb = f"Surging in the streaming charts right now (chart data as of {hot.as_of})."
    left = hot.left_out_text()
    notes = [(left[0].upper() + left[1:] + ".") if left else None, _notes(found)]
    section.note = " ".join(n for n in notes if n) or None
    return section


def for_you_placeholder(request: Request, state: dict[str, Any]) -> Section:
    """The "for you" list of the home page, loaded after the page (recommending takes longer)."""
    from reelradar.web.urls import query_url

    section = Section("foryou", "For you", "From what you rated, watched, liked and put on your watchlist.")
    try:
        has_history = bool(_store(request).interactions())
    except ReelradarError as exc:
        section.unavailable = exc.message
        return section
    if not has_history:
        section.unavailable = "Rate, mark as seen or import your history (Profile) to get recommendations here."
    else:
        section.lazy = query_url("/for-you", state)
    return section


def for_you(request: Request, con: duckdb.DuckDBPyConnection, settings: Settings, filters: Filters) -> Section:
    """``reelradar recommend``: from the person's history (ratings, watched, watchlist, likes, dismissals)."""
    from reelradar.recommend.service import recommend_for

    section = Section("foryou", "For you", "From what you rated, watched, liked and put on your watchlist.",
                      empty="Nothing to recommend with these filters.")
    try:
        history = _store(request).interactions()
        found = recommend_for(con, settings, history, mode="for-you", filters=filters, limit=12)
    except ReelradarError as exc:
        section.unavailable = exc.message
        return section
    section.cards = [Card(r.id, r.title, r.year, r.kind, _badges(r.acclaim, r.awareness),
                          " · ".join(x.text for x in r.reasons if x.kind != "availability"), r.availability,
                          r.history) for r in found.items]
    services = found.services.text() if found.services else None
    section.note = " ".join([*found.notes, *([services[0].upper() + services[1:] + "."] if services else [])]) or None
    return section


@dataclass
class SimilarRow:
    id: str
    title: str
    year: int | None
    reasons: list[str]
    availability: Availability | None = None
    history: str | None = None


def similar(con: duckdb.DuckDBPyConnection, settings: Settings, card: TitleCard, profile: Profile,
            history: list[Interaction] | None = None) -> Listing:
    """``reelradar like``: titles most like this one, each with what it shares with it, on the profile's
    services as the CLI's ``like`` (unknown availability kept and marked), the person's own titles marked."""
    from reelradar.recommend.service import more_like

    if card.kind in ("season", "episode"):
        return Listing(unavailable="similar titles are found for whole series and films")
    try:
        found = more_like(con, settings, card.id, limit=8, filters=profile_filters(profile), interactions=history)
    except ReelradarError as exc:
        return Listing(unavailable=exc.message)
    if found.too_little:
        return Listing(unavailable=found.too_little[0].upper() + found.too_little[1:] + ".")
    notes = [n[0].upper() + n[1:] + "." for n in found.notes()]
    return Listing(rows=[SimilarRow(r.id, r.title, r.year, [x.text for x in r.reasons if x.kind != "availability"],
                                    r.availability, r.history) for r in found.items],
                   note=" ".join(notes) or None)


def where_to_watch(con: duckdb.DuckDBPyConnection, card: TitleCard, profile: Profile) -> Listing:
    """``reelradar where``: the offers in the profile's country (and those whose country no source
    stated), yours marked."""
    from reelradar.analytics.availability import where

    found = where(con, card.id, profile)
    note = None if profile.country else "Set your country in your profile to see only the offers where you are."
    if found.other_countries:
        note = (note + " " if note else "") + "Also offered in: " + ", ".join(found.other_countries) + "."
    if found.credits:
        note = (note + " " if note else "") + "Offer data: " + "; ".join(found.credits) + "."
    return Listing(rows=found.offers, note=note)


def universe(con: duckdb.DuckDBPyConnection, card: TitleCard) -> tuple[Markup, Any]:
    """``reelradar universe``: every title and source work reachable through relations, as a graph."""
    from reelradar.analytics.universe import KIND_WORDS
    from reelradar.analytics.universe import universe as universe_of

    u = universe_of(con, card.id, max_nodes=16)
    nodes = [GraphNode(n.id, n.label + (f" ({n.year})" if n.year else ""), n.node == "title", center=n.id == card.id)
             for n in [*u.titles(), *u.works()]]
    edges = [GraphEdge(e.src, e.dst, KIND_WORDS.get(e.kind, e.kind.replace("_", " ")) + (f" ({e.note})" if e.note else ""))
             for e in u.edges]
    return universe_graph(nodes, edges), u


def chart_plot(con: duckdb.DuckDBPyConnection, card: TitleCard) -> Markup:
    """The rank-and-points plot: every chart run of the title (with its seasons) from the chart tables,
    or the raw chart entries when the catalog has no chart tables."""
    from reelradar.analytics.chart_views import chart_history, has_chart_tables

    if has_chart_tables(con):
        history = chart_history(con, card.id)
        lines = [PlotLine(f"{ln.platform} {ln.category} ({where_words(ln.country)})"
                          + (f" · {ln.label}" if ln.label != card.title else ""),
                          [(d, r, p) for d, r, p in ln.points], ln.provenance) for ln in history.lines]
        if lines:
            return rank_plot(lines)
    return rank_plot(lines_from_entries(card.charts))


def charts(con: duckdb.DuckDBPyConnection, platform: str | None, country: str | None, week: str | None,
           category: str | None) -> Listing:
    """``reelradar charts``: each chart's ranking for a week (or its latest period), with movers. What the
    CLI tells to run is said here in the page's own words (the charts page links to all charts)."""
    from reelradar.analytics.chart_views import chart_view, has_chart_tables

    try:
        return Listing(rows=chart_view(con, platform=platform or None, country=country or None,
                                       category=category or None, week=week or None, limit=10))
    except NotFound:
        if not has_chart_tables(con) or not con.execute("SELECT 1 FROM chart_period LIMIT 1").fetchone():
            return Listing(unavailable="This catalog holds no chart data yet: charts come from the Netflix Top 10 "
                                       "or an imported chart file.")
        return Listing(note="No chart matches these filters.")
    except ReelradarError as exc:
        return Listing(note=exc.message)


def chart_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Platforms, countries and categories the chart tables hold, for the charts page's filters."""
    from reelradar.analytics.chart_views import has_chart_tables

    if not has_chart_tables(con):
        return {"platform": [], "country": [], "category": []}
    return {col: [r[0] for r in con.execute(
        f"SELECT DISTINCT {col} FROM chart_period WHERE {col} IS NOT NULL ORDER BY 1").fetchall()]
        for col in ("platform", "country", "category")}


def people(card: TitleCard, limit: int = 12) -> list[Credit]:
    return card.credits[:limit]


def _store(request: Request) -> Any:
    from reelradar.api.user_routes import user_store

    return user_store(request)


def store_error(request: Request) -> str | None:
    try:
        _store(request)
    except ReelradarError as exc:
        return exc.message
    return None


def title_state(request: Request, title_id: str) -> set[str]:
    """What the person already did with this title (watchlist, watched, dismissed, ...)."""
    try:
        return _store(request).actions_for(title_id)
    except ReelradarError:
        return set()


@dataclass
class RecordToCheck:
    """A record of the person's history that no title counts yet, as the profile page offers to fix it."""

    id: int
    said: str  # the name and year the export gave
    source: str  # imdb, letterboxd, trakt...
    verdict: str  # in words (MATCH_WORDS)
    reason: str
    candidate_id: str | None = None  # a possible match's title, to confirm
    candidate: str | None = None


def records_to_check(request: Request, limit: int = 30) -> tuple[list[RecordToCheck], int]:
    """Possible matches to confirm and records matched to no title, for the profile page (none when the
    user store cannot be opened: the page says so apart)."""
    try:
        views, total = _store(request).to_check(limit)
    except ReelradarError:
        return [], 0
    out = []
    for v in views:
        said = (v.record.title or "untitled") + (f" ({v.record.year})" if v.record.year else "")
        m = v.match
        candidate = None
        if m is not None and m.verdict == "medium" and m.title_id:
            candidate = (m.title or m.title_id) + (f" ({m.year})" if m.year else "")
        out.append(RecordToCheck(v.id, said, v.source, MATCH_WORDS.get(m.verdict if m else "none", "not matched"),
                                 m.reason if m else "not matched yet", m.title_id if candidate else None, candidate))
    return out, total


def watchlist(request: Request, con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(id, title) of the watchlist, newest first."""
    try:
        items = [i for i in reversed(_store(request).interactions("watchlist")) if i.title_id]
    except ReelradarError:
        return []
    ids = [i.title_id for i in items]
    names = dict(con.execute("SELECT id, title FROM title WHERE id IN (SELECT unnest(?))", [ids]).fetchall())
    return [(i, names.get(i, i)) for i in ids]


@dataclass
class ReportView:
    summary: str
    counts: list[tuple[str, int]]
    unmatched: list[str]
    matched: list[str]


def report_view(report: Any) -> ReportView:
    """An import report in words: counts, rows that matched no title (and why), rows that did."""
    c = report.counts
    w = MATCH_WORDS
    summary = (f"{report.path}: {c['rows']} rows; {c['strong']} {w['strong']}, {c['medium']} {w['medium']}, "
               f"{c['none']} {w['none']}; {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged.")
    for text in getattr(report, "notes", []):  # how the export was read: its encoding, files skipped
        summary += f" {text[:1].upper()}{text[1:]}{'' if text.endswith('.') else '.'}"
    unmatched, matched = [], []
    for r in report.rows:
        said = r.said.get("title") or "untitled"
        said += f" ({r.said['year']})" if r.said.get("year") else ""
        where = f"{r.file.rsplit('/', 1)[-1]} line {r.row}"
        if r.verdict == "strong" and r.title_id:
            matched.append(f"{said} → {r.title} ({r.year or 'year unknown'}) · {r.action} · {r.method}")
        else:
            unmatched.append(f"{where}: {said} · {r.action} · {MATCH_WORDS.get(r.verdict, r.verdict)}: {r.reason} "
                             f"(record #{r.record})")
    labels = {"rows": "rows", **MATCH_WORDS, "new": "new", "updated": "updated", "unchanged": "unchanged"}
    return ReportView(summary, [(labels.get(k, k), v) for k, v in c.items()], unmatched, matched)


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"
