"""The last sections of a story: its universe (how its titles connect, the characters they share and who
plays them, where the other titles stream) and "if you liked …" (from the reader's history, or the
title's genres)."""

from __future__ import annotations

from typing import Any

from reelradar.analytics.availability import where
from reelradar.analytics.universe import universe
from reelradar.catalog.people import PEOPLE_OF_C
from reelradar.story.context import LINEAGE, Context
from reelradar.story.facts import (
    CreditRow,
    TitleRow,
    credit_fact,
    day,
    history_fact,
    offer_fact,
    offer_where,
    title_fact,
    title_rows,
    years,
)
from reelradar.story.model import Section, Sentence
from reelradar.story.taste import liked_titles


def universe_section(ctx: Context) -> Section | None:
    p, t, book = ctx.p, ctx.t, ctx.book
    u = universe(ctx.con, t.id, max_nodes=20)
    ctx.family = {n.id for n in u.titles()}
    others = [n for n in u.titles() if n.id != t.id]
    if not others:
        return None
    ids = [n.id for n in u.titles()]
    rows = title_rows(ctx.con, ids)
    out = []
    rel = ctx.con.execute(
        """SELECT src, dst, kind, source, fetched_at FROM relation WHERE src IN (SELECT unnest(?))
           AND dst IN (SELECT unnest(?)) AND kind IN (SELECT unnest(?)) ORDER BY src, dst, list_position(?, kind)""",
        [ids, ids, [*LINEAGE, "same_universe"], [*LINEAGE, "same_universe"]]).fetchall()
    pairs: dict[tuple[str, str], list[tuple[str, int]]] = {}
    stated = {tuple(f.key.values()) for f in book.facts if f.table == "relation"}
    for src, dst, kind, source, fetched in rel:
        if (src, dst, kind) in stated:
            continue  # the lead said it
        n = book.add("relation", {"src": src, "dst": dst, "kind": kind},
                     f"{rows[src].title} {p.words('relation', kind)} {rows[dst].title}", book.prov(source, None, fetched))
        pairs.setdefault((src, dst), []).append((kind, n))
    for (src, dst), kinds in pairs.items():
        words = p.join([p.words("relation", k) for k, _ in kinds])
        out.append(book.sentence(p.say("universe.edge", src=rows[src].title, kind=words, dst=rows[dst].title),
                                 [n for _, n in kinds]))
    out += _characters(ctx, u.characters, rows)
    out += _streams(ctx, [rows[n.id] for n in others if n.id in rows])
    return Section("universe", p.say("heading.universe", name=u.name), out)


def _characters(ctx: Context, characters: list[Any], rows: dict[str, TitleRow]) -> list[Sentence]:
    """Characters of two or more of the universe's titles, with who plays them: each from a credit."""
    p, book = ctx.p, ctx.book
    ids = sorted({a.title_id for ch in characters[:2] for a in ch.appearances if a.actor})
    credits: dict[tuple[str, str], list[CreditRow]] = {}
    for title_id, pid, name, character, source, fetched in ctx.con.execute(
        f"""WITH c AS MATERIALIZED (SELECT * FROM credit WHERE title_id IN (SELECT unnest(?)) AND role = 'actor'
                                    AND "character" IS NOT NULL)
            SELECT c.title_id, c.person_id, p.name, c."character", c.source, c.fetched_at
            FROM c JOIN {PEOPLE_OF_C} p ON p.id = c.person_id""",
        [ids]).fetchall():
        credits.setdefault((title_id, name), []).append(
            CreditRow(pid, name, "actor", character, None, source, day(fetched)))
    out = []
    for ch in characters[:2]:
        notes, played = [], []
        for a in ch.appearances:
            found = [c for c in credits.get((a.title_id, a.actor or ""), []) if c.character and ch.name in c.character]
            if found:
                notes.append(credit_fact(book, rows[a.title_id], found[0]))
                played.append((a.actor, a.title))
        if len(played) < 2:
            continue  # a character named by a relation alone, with no actor: nothing to say who plays it
        actors = list(dict.fromkeys(a for a, _ in played))
        who = actors[0] if len(actors) == 1 else p.join([f"{a} in {title}" for a, title in played])
        out.append(book.sentence(p.say("universe.character", character=ch.name,
                                       titles=p.join([title for _, title in played]), actors=who), notes))
    return out


def _streams(ctx: Context, others: list[TitleRow]) -> list[Sentence]:
    """Where the universe's other titles stream in the reader's country, grouped by offer."""
    p, book = ctx.p, ctx.book
    groups: dict[tuple[str, str, str | None], list[tuple[TitleRow, int]]] = {}
    for other in others:
        for o in where(ctx.con, other.id, ctx.profile).offers:
            if o.monetization not in ctx.profile.offer_types:
                continue
            n = offer_fact(book, other.id, other.title, o.provider, o.monetization, o.country, o.provenance)
            groups.setdefault((o.provider, o.monetization, o.country), []).append((other, n))
    out = []
    for (provider, monetization, country), found in groups.items():
        names, notes = [], []
        for other, n in found:
            details = [years(other)]
            if other.season_count:
                details.insert(0, p.count(other.season_count, "season"))
            names.append(p.say("universe.title", title=other.title, details=", ".join(details)))
            notes += [n, title_fact(book, other, "year", "end_year", "season_count")]
        out.append(book.sentence(p.say("universe.streams", titles=p.join(names), provider=provider,
                                       is_are="is" if len(names) == 1 else "are",
                                       words=p.words("monetization", monetization), where_words=offer_where(p, country)),
                                 notes))
    return out


def liked_section(ctx: Context) -> Section | None:
    p, t, book = ctx.p, ctx.t, ctx.book
    # what the person likes by the rule of recommend/opinion.py: a low rating is never "you liked it", and a
    # title's latest rating decides over having watched it
    mine = [i for tid, i in liked_titles(ctx.history).items() if tid != t.id]
    rows = title_rows(ctx.con, list(dict.fromkeys(i.title_id for i in mine if i.title_id)))
    family = ctx.family
    ours = set(t.genres)
    out = []
    picked: list[tuple[Any, TitleRow, list[str]]] = []
    for i in sorted(mine, key=lambda i: (i.title_id not in family, -(i.rating or 0))):
        other = rows.get(i.title_id or "")
        if other is None or any(o.id == other.id for _, o, _ in picked):
            continue
        shared = [g for g in other.genres if g in ours]
        if other.id in family or (ours and len(shared) >= min(2, len(ours))):
            picked.append((i, other, shared))
        if len(picked) == 2:
            break
    for i, other, shared in picked:
        notes = [history_fact(book, other.title, i, ctx.history.marks.get(other.id, i.action))]
        what = []
        if other.id in family:
            what.append(p.say("liked.shares.universe"))
        if shared:
            what.append(p.say("liked.shares.genres", genres=p.join([g.lower() for g in shared])))
            notes += [title_fact(book, other, "genres"), title_fact(book, t, "genres")]
        mark = ctx.history.marks.get(other.id)
        titles = f"{other.title} ({p.say('history.mark', mark=mark)})" if mark else other.title
        if other.id in family and not shared:
            notes.append(title_fact(book, other, "year"))
        out.append(book.sentence(p.say("liked.history", titles=titles, title=t.title, what=p.join(what)), notes))
    if not out and t.genres:
        out.append(book.sentence(p.say("liked.genres", genres=p.join([g.lower() for g in t.genres[:3]]),
                                       kinds=p.kind(t.kind, many=True)), [title_fact(book, t, "genres")]))
    return Section("liked", p.say("heading.liked"), out)
