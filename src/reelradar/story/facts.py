"""Facts as footnotes: each read from one catalog row, numbered once per story or digest, with the row's
source and date. The composers state nothing that did not come through here.

A fact names its row by ``table`` and ``key`` (column → value), so a test, or a reader with the
catalog, can find the row again; ``what`` says in words what the row holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from reelradar.analytics.explain import Labels
from reelradar.catalog.people import PEOPLE_OF_C
from reelradar.model import Interaction, Provenance
from reelradar.story.model import Fact, Sentence
from reelradar.story.phrases import Phrases


def day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


class FactBook:
    """The footnotes of one piece: ``add`` returns a fact's number, the same number for the same row."""

    def __init__(self, con: duckdb.DuckDBPyConnection, phrases: Phrases) -> None:
        self.con = con
        self.labels = Labels(con)
        self.p = phrases
        self.facts: list[Fact] = []
        self._seen: dict[str, int] = {}

    def add(self, table: str, key: dict[str, Any], what: str, provenance: Provenance) -> int:
        ident = table + json.dumps(key, sort_keys=True, default=str)
        if ident not in self._seen:
            self.facts.append(Fact(len(self.facts) + 1, what, provenance, table, key))
            self._seen[ident] = len(self.facts)
        return self._seen[ident]

    @classmethod
    def continuing(cls, con: duckdb.DuckDBPyConnection, phrases: Phrases, facts: list[Fact]) -> FactBook:
        """A book that goes on numbering ``facts`` (a digest's): a row already there keeps its number."""
        book = cls(con, phrases)
        book.facts = facts
        book._seen = {f.table + json.dumps(f.key, sort_keys=True, default=str): f.n for f in facts}
        return book

    def prov(self, source: str | None, via: str | None, as_of: object) -> Provenance:
        return self.labels.provenance(source or "unknown", via, day(as_of))

    def sentence(self, text: str, notes: list[int]) -> Sentence:
        """A sentence and its footnotes; a sentence with no fact behind it is a bug, not a story."""
        if not notes:
            raise ValueError(f"a sentence without a fact: {text!r}")
        return Sentence(self.p.sentence(text), sorted(set(notes)))

    def as_of(self) -> date | None:
        days = [f.provenance.as_of for f in self.facts if f.provenance.as_of is not None]
        return max(days) if days else None


@dataclass
class TitleRow:
    """The title row a story or digest item is about, as the catalog holds it."""

    id: str
    kind: str
    title: str
    year: int | None
    end_year: int | None
    runtime_min: int | None
    genres: list[str]
    overview: str | None
    season_count: int | None
    episode_count: int | None
    status: str | None
    source: str
    fetched_at: date | None


TITLE_COLUMNS = ("id, kind, title, year, end_year, runtime_min, genres, overview, season_count, episode_count, "
                 "status, source, fetched_at")


def title_rows(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, TitleRow]:
    rows = con.execute(f"SELECT {TITLE_COLUMNS} FROM title WHERE id IN (SELECT unnest(?))", [ids]).fetchall()
    out: dict[str, TitleRow] = {}
    for r in rows:
        out.setdefault(r[0], TitleRow(r[0], r[1], r[2], r[3], r[4], r[5], list(r[6] or []), r[7], r[8], r[9], r[10],
                                      r[11], day(r[12])))
    return out


def years(t: TitleRow) -> str:
    if t.year is None:
        return "year unknown"
    return f"{t.year}–{t.end_year}" if t.end_year and t.end_year != t.year else str(t.year)


def title_fact(book: FactBook, t: TitleRow, *columns: str) -> int:
    """A fact of the title row: its id, name and the ``columns`` a sentence states."""
    key: dict[str, Any] = {"id": t.id, "title": t.title}
    for c in columns:
        key[c] = getattr(t, c)
    shown = ", ".join(f"{c.replace('_', ' ')} {_value(getattr(t, c))}" for c in columns)
    what = f"{t.title}" + (f": {shown}" if shown else "")
    return book.add("title", key, what, book.prov(t.source, None, t.fetched_at))


def _value(v: object) -> str:
    if isinstance(v, list):
        return ", ".join(map(str, v)) or "none"
    if v is None:
        return "not stated"
    text = str(v)
    return text if len(text) <= 80 else text[:77] + "…"


def what_it_is(p: Phrases, t: TitleRow) -> str:
    """'crime and drama series', 'film'."""
    genres = p.join([g.lower() for g in t.genres[:3]])
    return f"{genres} {p.kind(t.kind)}".strip()


def with_article(text: str) -> str:
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


@dataclass
class CreditRow:
    person_id: str
    name: str
    role: str
    character: str | None
    ordering: int | None
    source: str
    fetched_at: date | None


def credit_rows(con: duckdb.DuckDBPyConnection, title_id: str) -> list[CreditRow]:
    """A title's credits in billing order (unknown order last), a person given by two sources once."""
    rows = con.execute(
        f"""WITH c AS MATERIALIZED (SELECT * FROM credit WHERE title_id = ?)
            SELECT c.person_id, p.name, c.role, c."character", c.ordering, c.source, c.fetched_at
            FROM c JOIN {PEOPLE_OF_C} p ON p.id = c.person_id ORDER BY c.ordering NULLS LAST, p.name""",
        [title_id]).fetchall()
    return [CreditRow(r[0], r[1], r[2], r[3], r[4], r[5], day(r[6])) for r in rows]


def credit_fact(book: FactBook, title: TitleRow, c: CreditRow) -> int:
    as_what = f" as {c.character}" if c.character else ""
    return book.add("credit", {"title_id": title.id, "person_id": c.person_id, "name": c.name, "role": c.role,
                               "character": c.character},
                    f"{c.name}, {c.role}{as_what} in {title.title}", book.prov(c.source, None, c.fetched_at))


def offer_fact(book: FactBook, title_id: str, title: str, provider: str, monetization: str, country: str | None,
               provenance: Provenance) -> int:
    where = country or "country not stated"
    return book.add("offer", {"title_id": title_id, "provider": provider, "monetization": monetization,
                              "country": country},
                    f"{title} on {provider} ({book.p.words('monetization', monetization)}, {where})", provenance)


def offer_where(p: Phrases, country: str | None) -> str:
    return p.say("offer.country_none") if country is None else p.say("offer.country", country=country)


def history_fact(book: FactBook, title: str, i: Interaction, mark: str) -> int:
    """A fact of the reader's own history (the user store, not the catalog)."""
    when = day(i.at)
    return book.add("interaction", {"title_id": i.title_id, "action": i.action, "rating": i.rating},
                    f"{title}: {mark}", Provenance("your history", i.source, when))
