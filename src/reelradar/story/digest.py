"""The week's digest for a reader (``reelradar digest``): under-the-radar picks on their services, titles
breaking out in the charts, new on their services, leaving their services (only where a source gives
an end date), and new seasons of series they watched — each item a short story with its numbers and
footnotes. A section the data does not fill is left out.

The lists are those of ``reelradar picks`` (analytics/picks.py: radar and hot, with the services filter
that keeps titles of unknown availability, marked), ``new-on-services`` (analytics/availability.py) and
the catalog's offers and seasons; the words are story/title.py's, item by item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import duckdb

from reelradar.analytics.availability import offer_changes, profile_filters
from reelradar.analytics.filters import Filters, check_country
from reelradar.analytics.picks import hot_picks, pick_list
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Availability, Pick, Profile
from reelradar.story.context import Context
from reelradar.story.facts import FactBook, TitleRow, offer_where, title_fact, title_rows, years
from reelradar.story.model import Digest, DigestItem, DigestSection, Section, Sentence
from reelradar.story.phrases import Phrases, phrases
from reelradar.story.title import (
    breakout_sentences,
    chart_section,
    passes_radar,
    scores_section,
    where_section,
)
from reelradar.users.actions import SEEN, YourHistory
from reelradar.vocab import provider_key

SECTIONS = ("radar", "breakout", "new", "leaving", "seasons")
MAX_LIMIT = 50


def digest(con: duckdb.DuckDBPyConnection, settings: Settings, *, profile: Profile | None = None,
           history: YourHistory | None = None, today: date | None = None, days: int = 7,
           country: str | None = None, services: list[str] | None = None, kinds: list[str] | None = None,
           limit: int = 5, sections: list[str] | None = None, language: str = "en") -> Digest:
    """The digest of the ``days`` up to ``today`` for a reader: ``country`` and ``services`` replace the
    profile's when given; ``kinds`` narrows every list (movie, series, ...); ``limit`` items per section."""
    if days < 1:
        raise BadInput(f"--days must be at least 1, not {days}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadInput(f"--limit must be from 1 to {MAX_LIMIT}, not {limit}")
    wanted = list(sections or SECTIONS)
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise BadInput(f"unknown section {unknown[0]!r}: use some of {', '.join(SECTIONS)}")
    today = today or date.today()
    p = phrases(language)
    base = profile or Profile()
    reader = replace(base, country=check_country(country) if country else base.country,
                     services=[s for s in (services if services else base.services) if s.strip()])
    mine = history or YourHistory()
    asked: list[str | None] = list(dict.fromkeys(kinds or [])) or [None]
    for k in asked:
        Filters(kind=k).check()
    book = FactBook(con, p)
    since = today - timedelta(days=days)
    out = Digest(title=p.say("digest.title", since=since, today=today), language=p.code, today=today, since=since,
                 country=reader.country, services=list(reader.services), kinds=[k for k in asked if k],
                 sections=[], facts=book.facts)
    run = Run(con, settings, book, p, reader, mine, today, days, asked, limit, out.notes)
    builders: dict[str, Callable[[Run], DigestSection | None]] = {
        "radar": _radar_section, "breakout": _breakout_section, "new": _new_section,
        "leaving": _leaving_section, "seasons": _seasons_section}
    for name in SECTIONS:
        if name in wanted:
            section = builders[name](run)
            if section is not None and section.items:
                out.sections.append(section)
    return out


@dataclass
class Run:
    """What every section of one digest reads: the catalog, the reader, the period and the footnotes."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    book: FactBook
    p: Phrases
    reader: Profile
    mine: YourHistory
    today: date
    days: int
    kinds: list[str | None]
    limit: int
    notes: list[str]

    def context(self, t: TitleRow) -> Context:
        ctx = Context(self.con, self.settings, self.book, self.p, t, self.reader, self.mine, self.today)
        ctx.radar = passes_radar(ctx)
        return ctx

    def filters(self, kind: str | None) -> Filters:
        return profile_filters(self.reader, Filters(kind=kind, exclude=list(self.mine.leave_out)))

    def services_words(self) -> str:
        if not self.reader.services:
            return ""
        where = self.p.say("where.country", country=self.reader.country) if self.reader.country else ""
        return self.p.say("intro.services", services=self.p.join(self.reader.services), where=where)


def _item(ctx: Context, sentences: list[Sentence], availability: Availability | None = None) -> DigestItem:
    t = ctx.t
    headline = Sentence(ctx.p.say("item.headline", title=t.title, years=years(t)),
                        [title_fact(ctx.book, t, "year", "end_year", "kind")])
    marks = []
    if availability is not None and availability.status == "unknown":
        where = ctx.p.say("where.country", country=ctx.profile.country) if ctx.profile.country else ""
        marks.append(ctx.p.say("item.unknown", where=where))
    mark = ctx.history.marks.get(t.id)
    if mark:
        marks.append(ctx.p.say("history.mark", mark=mark))
    return DigestItem(t.id, t.title, t.year, t.kind, headline, sentences, "; ".join(marks) or None)


def _first(section: Section | None) -> list[Sentence]:
    return list(section.sentences) if section is not None else []


def _pick_items(run: Run, items: list[Pick], *, breakout: bool) -> list[DigestItem]:
    rows = title_rows(run.con, [x.id for x in items])
    out = []
    for pick in items:
        t = rows.get(pick.id)
        if t is None:
            continue
        ctx = run.context(t)
        lines = breakout_sentences(ctx) if breakout else _first(chart_section(ctx))[:1]
        lines += _first(scores_section(ctx, 2))
        lines += _first(where_section(ctx))
        if lines:
            out.append(_item(ctx, lines, pick.availability))
    return out


def _radar_section(run: Run) -> DigestSection:
    found: list[Pick] = []
    for kind in run.kinds:
        found += pick_list(run.con, run.settings, mode="radar", filters=run.filters(kind), limit=run.limit,
                           today=run.today, history=run.mine.marks).items
    # known on the reader's services first (as the pick list orders them), then by acclaim
    found.sort(key=lambda x: (x.availability is not None and x.availability.status != "yours", -(x.acclaim or 0)))
    return DigestSection("radar", run.p.say("heading.radar"),
                         run.p.say("intro.radar", services=run.services_words()),
                         _pick_items(run, found[:run.limit], breakout=False))


def _breakout_section(run: Run) -> DigestSection | None:
    found: list[Pick] = []
    as_of = None
    for kind in run.kinds:
        hot = hot_picks(run.con, run.settings, today=run.today, filters=run.filters(kind), limit=run.limit)
        if hot.as_of is None:
            return None
        found += hot.items
        as_of = hot.as_of_text()
    run.notes.append(f"chart data {as_of}")
    return DigestSection("breakout", run.p.say("heading.breakout"), run.p.say("intro.breakout", as_of=as_of),
                         _pick_items(run, found[:run.limit], breakout=True))


def _kind_ok(t: TitleRow, kinds: list[str | None]) -> bool:
    return None in kinds or t.kind in kinds


def _new_section(run: Run) -> DigestSection | None:
    con, book, p, reader, mine, kinds, limit = run.con, run.book, run.p, run.reader, run.mine, run.kinds, run.limit
    if not reader.services:
        return None
    changes = offer_changes(con, reader, days=run.days, today=run.today)
    rows = title_rows(con, [c.title_id for c in changes.new])
    items = []
    for c in changes.new:
        t = rows.get(c.title_id)
        if t is None or not _kind_ok(t, kinds) or t.id in mine.leave_out:
            continue
        ctx = run.context(t)
        n = book.add("offer_seen", {"title_id": t.id, "provider": c.provider, "monetization": c.monetization,
                                    "country": c.country, "first_seen": c.first_seen},
                     f"{t.title} first seen on {c.provider} on {c.first_seen}", c.provenance)
        text = p.say("item.new", provider=c.provider, words=p.words("monetization", c.monetization),
                     where_words=offer_where(p, c.country), day=c.first_seen)
        items.append(_item(ctx, [book.sentence(text, [n]), *_first(scores_section(ctx, 2))]))
        if len(items) == limit:
            break
    return DigestSection("new", p.say("heading.new"), p.say("intro.new", since=changes.since,
                                                            services=run.services_words()), items)


def _leaving_section(run: Run) -> DigestSection | None:
    """Offers on the reader's services whose end date a source gives, within the coming period."""
    con, book, p, reader, kinds, limit, today = run.con, run.book, run.p, run.reader, run.kinds, run.limit, run.today
    if not reader.services:
        return None
    until = today + timedelta(days=run.days)
    keys = {provider_key(s) for s in reader.services}
    rows = con.execute(
        """SELECT title_id, provider, monetization, country, available_until, source, via,
                  coalesce(as_of, CAST(fetched_at AS DATE))
           FROM offer WHERE available_until BETWEEN ? AND ? AND (? IS NULL OR country IS NULL OR country = ?)
           ORDER BY available_until, title_id""", [today, until, reader.country, reader.country]).fetchall()
    rows = [r for r in rows if provider_key(r[1]) in keys and r[2] in reader.offer_types]
    titles = title_rows(con, [r[0] for r in rows])
    items = []
    for title_id, provider, monetization, country, end, source, via, as_of in rows:
        t = titles.get(title_id)
        if t is None or not _kind_ok(t, kinds):
            continue
        ctx = run.context(t)
        n = book.add("offer", {"title_id": t.id, "provider": provider, "monetization": monetization,
                               "country": country, "available_until": end},
                     f"{t.title} on {provider} until {end}", book.prov(source, via, as_of))
        text = p.say("item.leaving", provider=provider, words=p.words("monetization", monetization),
                     where_words=offer_where(p, country), day=end)
        items.append(_item(ctx, [book.sentence(text, [n]), *_first(scores_section(ctx, 2))]))
        if len(items) == limit:
            break
    return DigestSection("leaving", p.say("heading.leaving"),
                         p.say("intro.leaving", until=until, services=run.services_words()), items)


def _seasons_section(run: Run) -> DigestSection | None:
    """Seasons of series in the reader's history whose air date (the catalog's) falls in the period, or
    in as many days ahead."""
    con, book, p, mine, limit, today, days = run.con, run.book, run.p, run.mine, run.limit, run.today, run.days
    watched = sorted({i.title_id for i in mine.interactions if i.title_id and i.action in (*SEEN, "liked")})
    if not watched:
        return None
    since, until = today - timedelta(days=days), today + timedelta(days=days)
    rows = con.execute(
        """SELECT s.title_id, s.season_number, s.name, s.episode_count, s.air_date, s.source, s.fetched_at
           FROM season s JOIN title t ON t.id = s.title_id
           WHERE s.title_id IN (SELECT unnest(?)) AND t.kind IN ('series', 'miniseries')
             AND s.season_number > 0 AND s.air_date BETWEEN ? AND ?
           ORDER BY s.air_date, s.title_id""", [watched, since, until]).fetchall()
    titles = title_rows(con, [r[0] for r in rows])
    items = []
    for title_id, number, _name, episodes, air, source, fetched in rows:
        t = titles.get(title_id)
        if t is None:
            continue
        ctx = run.context(t)
        n = book.add("season", {"title_id": t.id, "season_number": number, "air_date": air,
                                "episode_count": episodes},
                     f"{t.title} season {number}: first aired {air}" + (f", {episodes} episodes" if episodes else ""),
                     book.prov(source, None, fetched))
        verb = p.say("item.season.verb.past" if air <= today else "item.season.verb.future")
        text = p.say("item.season", season=number, verb=verb, day=air)
        if episodes:
            text += p.say("item.season.episodes", episodes=p.count(episodes, "episode"))
        items.append(_item(ctx, [book.sentence(text, [n]), *_first(where_section(ctx))]))
        if len(items) == limit:
            break
    return DigestSection("seasons", p.say("heading.seasons"), p.say("intro.seasons", since=since, until=until),
                         items)
