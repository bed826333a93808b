"""Does a title match a person's taste? The notice rule ``breakout`` (story/notify.py) asks it of each title
breaking out in the charts.

Taste is what the recommenders read from a history (recommend/opinion.py): a title's latest rating
decides what it says, a rating is liked when it is at or above the person's own midpoint on its scale and
above the scale's middle, so is "liked", and "watched" counts a little; a watchlist entry is not taste
(not yet seen), a dismissal, a neutral or a low rating never makes a title one they liked. A breakout matches when it shares with one of those titles what the content
recommender compares titles on (recommend/features.py): its universe (a relation between the two, or to
one title both relate to), a person (a creator, director, writer or author of the source, or an actor
billed in the first ``LEAD_BILLING`` of both), or at least two genres (one, when the breakout has only
one). Each is read from the catalog, not from the content index, so every reason is a row a footnote
names: the relations, the credits, the two title rows' genres, and the person's own history row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from reelradar.catalog.people import PEOPLE_OF_C
from reelradar.model import Interaction
from reelradar.recommend.explain import history_words
from reelradar.recommend.opinion import Opinion, opinions
from reelradar.story.context import LINEAGE
from reelradar.story.facts import (
    CreditRow,
    FactBook,
    TitleRow,
    credit_fact,
    day,
    history_fact,
    title_fact,
    title_rows,
)
from reelradar.story.model import Sentence
from reelradar.users.actions import YourHistory

UNIVERSE = (*LINEAGE, "same_universe", "shares_character")
MAKERS = ("creator", "director", "writer", "author")
LEAD_BILLING = 5
MAX_LIKED = 2  # liked titles named per notice


def liked_titles(history: YourHistory) -> dict[str, Interaction]:
    """The titles of ``history`` that say the person likes them, each by the interaction that decides it
    (oldest first: a title's latest rating wins over anything else done with it, and is read on the
    person's own scale, as recommend/ reads it)."""
    return {t: o.interaction for t, o in _liked(history).items()}


def _liked(history: YourHistory) -> dict[str, Opinion]:
    return {t: o for t, o in opinions(history.interactions).items() if o.liked and o.interaction.action != "watchlist"}


@dataclass
class Shared:
    """What a candidate shares with one liked title, each part with its catalog rows."""

    liked: TitleRow
    interaction: Interaction
    relations: list[tuple[str, str, str, str, Any]] = field(default_factory=list)  # src, dst, kind, source, fetched
    people: list[tuple[CreditRow, CreditRow]] = field(default_factory=list)  # (candidate's, liked title's)
    genres: list[str] = field(default_factory=list)
    weight: float = 0.0  # how much the person liked it (recommend/opinion.py)

    def strength(self) -> tuple[int, int, int, float]:
        return (bool(self.relations), len(self.people), len(self.genres), self.weight)


def taste_matches(con: duckdb.DuckDBPyConnection, history: YourHistory, t: TitleRow) -> list[Shared]:
    """The liked titles ``t`` matches, strongest first (universe, then people, then genres, then how much
    the person liked it), at most ``MAX_LIKED``; empty when it matches none."""
    liked = {k: v for k, v in _liked(history).items() if k != t.id}
    if not liked:
        return []
    rows = title_rows(con, list(liked))
    found = {tid: Shared(rows[tid], liked[tid].interaction, weight=liked[tid].weight) for tid in liked if tid in rows}
    need = min(2, len(t.genres))
    for s in found.values():
        s.genres = [g for g in t.genres if g in s.liked.genres] if need else []
        if len(s.genres) < need:
            s.genres = []
    for r in _relations(con, t.id, list(found)):
        found[r[0]].relations.append(r[1:])
    for pair in _people(con, t.id, list(found)):
        found[pair[0]].people.append(pair[1:])
    out = [s for s in found.values() if s.relations or s.people or s.genres]
    out.sort(key=lambda s: (tuple(-x for x in s.strength()), s.liked.id))
    return out[:MAX_LIKED]


def _relations(con: duckdb.DuckDBPyConnection, cand: str, liked: list[str]) -> list[tuple[Any, ...]]:
    """(liked id, src, dst, kind, source, fetched) of the relations linking ``cand`` to each liked title:
    directly, or both to one title (both spin-offs of Bosch)."""
    ids = [cand, *liked]
    rows = con.execute(
        """SELECT src, dst, kind, source, fetched_at FROM relation
           WHERE kind IN (SELECT unnest(?)) AND (src IN (SELECT unnest(?)) OR dst = ?)
           ORDER BY src, dst, list_position(?, kind)""", [list(UNIVERSE), ids, cand, list(UNIVERSE)]).fetchall()
    out: list[tuple[Any, ...]] = []
    mine = [r for r in rows if r[0] == cand]
    for other in liked:
        direct = [r for r in rows if (r[0], r[1]) in ((cand, other), (other, cand))]
        theirs = [r for r in rows if r[0] == other]
        hubs = {r[1] for r in mine} & {r[1] for r in theirs}
        via = [r for r in mine + theirs if r[1] in hubs]
        out += [(other, *r) for r in (direct or via)]
    return out


def _people(con: duckdb.DuckDBPyConnection, cand: str, liked: list[str]) -> list[tuple[str, CreditRow, CreditRow]]:
    """(liked id, the candidate's credit, the liked title's credit) of each person both are credited with
    as a maker, or as an actor billed high in both."""
    rows = con.execute(
        f"""WITH c AS MATERIALIZED (SELECT * FROM credit WHERE title_id IN (SELECT unnest(?))
                                    AND (role IN (SELECT unnest(?)) OR (role = 'actor' AND ordering <= ?)))
            SELECT c.title_id, c.person_id, p.name, c.role, c."character", c.ordering, c.source, c.fetched_at
            FROM c JOIN {PEOPLE_OF_C} p ON p.id = c.person_id ORDER BY c.ordering NULLS LAST, p.name, c.role""",
        [[cand, *liked], list(MAKERS), LEAD_BILLING]).fetchall()
    by_title: dict[str, dict[str, CreditRow]] = {}
    for tid, pid, name, role, character, ordering, source, fetched in rows:
        by_title.setdefault(tid, {}).setdefault(pid, CreditRow(pid, name, role, character, ordering, source, day(fetched)))
    mine = by_title.get(cand, {})
    return [(tid, mine[pid], c) for tid in liked for pid, c in by_title.get(tid, {}).items() if pid in mine]


def taste_sentences(book: FactBook, t: TitleRow, matches: list[Shared]) -> list[Sentence]:
    """One sentence per liked title: 'Like Bosch (you rated it 5★): the same universe (…), Michael Connelly
    and the genres crime and drama', each part with its footnotes."""
    p = book.p
    out = []
    for s in matches:
        i, other = s.interaction, s.liked
        mark = history_words(i.action, i.rating, i.scale)
        notes = [history_fact(book, other.title, i, mark)]
        what = []
        if s.relations:
            edges = []
            for src, dst, kind, source, fetched in s.relations:
                a, b = _name(book.con, src, t, other), _name(book.con, dst, t, other)
                if kind == "shares_character":
                    words, said = f"{a} shares a character with {b}", ""
                else:
                    words = said = p.say("universe.edge", src=a, kind=p.words("relation", kind), dst=b)
                notes.append(book.add("relation", {"src": src, "dst": dst, "kind": kind}, words,
                                      book.prov(source, None, fetched)))
                if said:
                    edges.append(said)
            what.append(p.say("taste.universe", edges="; ".join(dict.fromkeys(edges))) if edges
                        else p.say("taste.character"))
        if s.people:
            names_said = list(dict.fromkeys(c.name for c, _ in s.people))[:3]
            for mine, theirs in s.people:
                if mine.name in names_said:
                    notes += [credit_fact(book, t, mine), credit_fact(book, other, theirs)]
            what.append(p.join(names_said))
        if s.genres:
            what.append(p.say("liked.shares.genres", genres=p.join([g.lower() for g in s.genres])))
            notes += [title_fact(book, t, "genres"), title_fact(book, other, "genres")]
        out.append(book.sentence(p.say("taste.like", title=other.title, mark=mark, what=p.join(what)), notes))
    return out


def _name(con: duckdb.DuckDBPyConnection, title_id: str, *known: TitleRow) -> str:
    for t in known:
        if t.id == title_id:
            return t.title
    row = con.execute("SELECT title FROM title WHERE id = ?", [title_id]).fetchone()
    return str(row[0]) if row else title_id
