"""A title's story (``reelradar story TITLE``): a headline, a lead, then sections in the order of the
article in shared/seed/ — in the charts, what it is about, what critics and audiences say, where to
watch it, its universe, "if you liked …", the trailer — each filled only from catalog facts, and left
out when no fact fills it. Every sentence carries the numbers of its footnotes (story/facts.py); the
words come from the phrase table (story/phrases.py), chosen by its documented rules.

The trailer is the first one TMDB gives (official first, then the newest: sources/tmdb_rows.py), as a
plain link to the site it is on, with the TMDB row as its footnote.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from reelradar.analytics.availability import availability_of, profile_filters, where
from reelradar.analytics.explain import evidence_text, ordinal
from reelradar.analytics.hot import age_words, breakout_reason, hot_rows
from reelradar.catalog.query import title_media
from reelradar.config import Settings
from reelradar.errors import NotFound
from reelradar.model import Profile
from reelradar.story.context import LINEAGE, Context, Hook
from reelradar.story.facts import (
    FactBook,
    credit_fact,
    credit_rows,
    offer_fact,
    offer_where,
    title_fact,
    title_rows,
    what_it_is,
    with_article,
    years,
)
from reelradar.story.model import Section, Sentence, Story
from reelradar.story.phrases import Phrases, phrases, score_word
from reelradar.story.world import liked_section, universe_section
from reelradar.users.actions import YourHistory

LEAD_CAST = 3
WIDER_CAST = 12


def title_story(con: duckdb.DuckDBPyConnection, settings: Settings, title_id: str, *, profile: Profile | None = None,
                history: YourHistory | None = None, today: date | None = None, language: str = "en") -> Story:
    """The story of ``title_id`` for a reader (their ``profile``'s country and services, their ``history``),
    written on ``today`` (the doors pass the clock; old data says its age against it)."""
    t = title_rows(con, [title_id]).get(title_id)
    if t is None:
        raise NotFound(f"no title with id {title_id!r}")
    p = phrases(language)
    ctx = Context(con, settings, FactBook(con, p), p, t, profile or Profile(), history or YourHistory(),
                  today or date.today(), credit_rows(con, title_id))
    ctx.radar = passes_radar(ctx)
    lead = _lead(ctx)
    sections = [s for s in (chart_section(ctx), _about(ctx), scores_section(ctx), where_section(ctx), universe_section(ctx), liked_section(ctx),
                            trailer_section(ctx))
                if s is not None and s.sentences]
    headline = _headline(ctx)
    return Story(id=t.id, title=t.title, year=t.year, kind=t.kind, language=p.code, today=ctx.today,
                 headline=headline, lead=lead, sections=sections, facts=ctx.book.facts, as_of=ctx.book.as_of(),
                 notes=ctx.notes)


def _headline(ctx: Context) -> Sentence:
    p, t = ctx.p, ctx.t
    hooks = sorted(ctx.hooks, key=lambda h: h.rank)[:2]
    if hooks:
        text = p.say("headline", title=t.title, hooks=p.join([h.text for h in hooks]))
        return Sentence(text, sorted({n for h in hooks for n in h.notes}))
    note = title_fact(ctx.book, t, "year", "end_year", "kind", "genres")
    return Sentence(p.say("headline.plain", title=t.title, years=years(t), what=what_it_is(p, t)), [note])


def passes_radar(ctx: Context) -> bool:
    """The radar rule of ``reelradar picks`` (analytics/picks.py), on this title's scores."""
    row = ctx.con.execute("SELECT acclaim, awareness, evidence FROM title_score WHERE title_id = ?",
                          [ctx.t.id]).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return False
    s = ctx.settings
    return bool(row[0] >= s.radar_min_acclaim and row[1] <= s.radar_max_awareness and (row[2] or 0) >= s.radar_min_evidence)


def _lead(ctx: Context) -> list[Sentence]:
    p, t, book = ctx.p, ctx.t, ctx.book
    notes = [title_fact(book, t, "year", "end_year", "kind", "genres")]
    text = p.say("lead.what", title=t.title, years=years(t), what=with_article(what_it_is(p, t)))
    rel = ctx.con.execute(
        """SELECT r.dst, r.kind, o.title, r.source, r.fetched_at FROM relation r JOIN title o ON o.id = r.dst
           WHERE r.src = ? AND r.kind IN (SELECT unnest(?)) ORDER BY list_position(?, r.kind), o.year LIMIT 1""",
        [t.id, list(LINEAGE), list(LINEAGE)]).fetchall()
    if rel:
        dst, kind, other, source, fetched = rel[0]
        n = book.add("relation", {"src": t.id, "dst": dst, "kind": kind},
                     f"{t.title} {p.words('relation', kind)} {other}", book.prov(source, None, fetched))
        text += p.say("lead.relation", relation=p.words("relation", kind), other=other)
        notes.append(n)
        if kind == "spin_off_of":
            ctx.hooks.append(Hook(p.say("hook.spin_off_of", other=other), [n], 4))
    star = next((c for c in ctx.credits if c.role == "actor" and c.ordering == 1), None)
    if star is not None:
        text += p.say("lead.starring", names=star.name)
        notes.append(credit_fact(book, t, star))
    out = [book.sentence(text, notes)]
    if ctx.radar:
        out.append(_radar_lead(ctx))
    return out


def _radar_lead(ctx: Context) -> Sentence:
    acclaim, awareness = ctx.con.execute("SELECT acclaim, awareness FROM title_score WHERE title_id = ?",
                                         [ctx.t.id]).fetchone() or (None, None)
    n = ctx.book.add("title_score", {"title_id": ctx.t.id, "acclaim": acclaim, "awareness": awareness},
                     f"acclaim {ordinal(acclaim)}, awareness {ordinal(awareness)} within its cohort "
                     "(reelradar's scores of the catalog's ratings)", ctx.book.prov("reelradar", None, None))
    ctx.hooks.append(Hook(ctx.p.say("hook.radar"), [n], 3))
    text = ctx.p.say("lead.radar", acclaim=ordinal(acclaim), awareness=ordinal(awareness))
    return ctx.book.sentence(text, [n])


def chart_name(p: Phrases, platform: str, category: str | None, source_label: str) -> str:
    """'Prime Video's TV chart'; a chart named after itself: 'the Netflix Top 10 (TV (English))'."""
    if "top 10" in source_label.lower():
        return p.say("chart.named", source=source_label, category=category or platform).replace(" ()", "")
    return p.say("chart.name", platform=platform, category=f"{category} " if category else "")


def chart_where(p: Phrases, country: str | None) -> str:
    if country == "world":
        return p.say("where.world")
    if country is None or country == "?":
        return p.say("where.none")
    return p.say("where.country", country=country)


def _chart_when(ctx: Context, start: date, end: date) -> str:
    p = ctx.p
    when = p.say("chart.day", day=start) if start == end else p.say("chart.week", start=start, end=end)
    age = (ctx.today - end).days
    if age > ctx.settings.chart_stale_days:
        when += p.say("chart.age", age=age_words(age))
    return when


def chart_section(ctx: Context) -> Section | None:
    p, t, book = ctx.p, ctx.t, ctx.book
    rows = ctx.con.execute(
        """SELECT platform, country, category, period_start, period_end, rank, source, via, as_of FROM chart_entry
           WHERE title_id = ? ORDER BY period_end DESC, rank, platform, country NULLS LAST""", [t.id]).fetchall()
    if not rows:
        return None
    sentences = []

    def fact(r: tuple[Any, ...]) -> int:
        platform, country, category, start, end, rank, source, via, as_of = r
        where = {"world": "worldwide", None: "country not stated", "?": "country not stated"}.get(country, country)
        return book.add("chart_entry", {"title_id": t.id, "platform": platform, "country": country,
                                        "category": category, "period_start": start, "period_end": end, "rank": rank},
                        f"{t.title} #{rank} on {platform} {category or ''} ({where}), {start} to {end}".replace("  ", " "),
                        book.prov(source, via, as_of))

    latest = rows[0]
    peak = min(rows, key=lambda r: (r[5], r[4]))
    for r, key in ((latest, "chart.place"), (peak, "chart.peak")):
        if key == "chart.peak" and r is latest:
            continue
        platform, country, category, start, end, rank, source, _, _ = r
        label = book.labels.name(source)
        name = chart_name(p, platform, category, label)
        sentences.append(book.sentence(p.say(key, source=label, title=t.title, rank=rank, chart=name,
                                             where=chart_where(p, country), when=_chart_when(ctx, start, end)),
                                       [fact(r)]))
    n_peak = fact(peak)
    platform, _, category, _, end, rank, source, _, _ = peak
    if rank <= 10:
        ctx.hooks.append(Hook(p.say("hook.chart", rank=rank,
                                    chart=chart_name(p, platform, category, book.labels.name(source))), [n_peak], 0))
    age = (ctx.today - latest[4]).days
    if age > ctx.settings.chart_stale_days:
        ctx.notes.append(f"chart data as of {latest[4]}, {age_words(age)}")
    sentences += breakout_sentences(ctx)
    return Section("chart", p.say("heading.chart"), sentences)


def breakout_sentences(ctx: Context) -> list[Sentence]:
    """A current breakout (analytics/hot.py), in its own words with its numbers."""
    found = hot_rows(ctx.con, "t.id = ?", [ctx.t.id], 1)
    if not found:
        return []
    r = found[0]
    prov = ctx.book.prov(str(r["sources"]), None, r["as_of"])
    n = ctx.book.add("chart_momentum", {"title_id": ctx.t.id, "platform": r["platform"], "level": r["level"],
                                        "as_of": r["as_of"], "breakout": True},
                     f"breaking out on {r['platform']}: momentum {float(r['momentum']):+.2f}, "
                     f"{r['points_this']} points in the window to {r['as_of']}", prov)
    ctx.hooks.append(Hook(ctx.p.say("hook.breakout"), [n], 1))
    reason = breakout_reason(r, prov.text())
    return [ctx.book.sentence(ctx.p.say("chart.breakout", reason=reason), [n])]


def _about(ctx: Context) -> Section:
    p, t, book = ctx.p, ctx.t, ctx.book
    out = []
    if t.overview:
        out.append(book.sentence(t.overview, [title_fact(book, t, "overview")]))
    out += _source_work(ctx)
    if t.kind in ("series", "miniseries") and t.episode_count:
        if t.season_count and t.status in ("ended", "canceled"):
            text = p.say("about.ended", title=t.title, seasons=p.count(t.season_count, "season"),
                         episodes=p.count(t.episode_count, "episode"))
            out.append(book.sentence(text, [title_fact(book, t, "season_count", "episode_count", "status")]))
        elif t.season_count:
            text = p.say("about.seasons", title=t.title, seasons=p.count(t.season_count, "season"),
                         episodes=p.count(t.episode_count, "episode"))
            out.append(book.sentence(text, [title_fact(book, t, "season_count", "episode_count")]))
        else:
            text = p.say("about.episodes", title=t.title, episodes=p.count(t.episode_count, "episode"))
            out.append(book.sentence(text, [title_fact(book, t, "episode_count")]))
    elif t.runtime_min and t.kind not in ("series", "miniseries"):
        out.append(book.sentence(p.say("about.runtime", title=t.title, minutes=t.runtime_min),
                                 [title_fact(book, t, "runtime_min")]))
    for role, key in (("creator", "about.created"), ("director", "about.directed")):
        people = [c for c in ctx.credits if c.role == role][:3]
        if people:
            out.append(book.sentence(p.say(key, names=p.join([c.name for c in people])),
                                     [credit_fact(book, t, c) for c in people]))
    out += _cast(ctx)
    return Section("about", p.say("heading.about", title=t.title), out)


def _source_work(ctx: Context) -> list[Sentence]:
    p, t, book = ctx.p, ctx.t, ctx.book
    works = ctx.con.execute(
        """SELECT DISTINCT ON (w.id) w.id, w.title, w.kind, w.author_name, w.source, w.fetched_at, r.source, r.fetched_at
           FROM relation r JOIN work w ON w.id = r.dst WHERE r.src = ? AND r.kind = 'adapted_from' ORDER BY w.id""",
        [t.id]).fetchall()
    out = []
    for wid, title, kind, author, wsource, wfetched, rsource, rfetched in works[:2]:
        notes = [book.add("relation", {"src": t.id, "dst": wid, "kind": "adapted_from"},
                          f"{t.title} adapted from {title}", book.prov(rsource, None, rfetched))]
        name = f"the {title}" if kind and "series" in kind else title
        if author:
            notes.append(book.add("work", {"id": wid, "title": title, "author_name": author},
                                  f"{title}, by {author}", book.prov(wsource, None, wfetched)))
            out.append(book.sentence(p.say("about.based_on", work=name, author=author), notes))
        else:
            out.append(book.sentence(p.say("about.adapted", work=name), notes))
    return out


def _cast(ctx: Context) -> list[Sentence]:
    p, t, book = ctx.p, ctx.t, ctx.book
    actors = [c for c in ctx.credits if c.role == "actor"]
    lead = [c for c in actors if c.character][:LEAD_CAST]
    out = []
    if lead:
        text = p.say("about.lead_cast", first=lead[0].name, character=lead[0].character)
        if lead[1:]:
            text += p.say("about.with", rest=p.join([p.say("about.as", actor=c.name, character=c.character)
                                                     for c in lead[1:]]))
        out.append(book.sentence(text, [credit_fact(book, t, c) for c in lead]))
    rest = [c for c in actors if c not in lead][:WIDER_CAST]
    if rest:
        out.append(book.sentence(p.say("about.cast" if lead else "about.cast.only", names=p.join([c.name for c in rest])),
                                 [credit_fact(book, t, c) for c in rest]))
    return out


COUNT_NOUN = {"critic_pct": "reviews", "critic_mean": "reviews", "metascore": "reviews"}


def cohort_words(p: Phrases, cohort: str | None) -> str:
    """'all titles'; 'movie 2000s' → 'films of the 2000s'."""
    if not cohort or cohort == "all titles" or " " not in cohort:
        return cohort or "all titles"
    kind, decade = cohort.rsplit(" ", 1)
    return f"{p.kind(kind, many=True)} of the {decade}"


def scores_section(ctx: Context, limit: int | None = None) -> Section:
    """Each score with its count and source, then (radar titles) the counts that make it little known;
    ``limit``: the first scores only (a digest item's)."""
    p, t, book = ctx.p, ctx.t, ctx.book
    rows = ctx.con.execute(
        """SELECT source, metric, value, scale, count, percentile, cohort, via, as_of FROM score_part
           WHERE title_id = ? ORDER BY percentile IS NULL, weight DESC, source, metric""", [t.id]).fetchall()
    out = []
    for source, metric, value, scale, count, pct, cohort, via, as_of in rows:
        label = book.labels.name(source)
        noun = COUNT_NOUN.get(metric, "votes")
        counted = p.say("score.count.none") if count is None else p.say(f"score.count.{noun}", n=f"{count:,}")
        what = f"{metric.replace('_', ' ')} {value:g} of {scale:g}, " + (
            "count not reported" if count is None else f"{count:,} {noun}")
        if pct is not None:
            what += f"; {ordinal(pct)} of {cohort}"
        n = book.add("score_part", {"title_id": t.id, "source": source, "metric": metric, "value": value,
                                    "scale": scale, "count": count, "percentile": pct, "cohort": cohort},
                     what, book.prov(source, via, as_of))
        who = p.words("who", metric)
        if metric in ("critic_pct", "audience_pct") and value == 100:
            text = p.say("score.perfect", source=label, who=who, count=counted)
            if metric == "critic_pct" and not any(h.rank == 2 for h in ctx.hooks):
                ctx.hooks.append(Hook(p.say("hook.perfect", value=100, count=counted), [n], 2))
        elif metric in ("critic_pct", "audience_pct"):
            text = p.say("score.pct", source=label, value=f"{value:.0f}", who=who.rstrip("'"), count=counted)
        elif metric == "metascore":
            text = p.say("score.metascore", value=f"{value:.0f}")
        else:
            text = p.say("score.mean", source=label, who=who, value=f"{value:g}", scale=f"{scale:g}", count=counted)
        word = score_word(pct)
        if word is not None:
            text += p.say("score.word", word=word, cohort=cohort_words(p, cohort), ordinal=ordinal(pct))
            if word == "rave" and not any(h.rank == 2 for h in ctx.hooks):
                ctx.hooks.append(Hook(p.say("hook.word", word=word), [n], 2))
        out.append(book.sentence(text, [n]))
    out = out[:limit]
    if ctx.radar:
        out += _awareness(ctx)
    return Section("scores", p.say("heading.scores"), out)


def _awareness(ctx: Context) -> list[Sentence]:
    rows = ctx.con.execute(
        """SELECT a.evidence, a.value, a.percentile, a.cohort, a.source, s.awareness FROM awareness_part a
           JOIN title_score s ON s.title_id = a.title_id
           WHERE a.title_id = ? AND a.percentile IS NOT NULL ORDER BY a.percentile DESC""", [ctx.t.id]).fetchall()
    if not rows:
        return []
    notes, parts = [], []
    for evidence, value, pct, cohort, source, awareness in rows:
        names = ", ".join(ctx.book.labels.name(s.strip()) for s in (source or "").split(","))
        notes.append(ctx.book.add("awareness_part", {"title_id": ctx.t.id, "evidence": evidence, "value": value,
                                                     "percentile": pct},
                                  f"{evidence_text(evidence, value)} ({ordinal(pct)} of {cohort})",
                                  ctx.book.prov(names, None, None)))
        parts.append(evidence_text(evidence, value))
    text = ctx.p.say("score.radar", evidence=ctx.p.join(parts), ordinal=ordinal(rows[0][5]))
    return [ctx.book.sentence(text, notes)]


def where_section(ctx: Context) -> Section:
    p, t, book = ctx.p, ctx.t, ctx.book
    w = where(ctx.con, t.id, ctx.profile)
    out = []
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    yours: dict[str, list[int]] = {}
    for o in w.offers:
        n = offer_fact(book, t.id, t.title, o.provider, o.monetization, o.country, o.provenance)
        groups.setdefault((o.provider, o.monetization, o.country), []).append(n)
        if o.yours:
            yours.setdefault(o.provider, []).append(n)
    for (provider, monetization, country), notes in groups.items():
        out.append(book.sentence(p.say("where.offer", provider=provider, words=p.words("monetization", monetization),
                                       where_words=offer_where(p, country)), notes))
    services = [s for s in ctx.profile.services if s.strip()]
    if services and out:
        if yours:
            out.append(book.sentence(p.say("where.yours", services=p.join(list(yours)),
                                           is_are="is" if len(yours) == 1 else "are"),
                                     [n for ns in yours.values() for n in ns]))
        else:
            mark = availability_of(ctx.con, [t.id], profile_filters(ctx.profile)).get(t.id)
            if mark is not None and mark.status == "elsewhere":
                here = p.say("where.country", country=w.country) if w.country else ""
                out.append(book.sentence(p.say("where.elsewhere", services=p.join(services), where=here),
                                         [n for ns in groups.values() for n in ns]))
    return Section("where", p.say("heading.where"), out)


# The trailer's words, until the phrase table (story/phrases.py) carries them: one table per language.
def trailer_section(ctx: Context) -> Section | None:
    """A link to the title's first trailer, when a source gives one."""
    p, t, book = ctx.p, ctx.t, ctx.book
    trailer = next((m for m in title_media(ctx.con, t.id, book.labels) if m["kind"] == "trailer"), None)
    if trailer is None:
        return None
    note = book.add("title_media", {"title_id": t.id, "kind": "trailer", "site": trailer["site"],
                                    "path_or_key": trailer["path_or_key"]},
                    f"{t.title}: trailer {trailer['name'] or trailer['path_or_key']} on {trailer['site']}",
                    trailer["provenance"])
    name = p.say("trailer.name", name=trailer["name"]) if trailer["name"] else ""
    text = p.say("trailer.link", name=name, site=trailer["site"], url=trailer["url"])
    return Section("trailer", p.say("heading.trailer"), [book.sentence(text, [note])])
