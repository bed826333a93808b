"""Read a title whole: its facts, credits, relations, offers, chart history, images and trailers, and scores."""

from __future__ import annotations

import re
from typing import Any

import duckdb

from reelradar.analytics.explain import Labels
from reelradar.analytics.picks import explain_title
from reelradar.catalog.chart_links import ChartEntryView, possible_for
from reelradar.catalog.db import has_table
from reelradar.catalog.people import PEOPLE_OF_C
from reelradar.errors import NotFound
from reelradar.model import ChartNote, ChartPoint, Credit, Offer, Relation, TitleCard

MEDIA_TABLE = "title_media"  # added after schema version 1: an older catalog has none (sources/publish.py)
# Where a trailer is watched, by the site TMDB names, and the keys that site uses (anything else is not linked).
WATCH_URLS = {"YouTube": ("https://www.youtube.com/watch?v={key}", re.compile(r"^[A-Za-z0-9_-]{6,20}$")),
              "Vimeo": ("https://vimeo.com/{key}", re.compile(r"^[0-9]{1,12}$"))}
ROLE_ORDER = "CASE c.role WHEN 'creator' THEN 0 WHEN 'author' THEN 1 WHEN 'director' THEN 2 WHEN 'writer' THEN 3 ELSE 4 END"


def title_card(con: duckdb.DuckDBPyConnection, title_id: str) -> TitleCard:
    row = con.execute(
        """SELECT id, kind, title, original_title, year, end_year, runtime_min, genres, languages, countries,
                  overview, season_count, episode_count, status, demo, source, fetched_at
           FROM title WHERE id = ?""",
        [title_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"no title with id {title_id!r}")
    labels = Labels(con)
    fetched = row[16].date() if row[16] else None
    card = TitleCard(
        id=row[0], kind=row[1], title=row[2], original_title=row[3], year=row[4], end_year=row[5],
        runtime_min=row[6], genres=row[7] or [], languages=row[8] or [], countries=row[9] or [], overview=row[10],
        season_count=row[11], episode_count=row[12], status=row[13], demo=bool(row[14]),
        provenance=labels.provenance(row[15], None, fetched),
    )
    if card.kind in ("series", "miniseries"):
        from reelradar.analytics.availability import airing

        card.airing = airing(con, title_id, labels)
    card.xids = dict(con.execute("SELECT source, xid FROM title_xid WHERE title_id = ?", [title_id]).fetchall())
    card.credits = [
        Credit(person_id=r[0], name=r[1], role=r[2], character=r[3], ordering=r[4], source=labels.name(r[5]))
        for r in con.execute(
            f"""WITH c AS MATERIALIZED (SELECT * FROM credit WHERE title_id = ?)
                -- only the people of this title, a person id given by two sources once (PEOPLE_OF_C)
                SELECT c.person_id, p.name, c.role, c."character", c.ordering, c.source
                FROM c JOIN {PEOPLE_OF_C} p ON p.id = c.person_id
                ORDER BY {ROLE_ORDER}, c.ordering NULLS LAST, p.name""",
            [title_id],
        ).fetchall()
    ]
    card.relations = [
        Relation(kind=r[0], direction=r[1], other_id=r[2], other_title=r[3], note=r[4], source=labels.name(r[5]))
        for r in con.execute(
            """SELECT r.kind, 'out', r.dst, coalesce(t.title, w.title || coalesce(' by ' || w.author_name, '')),
                      r.note, r.source
               FROM relation r LEFT JOIN title t ON t.id = r.dst LEFT JOIN work w ON w.id = r.dst WHERE r.src = ?
               UNION ALL
               SELECT r.kind, 'in', r.src, t.title, r.note, r.source
               FROM relation r JOIN title t ON t.id = r.src WHERE r.dst = ?
               ORDER BY 1, 2, 4""",
            [title_id, title_id],
        ).fetchall()
    ]
    card.offers = [
        Offer(provider=r[0], monetization=r[1], country=r[2], provenance=labels.provenance(r[3], r[4], r[5]))
        for r in con.execute(
            """SELECT provider, monetization, country, source, via, as_of FROM offer
               WHERE title_id = ? ORDER BY country NULLS FIRST, monetization, provider""",
            [title_id],
        ).fetchall()
    ]
    card.charts = [
        ChartPoint(platform=r[0], country=r[1], category=r[2], period_start=r[3], period_end=r[4], rank=r[5],
                   points=r[6], provenance=labels.provenance(r[7], r[8], r[9]))
        for r in con.execute(
            """SELECT platform, country, category, period_start, period_end, rank, points, source, via, as_of
               FROM chart_entry WHERE title_id = ? ORDER BY period_start, platform, country""",
            [title_id],
        ).fetchall()
    ]
    card.chart_notes = [chart_note(v) for v in possible_for(con, title_id)]
    card.pick = explain_title(con, title_id)
    card.media = title_media(con, title_id, labels)
    return card


def has_media_table(con: duckdb.DuckDBPyConnection) -> bool:
    return has_table(con, MEDIA_TABLE)


def watch_url(site: str | None, key: str) -> str | None:
    """The page a trailer is watched on (a plain link, never an embed); None for a site or key we do not know."""
    known = WATCH_URLS.get(site or "")
    return known[0].format(key=key) if known and known[1].match(key) else None


def title_media(con: duckdb.DuckDBPyConnection, title_id: str, labels: Labels | None = None) -> list[dict[str, Any]]:
    """The title's poster, backdrop and trailers (in the order kept), each with its source and date;
    none in a catalog without the table."""
    if not has_media_table(con):
        return []
    labels = labels or Labels(con)
    out = []
    for kind, site, ref, name, language, published, source, fetched in con.execute(
        """SELECT kind, site, path_or_key, name, language, published_at, source, fetched_at FROM title_media
           WHERE title_id = ? ORDER BY CASE kind WHEN 'poster' THEN 0 WHEN 'backdrop' THEN 1 ELSE 2 END,
                 ordering NULLS LAST, path_or_key""",
        [title_id],
    ).fetchall():
        url = watch_url(site, ref) if kind == "trailer" else None
        if kind == "trailer" and url is None:
            continue
        out.append({"kind": kind, "site": site, "path_or_key": ref, "url": url, "name": name, "language": language,
                    "published_at": published.date() if published else None,
                    "provenance": labels.provenance(source, None, fetched.date() if fetched else None)})
    return out


def chart_note(v: ChartEntryView) -> ChartNote:
    """A medium chart entry as a note: which title it may be, and why it is not counted."""
    m = v.match
    candidate = f"{m.title} ({m.year or 'year unknown'})" if m.title_id else None
    why = m.reason.removeprefix("at most medium: ").removeprefix("near but not sure (").split("; nearest of")[0]
    why = why.removesuffix(")")
    return ChartNote(v.entry, v.platform, v.raw_title, v.first_period, v.last_period, v.rows, m.title_id,
                     candidate, why)
