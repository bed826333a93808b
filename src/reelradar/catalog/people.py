"""People of the catalog: a person with their credits by role and year; the cast of a title in billing
order (or, where no source gives one, said so and ordered by how present each person is in the
catalog); the other titles of a title's lead people ("more with …").

Billing order is the credit's ``ordering`` (IMDb's title.principals, TMDB's cast order, hand-entered
slices). Many sources list a cast without it (the demo's Wikidata films are alphabetical): then no
order is invented, the page says the order is unknown and lists first the people with the most titles
in the catalog, a fact of the catalog itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from reelradar.analytics.explain import Labels
from reelradar.catalog.db import duckdb_settings, has_table, sql_literal
from reelradar.catalog.search import normalize
from reelradar.errors import NotFound
from reelradar.model import Credit

# The people of the credits ``c`` (a CTE of the query), one name each: the person table is read only for
# them (14 million people on a full IMDb catalog: a DISTINCT over all of it took seconds per call). A join,
# not ``id IN (SELECT person_id FROM c)``: DuckDB filters the person scan by the join's keys, where the
# IN form, when ``c`` picks titles from a list, read all 14 million (1.2 s per call instead of 15 ms).
PEOPLE_OF_C = ("(SELECT p.id, any_value(p.name) AS name FROM person p "
               "JOIN (SELECT DISTINCT person_id FROM c) k ON k.person_id = p.id GROUP BY p.id)")

# The films and series of each person (episodes and seasons left out), stored in person order: "more with
# …" and the cast counts of a title page look up a few people at a time, and the credit table is kept in
# title order (catalog/imdb_load.py), so on a full IMDb catalog (110 million credits) each such lookup read
# all of it: 4-17 s for a title page's people. In person order one lookup reads a row group or two (about
# 120 ms for seven people with 3,000 titles). Built once all titles are in (about 40 s and 0.6 GB for 27
# million rows at full size), refreshed for the titles a later source changes.
PERSON_TITLE = "person_title"
PERSON_TITLE_ROWS = """SELECT DISTINCT c.person_id, c.title_id, t.title, t.year
    FROM credit c JOIN title t ON t.id = c.title_id WHERE t.kind NOT IN ('episode', 'season')"""


def build_person_titles(con: duckdb.DuckDBPyConnection) -> None:
    """Write ``person_title`` from the catalog's credits and titles, in person order."""
    with duckdb_settings(con, preserve_insertion_order="true"):
        con.execute(f"CREATE OR REPLACE TABLE {PERSON_TITLE} AS {PERSON_TITLE_ROWS} ORDER BY 1, 2")


def refresh_person_titles(con: duckdb.DuckDBPyConnection, title_ids: list[str]) -> None:
    """Bring ``person_title`` up to date for ``title_ids`` (whose titles or credits changed); the rows are
    appended, so a lookup may read one row group more until the next build."""
    if not has_table(con, PERSON_TITLE):
        return
    con.execute(f"DELETE FROM {PERSON_TITLE} WHERE title_id IN (SELECT unnest(?))", [title_ids])
    con.execute(f"INSERT INTO {PERSON_TITLE} {PERSON_TITLE_ROWS} AND c.title_id IN (SELECT unnest(?))", [title_ids])


def person_titles(con: duckdb.DuckDBPyConnection) -> str:
    """``person_title``, or the same rows computed from the credits in a catalog built before it existed."""
    return PERSON_TITLE if has_table(con, PERSON_TITLE) else f"({PERSON_TITLE_ROWS})"


# Roles in the order a person page and a title page list them.
ROLE_ORDER = ("director", "creator", "writer", "author", "actor", "producer")
ROLE_TITLES = {"director": ("Director", "Directors"), "creator": ("Creator", "Creators"),
               "writer": ("Writer", "Writers"), "author": ("Author of the source", "Authors of the source"),
               "actor": ("Actor", "Cast"), "producer": ("Producer", "Producers")}
PER_ROLE_MAX = 300  # credits listed per role on a person page; the rest counted


@dataclass
class PersonCredit:
    """One credit of a person: the title, what they did there, and who says so."""

    title_id: str
    title: str
    year: int | None
    kind: str
    role: str
    character: str | None
    ordering: int | None
    source: str


@dataclass
class EpisodeCredits:
    """Credits on episodes (or seasons) of one series, counted rather than listed."""

    series_id: str | None
    series: str
    role: str
    count: int


@dataclass
class PersonCard:
    """A person and their credits in the catalog, grouped by role (the most credited role first), newest
    first."""

    id: str
    name: str
    birth_year: int | None
    death_year: int | None
    professions: list[str]
    source: str
    roles: list[tuple[str, list[PersonCredit]]] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # role -> credits beyond PER_ROLE_MAX
    episodes: list[EpisodeCredits] = field(default_factory=list)

    def title_count(self) -> int:
        return len({c.title_id for _, credits in self.roles for c in credits}) + sum(self.more.values())


def person_card(con: duckdb.DuckDBPyConnection, person_id: str) -> PersonCard:
    """``person_id`` with every credit the catalog holds for them (NotFound when unknown)."""
    row = con.execute(
        """SELECT id, name, birth_year, death_year, professions, source FROM person WHERE id = ?
           ORDER BY source LIMIT 1""", [person_id]).fetchone()
    if row is None:
        raise NotFound(f"no person with id {person_id!r}")
    labels = Labels(con)
    card = PersonCard(row[0], row[1], row[2], row[3], list(row[4] or []), labels.name(row[5]))
    rows = con.execute(
        """SELECT DISTINCT c.title_id, t.title, t.year, t.kind, c.role, c."character", c.ordering, c.source,
                  t.parent_id, p.title
           FROM credit c JOIN title t ON t.id = c.title_id LEFT JOIN title p ON p.id = t.parent_id
           WHERE c.person_id = ?""", [person_id]).fetchall()
    grouped: dict[str, dict[str, PersonCredit]] = {}
    episodes: dict[tuple[str | None, str, str], int] = {}
    for tid, title, year, kind, role, character, ordering, source, parent, parent_title in rows:
        if kind in ("episode", "season"):
            key = (parent, parent_title or "a series not in the catalog", role)
            episodes[key] = episodes.get(key, 0) + 1
            continue
        seen = grouped.setdefault(role, {})
        old = seen.get(tid)
        if old is None or (old.character is None and character):  # two sources of one credit: keep the fuller
            seen[tid] = PersonCredit(tid, title, year, kind, role, character, ordering, labels.name(source))
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    # what they did most first (an actor who directed twice is an actor first), then the usual order
    for role in sorted(grouped, key=lambda r: (-len(grouped[r]), order.get(r, len(order)), r)):
        credits = sorted(grouped[role].values(), key=lambda c: (c.year is None, -(c.year or 0), c.title))
        card.roles.append((role, credits[:PER_ROLE_MAX]))
        if len(credits) > PER_ROLE_MAX:
            card.more[role] = len(credits) - PER_ROLE_MAX
    card.episodes = [EpisodeCredits(s, name, role, n)
                     for (s, name, role), n in sorted(episodes.items(), key=lambda kv: (-kv[1], kv[0][1]))]
    return card


@dataclass
class Cast:
    """A title's people as a page shows them: the actors in billing order where a source gives one, the
    crew by role, and how the actors are ordered when no source gives the billing."""

    actors: list[Credit] = field(default_factory=list)
    crew: list[tuple[str, list[Credit]]] = field(default_factory=list)
    order_note: str | None = None  # None: billing order as the source gives it
    titles_of: dict[str, int] = field(default_factory=dict)  # person id -> titles in the catalog (when counted)

    def lead(self, n: int = 12) -> list[Credit]:
        return self.actors[:n]

    def rest(self, n: int = 12) -> list[Credit]:
        return self.actors[n:]


def title_counts(con: duckdb.DuckDBPyConnection, person_ids: list[str]) -> dict[str, int]:
    """How many titles (films and series; not episodes) each person has a credit on in the catalog."""
    if not person_ids:
        return {}
    listed = ", ".join(sql_literal(i) for i in person_ids)  # as constants: see more_with
    return dict(con.execute(
        f"SELECT person_id, count(*) FROM {person_titles(con)} pt WHERE person_id IN ({listed}) GROUP BY 1").fetchall())


def _surname(name: str) -> str:
    return normalize(name.rsplit(" ", 1)[-1])


def cast_of(con: duckdb.DuckDBPyConnection, credits: list[Credit]) -> Cast:
    """The people of a title (its card's credits) as a page lists them. One person credited by two
    sources (the same name in the same role) is shown once, with the billing and character either gives."""
    merged: dict[tuple[str, str], Credit] = {}
    for c in credits:
        key = (c.role, normalize(c.name))
        old = merged.get(key)
        if old is None:
            merged[key] = Credit(c.person_id, c.name, c.role, c.character, c.ordering, c.source)
            continue
        if old.ordering is None and c.ordering is not None:
            old.person_id, old.ordering, old.source = c.person_id, c.ordering, c.source
        old.character = old.character or c.character
    cast = Cast()
    actors = [c for c in merged.values() if c.role == "actor"]
    billed = sorted((c for c in actors if c.ordering is not None), key=lambda c: c.ordering or 0)
    unbilled = [c for c in actors if c.ordering is None]
    if unbilled:
        cast.titles_of = title_counts(con, [c.person_id for c in unbilled])
        unbilled.sort(key=lambda c: (-cast.titles_of.get(c.person_id, 0), _surname(c.name), c.name))
        sources = sorted({c.source for c in unbilled})
        said = " and ".join(sources)
        if billed:
            first = billed[0].name if len(billed) == 1 else f"the first {len(billed)}"
            cast.order_note = (f"Billing order is given for {first} only; {said} gives none for the others, "
                               "listed with those of the most titles in this catalog first.")
        else:
            cast.order_note = (f"Billing order unknown: {said} lists this cast without one. Listed with the "
                               "people of the most titles in this catalog first.")
    cast.actors = billed + unbilled
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    by_role: dict[str, list[Credit]] = {}
    for c in merged.values():
        if c.role != "actor":
            by_role.setdefault(c.role, []).append(c)
    cast.crew = [(r, sorted(by_role[r], key=lambda c: (c.ordering is None, c.ordering or 0)))
                 for r in sorted(by_role, key=lambda r: (order.get(r, len(order)), r))]
    return cast


@dataclass
class MoreWith:
    """Other titles of one of a title's lead people, best known first."""

    person_id: str
    name: str
    role: str
    titles: list[tuple[str, str, int | None]]  # (id, title, year)
    total: int  # their other titles in the catalog


def more_with(con: duckdb.DuckDBPyConnection, title_id: str, people: list[Credit], per_person: int = 4) -> list[MoreWith]:
    """For each of ``people`` (a title's lead credits), their best-known other titles in the catalog
    (most reviews and votes first, then newest); people with no other title are left out."""
    ids = list(dict.fromkeys(c.person_id for c in people))
    if not ids:
        return []
    # The people as constants: DuckDB skips the row groups of person_title that hold none of them (joined
    # to a list, it read 850,000 rows of a full catalog for seven people).
    listed = ", ".join(sql_literal(i) for i in ids)
    evidence = ("(SELECT title_id, max(evidence) AS evidence FROM title_score "
                "WHERE title_id IN (SELECT id FROM mine) GROUP BY 1)" if has_table(con, "title_score")
                else "(SELECT NULL AS title_id, NULL AS evidence)")
    rows = con.execute(
        f"""WITH mine AS (
              SELECT person_id, title_id AS id, title, year FROM {person_titles(con)} pt
              WHERE person_id IN ({listed}) AND title_id <> ?)
            SELECT person_id, id, title, year, total FROM (
              SELECT m.person_id, m.id, m.title, m.year, count(*) OVER (PARTITION BY m.person_id) AS total,
                     row_number() OVER (PARTITION BY m.person_id
                                        ORDER BY e.evidence DESC NULLS LAST, m.year DESC NULLS LAST, m.title) AS n
              FROM mine m LEFT JOIN {evidence} e ON e.title_id = m.id)
            WHERE n <= ? ORDER BY person_id, n""",
        [title_id, per_person]).fetchall()
    found: dict[str, MoreWith] = {}
    by_id = {c.person_id: c for c in reversed(people)}
    for pid, tid, title, year, total in rows:
        c = by_id[pid]
        found.setdefault(pid, MoreWith(pid, c.name, c.role, [], int(total))).titles.append((tid, title, year))
    return [found[i] for i in ids if i in found]
