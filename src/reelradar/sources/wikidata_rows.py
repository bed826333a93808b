"""Wikidata SPARQL result rows turned into catalog rows: id crosswalk, relations, source works with
their authors, franchises and universes, broadcasters, creators, cast with characters, shared
characters, and review scores. Pure: no network, no catalog writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from reelradar.sources.idmap import Ids

WDQS = "wdqs"
ENTITY = "http://www.wikidata.org/entity/"
PROP = "http://www.wikidata.org/prop/direct/"
TS = pa.timestamp("s")

# Classes (P31) whose items are titles, and the catalog kind of each.
CLASS_KIND = {
    "Q11424": "movie", "Q202866": "movie", "Q24869": "movie", "Q229390": "movie", "Q24862": "short",
    "Q506240": "tv_movie", "Q5398426": "series", "Q63952888": "series", "Q581714": "series",
    "Q117467246": "series", "Q526877": "series", "Q1259759": "miniseries",
}
REVIEWERS = {"Q105584": "rotten_tomatoes", "Q150248": "metacritic"}
TITLE_LINKS = {"P155", "P156", "P2512", "P4969"}
WORK_LINKS = {"P8345": ("in_franchise", "media franchise"), "P1434": ("in_universe", "fictional universe"),
              "P179": ("part_of_series", "series")}
PCT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")

SCHEMAS: dict[str, pa.Schema] = {
    "title": pa.schema([("id", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("year", pa.int32()),
                        ("source", pa.string()), ("fetched_at", TS), ("demo", pa.bool_())]),
    "title_xid": pa.schema([("title_id", pa.string()), ("source", pa.string()), ("xid", pa.string())]),
    "person": pa.schema([("id", pa.string()), ("name", pa.string()), ("source", pa.string()), ("fetched_at", TS)]),
    "credit": pa.schema([("title_id", pa.string()), ("person_id", pa.string()), ("role", pa.string()),
                         ("character", pa.string()), ("ordering", pa.int32()), ("source", pa.string()),
                         ("fetched_at", TS)]),
    "work": pa.schema([("id", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("author_id", pa.string()),
                       ("author_name", pa.string()), ("source", pa.string()), ("fetched_at", TS)]),
    "relation": pa.schema([("src", pa.string()), ("dst", pa.string()), ("kind", pa.string()), ("note", pa.string()),
                           ("source", pa.string()), ("fetched_at", TS)]),
    "title_network": pa.schema([("title_id", pa.string()), ("network", pa.string()), ("network_id", pa.string()),
                                ("role", pa.string()), ("source", pa.string()), ("fetched_at", TS)]),
    "rating": pa.schema([("title_id", pa.string()), ("source", pa.string()), ("metric", pa.string()),
                         ("value", pa.float64()), ("scale", pa.float64()), ("count", pa.int64()),
                         ("as_of", pa.date32()), ("via", pa.string()), ("fetched_at", TS)]),
}


def qid(uri: str | None) -> str | None:
    return uri[len(ENTITY):] if uri and uri.startswith(ENTITY) else None


def wd_date(text: str | None) -> date | None:
    """An xsd:dateTime such as ``2014-02-06T00:00:00Z`` (Wikidata's day precision) as a date."""
    if not text or not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:  # "2014-00-00": month or day unknown
        return None


def parse_score(reviewer: str, text: str, method: str) -> tuple[str, float, float] | None:
    """(metric, value, scale) of a P444 value, or None when reelradar does not use that kind of score."""
    method = method.lower()
    audience = "audience" in method or "popcorn" in method
    if m := PCT.match(text):
        metric = "audience_pct" if audience else "critic_pct"
        return (metric, float(m.group(1)), 100.0) if reviewer == "rotten_tomatoes" else None
    if m := RATIO.match(text):
        value, scale = float(m.group(1)), float(m.group(2))
        if scale <= 0 or value > scale:
            return None
        if reviewer == "metacritic":
            return ("metascore", value, scale) if scale == 100 else ("user_mean", value, scale)
        if reviewer == "rotten_tomatoes" and not audience and scale == 10:
            return ("critic_mean", value, scale)
    return None


@dataclass
class Other:
    """An item a seed links to: a title, a work, a franchise, a network, a person or a character."""

    label: str
    imdb: str | None = None
    classes: dict[str, str] = field(default_factory=dict)  # class QID -> label
    dates: set[date] = field(default_factory=set)
    author: tuple[str, str] | None = None

    @property
    def kind(self) -> str | None:
        for c in self.classes:
            if c in CLASS_KIND:
                return CLASS_KIND[c]
        return None


class Facts:
    """Everything one update learnt, keyed by Wikidata ids until catalog ids are known."""

    def __init__(self) -> None:
        self.by_imdb: dict[str, str] = {}
        self.by_qid: dict[str, str] = {}  # seed items (Wikidata id) -> catalog title id
        self.year: dict[str, int | None] = {}
        self.item_title: dict[str, str] = {}
        self.xids: set[tuple[str, str, str]] = set()
        self.links: set[tuple[str, str, str]] = set()  # (title id, property, other item)
        self.others: dict[str, Other] = {}
        self.cast: set[tuple[str, str, str]] = set()  # (title id, actor item, character item)
        self.scores: dict[tuple[str, str, str], tuple[float, float, int | None, date | None]] = {}

    def seed(self, title_id: str, imdb: str | None, wikidata: str | None, year: int | None) -> None:
        if imdb:
            self.by_imdb[imdb] = title_id
        if wikidata:
            self.by_qid[wikidata] = title_id
        self.year[title_id] = year

    def _title(self, row: dict[str, str]) -> str | None:
        item = qid(row.get("item"))
        if item is None:
            return None
        tid = self.item_title.get(item) or self.by_qid.get(item) or self.by_imdb.get(row.get("imdb", ""))
        if tid:
            self.item_title[item] = tid
        return tid

    def _other(self, uri: str | None, label: str | None) -> str | None:
        q = qid(uri)
        if q and q not in self.others:
            self.others[q] = Other(label=label or q)
        return q

    def add(self, query: str, row: dict[str, str]) -> None:
        """Take in one result row of query ``query`` (ids, links, cast, scores)."""
        tid = self._title(row)
        item = qid(row.get("item"))
        if tid is None or item is None:
            return
        if query == "ids":
            self.xids.add((tid, "wikidata", item))
            for var, source, prefix in (("imdb", "imdb", ""), ("tmdbMovie", "tmdb", "movie:"), ("tmdbTv", "tmdb", "tv:"),
                                        ("rt", "rotten_tomatoes", ""), ("letterboxd", "letterboxd", ""),
                                        ("netflix", "netflix", ""), ("primeVideo", "prime_video", ""),
                                        ("disneyMovie", "disney_plus", ""), ("disneySeries", "disney_plus", "")):
                if row.get(var):
                    self.xids.add((tid, source, prefix + row[var]))
        elif query == "links":
            prop = row.get("prop", "").removeprefix(PROP)
            other = self._other(row.get("other"), row.get("otherLabel"))
            if not other:
                return
            info = self.others[other]
            if row.get("otherImdb"):
                info.imdb = row["otherImdb"]
            if (c := qid(row.get("otherClass"))) is not None:
                info.classes[c] = row.get("otherClassLabel") or c
            if (d := wd_date(row.get("otherDate"))) is not None:
                info.dates.add(d)
            if (a := qid(row.get("author"))) is not None:
                info.author = (a, row.get("authorLabel") or a)
            self.links.add((tid, prop, other))
        elif query == "cast":
            actor = self._other(row.get("actor"), row.get("actorLabel"))
            character = self._other(row.get("character"), row.get("characterLabel"))
            if actor and character:
                self.cast.add((tid, actor, character))
        elif query == "scores":
            reviewer = REVIEWERS.get(qid(row.get("reviewer")) or "")
            parsed = parse_score(reviewer, row.get("score", ""), row.get("methodLabel", "")) if reviewer else None
            if reviewer is None or parsed is None:
                return
            metric, value, scale = parsed
            count = int(float(row["count"])) if row.get("count") else None
            when = wd_date(row.get("date"))
            key = (tid, reviewer, metric)
            old = self.scores.get(key)
            # several statements: keep the latest dated one (an undated one only when nothing is dated)
            if old is None or (when is not None and (old[3] is None or when > old[3])):
                self.scores[key] = (value, scale, count, when)

    def related_ids(self) -> list[Ids]:
        """The ids of linked titles, for finding which catalog titles they are."""
        return [Ids(imdb=o.imdb, wikidata=q) for q, o in self.others.items() if o.kind or o.imdb]

    def rows(self, claimed: dict[Ids, str], fetched: datetime) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
        base = {"source": WDQS, "fetched_at": fetched}
        out["title_xid"] = [{"title_id": t, "source": s, "xid": x} for t, s, x in sorted(self.xids)]
        placeholders: dict[str, dict[str, Any]] = {}
        works: dict[str, dict[str, Any]] = {}
        people: dict[str, dict[str, Any]] = {}
        relations: set[tuple[str, str, str, str | None]] = set()
        credits: set[tuple[str, str, str, str | None]] = set()
        characters: dict[str, set[str]] = {}

        def title_of(q: str) -> str | None:
            o = self.others[q]
            tid = self.item_title.get(q) or claimed.get(Ids(imdb=o.imdb, wikidata=q))
            if tid is None and o.kind:
                tid = f"wd:{q}"
                placeholders[tid] = {"id": tid, "kind": o.kind, "title": o.label,
                                     "year": min(o.dates).year if o.dates else None, **base, "demo": False}
                out["title_xid"].append({"title_id": tid, "source": "wikidata", "xid": q})
                if o.imdb:
                    out["title_xid"].append({"title_id": tid, "source": "imdb", "xid": o.imdb})
            return tid

        def work(q: str, kind: str) -> str:
            o = self.others[q]
            wid = f"wd:{q}"
            works[wid] = {"id": wid, "kind": kind, "title": o.label, "author_id": f"wd:{o.author[0]}" if o.author else None,
                          "author_name": o.author[1] if o.author else None, **base}
            return wid

        for tid, prop, q in sorted(self.links):
            o = self.others[q]
            if prop in TITLE_LINKS:
                other = title_of(q)
                if other is None or other == tid:
                    continue
                src, dst, kind = {"P155": (tid, other, "sequel_of"), "P156": (other, tid, "sequel_of"),
                                  "P2512": (other, tid, "spin_off_of"), "P4969": (other, tid, "adapted_from")}[prop]
                relations.add((src, dst, kind, None))
            elif prop == "P144":
                other = title_of(q) or work(q, next(iter(o.classes.values()), "work"))
                relations.add((tid, other, "adapted_from", None))
            elif prop in WORK_LINKS:
                kind, work_kind = WORK_LINKS[prop]
                relations.add((tid, work(q, next(iter(o.classes.values()), work_kind) if prop == "P179" else work_kind),
                               kind, o.label))
            elif prop == "P449":
                out["title_network"].append({"title_id": tid, "network": o.label, "network_id": f"wd:{q}",
                                             "role": "original_broadcaster", **base})
            elif prop == "P170":
                people[f"wd:{q}"] = {"id": f"wd:{q}", "name": o.label, **base}
                credits.add((tid, f"wd:{q}", "creator", None))
            elif prop == "P674":
                characters.setdefault(q, set()).add(tid)
        for tid, actor, character in sorted(self.cast):
            people[f"wd:{actor}"] = {"id": f"wd:{actor}", "name": self.others[actor].label, **base}
            credits.add((tid, f"wd:{actor}", "actor", self.others[character].label))
            characters.setdefault(character, set()).add(tid)
        for character, titles in characters.items():
            if len(titles) < 2:
                continue
            # link each later title to the first one the character appeared in
            ordered = sorted(titles, key=lambda t: (self.year.get(t) or 9999, t))
            for t in ordered[1:]:
                relations.add((t, ordered[0], "shares_character", self.others[character].label))
        for w in works.values():
            if w["author_id"]:
                people[w["author_id"]] = {"id": w["author_id"], "name": w["author_name"], **base}
        out["title"] = list(placeholders.values())
        out["work"] = list(works.values())
        out["person"] = list(people.values())
        out["relation"] = [{"src": s, "dst": d, "kind": k, "note": n, **base} for s, d, k, n in sorted(relations, key=str)]
        out["credit"] = [{"title_id": t, "person_id": p, "role": r, "character": c, "ordering": None, **base}
                         for t, p, r, c in sorted(credits, key=str)]
        out["rating"] = [{"title_id": t, "source": s, "metric": m, "value": v, "scale": sc, "count": n, "as_of": d,
                          "via": WDQS, "fetched_at": fetched}
                         for (t, s, m), (v, sc, n, d) in sorted(self.scores.items(), key=str)]
        return out


def to_tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    # from_pylist with a schema takes the schema's columns by name (absent keys are NULL, others ignored)
    return {name: pa.Table.from_pylist(rows.get(name, []), schema=SCHEMAS[name]) for name in SCHEMAS}
