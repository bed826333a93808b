"""The parts of a title page about the title itself: its people (cast in billing order, crew, "more
with …"), its relations as a series of films, what is known of a title only charts name (and when
each fact was dated), and the person's own rating. Each part says what no source tells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
from fastapi import Request

from reelradar.analytics.universe import LINEAGE, Universe
from reelradar.catalog.people import Cast, MoreWith, cast_of, more_with
from reelradar.catalog.search import titles_named_on
from reelradar.errors import ReelradarError
from reelradar.model import TitleCard
from reelradar.resolve.charts import CREATED_PREFIX
from reelradar.users.actions import rating_words

LEAD = 12  # actors shown before "show all"
SERIES_WORKS = ("part_of_series", "in_franchise")
RATING_STEPS = [x / 2 for x in range(10, 0, -1)]  # 5★ down to ½★, as Letterboxd rates


@dataclass
class People:
    cast: Cast
    more: list[MoreWith]
    lead: int = LEAD


def people(con: duckdb.DuckDBPyConnection, card: TitleCard) -> People:
    """The title's people and, for its directors, creators and first four actors, their other titles."""
    cast = cast_of(con, card.credits)
    leads = [c for role, credits in cast.crew if role in ("director", "creator") for c in credits][:3]
    leads += cast.actors[:4]
    return People(cast, more_with(con, card.id, leads))


@dataclass
class Related:
    """A title's relations read as a story line: the films (or series) of one line in order, with the
    series or franchise the sources name; or, when none is recorded, that sentence and the titles
    whose names merely begin the same."""

    in_order: list[tuple[str, str, int | None]] = field(default_factory=list)  # (id, title, year)
    line_name: str | None = None
    none_recorded: str | None = None
    source_hint: str | None = None
    same_name: list[tuple[str, str, int | None]] = field(default_factory=list)


def related(con: duckdb.DuckDBPyConnection, card: TitleCard, u: Universe) -> Related:
    """The story line of ``card`` in its universe ``u`` (relations only, every one from a source)."""
    out = Related()
    if not u.edges:
        out.none_recorded = (f"No relation recorded: no source in this catalog links {card.title} to a sequel, "
                             "a prequel, a series of films, a franchise or a source work.")
        has_wikidata = con.execute("SELECT 1 FROM relation WHERE source = 'wikidata' LIMIT 1").fetchone()
        if has_wikidata is None:
            out.source_hint = ("Such links come from Wikidata (“follows”, “part of the series”, “based on”), "
                               "whose relations this catalog does not hold.")
        out.same_name = same_name(con, card)
        return out
    line = {card.id}
    frontier = [card.id]
    while frontier:  # titles joined to this one by sequel, prequel or spin-off relations
        current = frontier.pop()
        for e in u.edges:
            if e.kind in LINEAGE and current in (e.src, e.dst):
                other = e.dst if e.src == current else e.src
                if other not in line and u.nodes.get(other) is not None and u.nodes[other].node == "title":
                    line.add(other)
                    frontier.append(other)
    works = [e.dst for e in u.edges if e.src == card.id and e.kind in SERIES_WORKS and e.dst in u.nodes]
    for w in works:
        line |= {e.src for e in u.edges if e.dst == w and e.kind in SERIES_WORKS and e.src in u.nodes}
    if works:
        out.line_name = u.nodes[works[0]].label
    if len(line) >= 2:
        nodes = sorted((u.nodes[i] for i in line), key=lambda n: (n.year or 9999, n.label))
        out.in_order = [(n.id, n.label, n.year) for n in nodes]
    return out


def same_name(con: duckdb.DuckDBPyConnection, card: TitleCard, limit: int = 5) -> list[tuple[str, str, int | None]]:
    """Films or series (as ``card`` is) whose names begin with this title's name and go on ("The
    Godfather" → "The Godfather Part II"): a hint for the reader, never counted as a relation."""
    if len(card.title) < 4 or card.kind in ("season", "episode"):
        return []
    films = ("movie", "tv_movie")
    kinds = list(films) if card.kind in films else ["series", "miniseries"]
    return titles_named_on(con, card.title, kinds, leave_out=card.id, leave_out_prefix=CREATED_PREFIX, limit=limit)


@dataclass
class Known:
    """What is known of a title that only charts name, each fact with where it comes from and its date."""

    facts: list[tuple[str, str, str]]  # (what, value, source and date)
    added: date | None  # the day the title was added to this catalog (not a date of any fact)
    first_week: date | None
    last_week: date | None


def chart_made(card: TitleCard) -> bool:
    """A title the catalog made from chart rows no other source's title matched (catalog/charts_store.py)."""
    return card.id.startswith(CREATED_PREFIX)


def known_facts(con: duckdb.DuckDBPyConnection, card: TitleCard) -> Known | None:
    """For a title only charts name: its name and kind as the charts give them, the seasons they list,
    the weeks they cover, and what no source gives (year, genres, people, synopsis)."""
    if not chart_made(card):
        return None
    charts = card.charts
    first = min((c.period_start for c in charts), default=None)
    last = max((c.period_end for c in charts), default=None)
    via = sorted({c.provenance.via or c.provenance.source for c in charts})
    chart_words = f"{card.provenance.source} ({', '.join(via)})" if via else card.provenance.source
    span = f"charts of {first} to {last}" if first and last else "its charts"
    facts = [("Name", card.title, f"as {chart_words} names it, {span}"),
             ("Kind", card.kind.replace("_", " "), f"from the chart category, {span}")]
    seasons = con.execute("SELECT title FROM title WHERE parent_id = ? ORDER BY season_number NULLS LAST, title",
                          [card.id]).fetchall()
    if seasons:
        facts.append(("Seasons charted", ", ".join(r[0] for r in seasons), f"{span}"))
    if charts:
        weeks = len({(c.period_start, c.period_end) for c in charts})
        facts.append(("In the charts", f"{weeks} period{'s' if weeks != 1 else ''}, best rank #{min(c.rank for c in charts)}",
                      f"{chart_words}, {span}"))
    missing = [w for w, have in (("year", card.year), ("genres", card.genres), ("people", card.credits),
                                 ("synopsis", card.overview), ("scores", card.pick)) if not have]
    for what in missing:
        facts.append((what[:1].upper() + what[1:], "unknown", "no source in this catalog gives it"))
    return Known(facts, card.provenance.as_of, first, last)


@dataclass
class YourRating:
    words: str  # "4.5★"
    source: str  # where the rating came from: this page, an IMDb or Letterboxd import, ...
    at: date | None
    value: float | None  # on a five-star scale, for the form (None when rated on another scale)


SOURCE_WORDS = {"manual": "rated here", "imdb": "from your IMDb export", "letterboxd": "from your Letterboxd export",
                "trakt": "from your Trakt history"}


def your_rating(request: Request, title_id: str) -> YourRating | None:
    """The person's latest rating of the title (the user store), None when they have not rated it."""
    from reelradar.api.user_routes import user_store

    try:
        rated = [i for i in user_store(request).interactions("rated")
                 if i.title_id == title_id and i.rating is not None]
    except ReelradarError:
        return None
    if not rated:
        return None
    latest = rated[-1]  # oldest first: the last is the latest
    assert latest.rating is not None
    five = latest.rating if latest.scale == 5 else None
    return YourRating(rating_words(latest.rating, latest.scale), SOURCE_WORDS.get(latest.source, latest.source),
                      latest.at.date() if latest.at else None, five)
