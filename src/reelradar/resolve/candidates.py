"""Blocking: which catalog titles a record is compared with at all.

Exact ids first (IMDb tconst, TMDB, Wikidata, ... through ``title_xid``), then the titles that share
a normalised key (whole title or main title, also through original and alternative titles) and fall
in the record's kind group and year ± 1. The cost grows with the candidates, not with the catalog
squared: the index normalises each catalog title once and every lookup is a dictionary probe. A catalog
too large to hold so (the full IMDb one) gets a ``GrowingIndex``: the same index over only the titles a
batch of records may match, found first through the catalog's search index (``candidate_ids``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import duckdb

from reelradar.catalog.db import sql_literal as _lit
from reelradar.catalog.search import deletions, one_edit
from reelradar.resolve.distance import FILM_KINDS, SERIES_KINDS
from reelradar.resolve.normalize import NUMBER_WORDS, ROMAN, TRAILING_ARTICLES, Normalized, normalize

# Seasons and episodes are reached through their series, never matched on their own by name.
INDEXED_KINDS_SQL = "kind NOT IN ('season', 'episode')"
# The kinds a record of a kind may become: films with films, series with series.
KIND_GROUP = {**{k: FILM_KINDS for k in FILM_KINDS}, **{k: SERIES_KINDS for k in SERIES_KINDS}}
# How external ids are spelled in title_xid.source, and what records call them.
# TMDB numbers movies and series separately: the two are different ids.
XID_ALIASES = {"imdb": "imdb", "tconst": "imdb", "tmdb": "tmdb", "tmdb_movie": "tmdb_movie", "tmdb_tv": "tmdb_tv",
               "wikidata": "wikidata", "wd": "wikidata", "trakt": "trakt", "tvdb": "tvdb"}

CANONICAL_PREFIXES_SOURCE = {"wd": "wikidata", "tmdb:tv": "tmdb_tv", "tmdb:movie": "tmdb_movie"}
CANONICAL_PREFIXES = tuple(f"{p}:" for p in CANONICAL_PREFIXES_SOURCE)


def xid_source(name: str) -> str:
    low = name.lower()
    return XID_ALIASES.get(low, low)


@dataclass
class Candidate:
    """A catalog title as the resolver compares it."""

    id: str
    kind: str
    title: str
    original_title: str | None
    year: int | None
    runtime_min: int | None
    akas: list[tuple[str, str | None]] = field(default_factory=list)  # (title, region)
    tconst: str | None = None
    xids: dict[str, str] = field(default_factory=dict)  # one external id per source ({"imdb": "tt…"})
    languages: list[str] = field(default_factory=list)  # original languages, where known
    season_count: int | None = None

    def names(self) -> Iterator[tuple[Normalized, str]]:
        yield normalize(self.title), f"'{self.title}'"
        if self.original_title and self.original_title != self.title:
            yield normalize(self.original_title), f"original title '{self.original_title}'"
        for aka, region in self.akas:
            yield normalize(aka), f"alternative title '{aka}'" + (f" ({region})" if region else "")


MIN_TYPO = 4  # words shorter than this are never respelled: one letter off is another word
NEAR_PER_WORD = 5  # at most this many respellings of one word are tried


# A source is "indexed" for a kind group when at least this share of its titles carry an id of it.
ID_COVERAGE = 0.5


def _group_of(kind: str | None) -> str:
    if kind in FILM_KINDS:
        return "film"
    if kind in SERIES_KINDS:
        return "series"
    return kind or ""


def _covered(titles: Iterable[tuple[str, dict[str, str]]]) -> dict[str, set[str]]:
    """Per kind group, the sources whose ids at least ``ID_COVERAGE`` of its titles carry."""
    totals: dict[str, int] = {}
    counts: dict[tuple[str, str], int] = {}
    for group, xids in titles:
        totals[group] = totals.get(group, 0) + 1
        for source in xids:
            counts[(group, source)] = counts.get((group, source), 0) + 1
    out: dict[str, set[str]] = {g: set() for g in totals}
    for (group, source), n in counts.items():
        if n >= ID_COVERAGE * totals[group]:
            out[group].add(source)
    return out


def id_coverage(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """``_covered`` over a whole catalog in SQL: canonical ids (tt…, wd:Q…) and ``title_xid``."""
    canonical = " ".join(f"WHEN starts_with(id, '{prefix}:') THEN '{source}'"
                         for prefix, source in CANONICAL_PREFIXES_SOURCE.items())
    family = (f"CASE WHEN kind IN {tuple(sorted(FILM_KINDS))} THEN 'film' "
              f"WHEN kind IN {tuple(sorted(SERIES_KINDS))} THEN 'series' ELSE kind END")
    rows = con.execute(f"""
        WITH t AS (SELECT id, {family} AS grp FROM title WHERE {INDEXED_KINDS_SQL}),
        ids AS (SELECT id, CASE WHEN starts_with(id, 'tt') THEN 'imdb' {canonical} END AS source FROM t
                UNION SELECT x.title_id, x.source FROM title_xid x)
        SELECT t.grp, ids.source, count(DISTINCT t.id), any_value(n.total)
        FROM t JOIN ids ON ids.id = t.id AND ids.source IS NOT NULL
        JOIN (SELECT grp, count(*) AS total FROM t GROUP BY grp) n ON n.grp = t.grp
        GROUP BY ALL""").fetchall()
    out: dict[str, set[str]] = {}
    for group, source, n, total in rows:
        if n >= ID_COVERAGE * total:
            out.setdefault(group, set()).add(xid_source(source))
    return out


class CatalogIndex:
    """An in-memory blocking index over one catalog: normalised keys and external ids to titles."""

    def __init__(self, con: duckdb.DuckDBPyConnection, only: Iterable[str] | None = None,
                 exclude_prefix: str | None = None) -> None:
        """The index over every indexed title, or over the titles ``only`` names; titles whose id
        starts with ``exclude_prefix`` are left out (those a chart import created)."""
        subset, params = "", []
        if only is not None:
            subset, params = " AND id IN (SELECT unnest(?::VARCHAR[]))", [sorted(set(only))]
        if exclude_prefix:
            subset += f" AND NOT starts_with(id, {_lit(exclude_prefix)})"
        rows = con.execute(
            f"SELECT id, kind, title, original_title, year, runtime_min FROM title WHERE {INDEXED_KINDS_SQL}{subset}",
            params,
        ).fetchall()
        self.rows = rows
        self.pos: dict[str, int] = {}
        self.by_key: dict[str, list[int]] = {}  # squashed key -> rows
        self.words: set[str] = set()  # every word of a key, for respelling a record's unknown words
        self._deletes: dict[str, list[str]] | None = None  # one-deletion variants -> words, built on need
        self.akas: dict[int, list[tuple[str, str | None]]] = {}
        for i, (tid, _kind, title, original, _year, _rt) in enumerate(rows):
            self.pos[tid] = i
            self._add_keys(i, title)
            if original and original != title:
                self._add_keys(i, original)
        # Only the alternative titles of indexed titles: episodes hold most of IMDb's.
        for tid, aka, region in con.execute(
            f"SELECT title_id, title, region FROM title_aka WHERE title_id IN "
            f"(SELECT id FROM title WHERE {INDEXED_KINDS_SQL}{subset})", params,
        ).fetchall():
            at = self.pos.get(tid)
            if at is not None and aka:
                self.akas.setdefault(at, []).append((aka, region))
                self._add_keys(at, aka)
        self.by_xid: dict[tuple[str, str], str] = {}
        self.tconst: dict[str, str] = {}
        self.xids: dict[str, dict[str, str]] = {}  # title id -> {source: its id there}
        xid_subset = subset.replace("NOT starts_with(id,", "NOT starts_with(title_id,").replace("id IN", "title_id IN")
        for tid, source, xid in con.execute(
            f"SELECT title_id, source, xid FROM title_xid WHERE TRUE{xid_subset}", params,
        ).fetchall():
            self._add_xid(tid, xid_source(source), str(xid))
        for tid in self.pos:  # a canonical id links by itself (tt…, wd:Q…, tmdb:tv:…)
            if tid.startswith("tt"):
                self._add_xid(tid, "imdb", tid)
            elif tid.startswith(CANONICAL_PREFIXES):
                prefix, _, value = tid.rpartition(":")
                self._add_xid(tid, CANONICAL_PREFIXES_SOURCE[prefix], value)
        self.extra: dict[str, tuple[list[str], int | None]] = {
            tid: (langs or [], seasons) for tid, langs, seasons in con.execute(
                f"SELECT id, languages, season_count FROM title WHERE {INDEXED_KINDS_SQL}{subset} "
                "AND (languages IS NOT NULL OR season_count IS NOT NULL)", params).fetchall()}
        self.sources = _covered(
            ((_group_of(kind), self.xids.get(tid, {})) for tid, kind, *_ in rows))
        row = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
        self.built_at: str | None = row[0] if row else None

    def _add_xid(self, tid: str, source: str, xid: str) -> None:
        self.by_xid.setdefault((source, xid), tid)
        self.xids.setdefault(tid, {}).setdefault(source, xid)
        if source == "imdb":
            self.tconst.setdefault(tid, xid)

    def id_sources(self, kind: str | None = None) -> set[str]:
        """The sources whose ids most titles of ``kind``'s group carry (any group when None): only there
        does an id that no title carries say the record is none of them."""
        return self.sources.get(_group_of(kind), set()) if kind else set().union(*self.sources.values())

    def _add_keys(self, i: int, title: str) -> None:
        name = normalize.__wrapped__(title)  # bypass the cache: each catalog title is seen once
        for key in name.squashed:
            bucket = self.by_key.get(key)
            if bucket is None:
                self.by_key[key] = [i]
            elif bucket[-1] != i:
                bucket.append(i)
        self.words.update(name.key.split())

    def near_keys(self, name: Normalized) -> list[str]:
        """Keys of catalog names one word of ``name`` is a letter off from (missing, extra, changed or
        two swapped): "Godfater" finds "godfather", "Meet Me in St. Lois" "meet me in st louis". Asked
        only when no name shares a key; words of four letters or more, one at a time, each to at most
        ``NEAR_PER_WORD`` words the catalog holds."""
        if self._deletes is None:
            self._deletes = {}
            for word in self.words:
                if len(word) >= MIN_TYPO - 1 and not word.isdigit():
                    for variant in deletions(word) | {word}:
                        self._deletes.setdefault(variant, []).append(word)
        out: list[str] = []
        for key in name.keys:
            words = key.split()
            for at, word in enumerate(words):
                if len(word) < MIN_TYPO or word.isdigit():
                    continue
                near = sorted({w for v in deletions(word) | {word} for w in self._deletes.get(v, ())
                               if w != word and one_edit(word, w)})
                for respelled in near[:NEAR_PER_WORD]:
                    out.append(" ".join([*words[:at], respelled, *words[at + 1:]]))
        return list(dict.fromkeys(out))

    def __len__(self) -> int:
        return len(self.rows)

    def candidate(self, i: int) -> Candidate:
        tid, kind, title, original, year, runtime = self.rows[i]
        languages, seasons = self.extra.get(tid, ([], None))
        return Candidate(tid, kind, title, original, year, runtime, self.akas.get(i, []), self.tconst.get(tid),
                         self.xids.get(tid, {}), languages, seasons)

    def by_id(self, title_id: str) -> Candidate | None:
        i = self.pos.get(title_id)
        return None if i is None else self.candidate(i)

    def by_external_id(self, xids: dict[str, str]) -> tuple[Candidate, str] | None:
        """The title an external id names, and which id it was ("imdb tt0068646")."""
        for name, value in xids.items():
            if value in (None, ""):
                continue
            tid = self.by_xid.get((xid_source(name), str(value)))
            if tid is not None and tid in self.pos:
                return self.candidate(self.pos[tid]), f"{xid_source(name)} {value}"
        return None

    def block(self, name: Normalized, year: int | None, kind: str | None) -> list[Candidate]:
        """Titles sharing a key with ``name`` (spaces aside), in ``kind``'s group, within a year of ``year``.
        An unknown kind compares with every kind; a kind outside the groups (episode) only with itself."""
        return self._rows_of(name.squashed, year, kind)

    def near(self, name: Normalized, year: int | None, kind: str | None) -> list[Candidate]:
        """As ``block``, through the keys one letter off ``name``'s (``near_keys``)."""
        return self._rows_of([k.replace(" ", "") for k in self.near_keys(name)], year, kind)

    def _rows_of(self, keys: Iterable[str], year: int | None, kind: str | None) -> list[Candidate]:
        group = (KIND_GROUP.get(kind) or frozenset({kind})) if kind else None
        seen: set[int] = set()
        out = []
        for key in keys:
            for i in self.by_key.get(key, ()):
                if i in seen:
                    continue
                seen.add(i)
                _tid, t_kind, _t, _o, t_year, _rt = self.rows[i]
                if group is not None and t_kind not in group:
                    continue
                if year is not None and t_year is not None and abs(t_year - year) > 1:
                    continue
                out.append(self.candidate(i))
        return out


def people_of(con: duckdb.DuckDBPyConnection, title_ids: list[str]) -> dict[str, dict[str, str]]:
    """Folded person names credited on each title (directors, writers, cast), for the people component."""
    from reelradar.resolve.normalize import fold

    if not title_ids:
        return {}
    rows = con.execute(
        "SELECT c.title_id, p.name FROM credit c JOIN person p ON p.id = c.person_id "
        "WHERE c.title_id IN (SELECT unnest(?::VARCHAR[]))",
        [title_ids],
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for tid, name in rows:
        out.setdefault(tid, {})[fold(name)] = name
    return out


# A catalog with more indexed titles than this is not indexed whole in memory (the full IMDb catalog
# would take minutes and many GB): the titles a batch of records may match are found through the
# catalog's search index first, and indexed alone.
FULL_INDEX_MAX = 500_000
RARE_WORD = 20_000  # a word held by at most this many names finds a record's candidates alone
# ... of any year, for a record without one (a chart entry, a watchlist row): a year window no longer
# thins them, so a word must be rarer to probe alone
RARE_WORD_NO_YEAR = 1_000
# the words a name may hold besides its one word, in the search index's spelling ("father the 2020")
ARTICLE_OR_YEAR = r"\b(?:" + "|".join(a for a in TRAILING_ARTICLES if a.isalpha()) + r"|[0-9]{4})\b"
COMMON_EXTRA_WORDS = 1  # a spelling of common words finds names of at most this many words more
SPLIT_MIN = 2  # a word is split in two only into halves of at least this many letters


def _steady(word: str) -> bool:
    """A word spelled the same by both sides: not a number, which keys and names may write differently."""
    return not (word.isdigit() or word in ROMAN or word in NUMBER_WORDS)


def _joined_and_split(words: list[str]) -> Iterator[str]:
    """Each two neighbouring words joined ("old boy": "oldboy"), all of them joined, each long word's two halves
    ("oldboy": "old", "boy", ...): the forms another source may write them in."""
    for a, b in itertools.pairwise(words):
        yield a + b
    if len(words) > 2:
        yield "".join(words)  # "m a s h": "mash"
    for w in words:
        if len(w) >= 2 * SPLIT_MIN and not w.isdigit():
            for at in range(SPLIT_MIN, len(w) - SPLIT_MIN + 1):
                yield w[:at]
                yield w[at:]


def _respellings(con: duckdb.DuckDBPyConnection, spellings: list[tuple[list[str], int | None, str | None]],
                 sizes: dict[str, int]) -> list[tuple[list[str], int | None, str | None]]:
    """Other spellings of the records' names in words the index holds: neighbours joined, a word split
    in two, a word the index lacks respelled one letter off (through ``search_delete``). ``sizes`` gains
    the respelled words' counts."""
    unknown = sorted({w for ws, _, _ in spellings for w in ws
                      if w not in sizes and len(w) >= MIN_TYPO and _steady(w)})
    near: dict[str, list[str]] = {}
    if unknown:
        variants = sorted({v for w in unknown for v in deletions(w) | {w}})
        rows = con.execute("SELECT variant, word, names FROM search_delete "
                           "WHERE variant IN (SELECT unnest(?::VARCHAR[]))", [variants]).fetchall()
        by_variant: dict[str, list[tuple[str, int]]] = {}
        for variant, word, n in rows:
            by_variant.setdefault(variant, []).append((word, n))
        for w in unknown:
            hits = {word: n for v in deletions(w) | {w} for word, n in by_variant.get(v, ())
                    if word != w and one_edit(w, word)}
            near[w] = sorted(hits, key=lambda x: (-hits[x], x))[:NEAR_PER_WORD]
            sizes.update(hits)
    out = []
    for ws, year, kind in spellings:
        if len(ws) > 2 and "".join(ws) in sizes:
            out.append((["".join(ws)], year, kind))
        for at, w in enumerate(ws):
            if at + 1 < len(ws) and w + ws[at + 1] in sizes:
                out.append(([*ws[:at], w + ws[at + 1], *ws[at + 2:]], year, kind))
            if w in sizes:
                continue
            for cut in range(SPLIT_MIN, len(w) - SPLIT_MIN + 1):
                if len(w) >= 2 * SPLIT_MIN and w[:cut] in sizes and w[cut:] in sizes:
                    out.append(([*ws[:at], w[:cut], w[cut:], *ws[at + 1:]], year, kind))
            out += [([*ws[:at], r, *ws[at + 1:]], year, kind) for r in near.get(w, ())]
    return out


def candidate_ids(con: duckdb.DuckDBPyConnection,
                  records: Iterable[tuple[str | None, int | None, str | None, dict[str, str]]]) -> set[str]:
    """Every title a record (title, year, kind, external ids) may be matched with: the titles its ids
    name, and the titles of its kind group within a year of it whose name holds a rare word of the
    record's title (as typed, or as a blocking key spells it). What ``block`` finds is among them
    unless the two sides spell every rare word differently; read from the search index's postings
    instead of normalising every catalog title."""
    from reelradar.catalog.search import normalize as search_words

    spellings: list[tuple[list[str], int | None, str | None]] = []
    xids: set[str] = set()
    for title, year, kind, ids in records:
        xids.update(str(v) for v in ids.values() if v not in (None, ""))
        if title:
            forms = [search_words(title).split(), *(key.split() for key in normalize(title).keys)]
            spellings += [(words, year, kind) for words in forms if words]
    found: set[str] = set()
    if xids:
        values = sorted(xids)
        found.update(r[0] for r in con.execute(
            "SELECT title_id FROM title_xid WHERE xid IN (SELECT unnest(?::VARCHAR[])) "
            "UNION SELECT id FROM title WHERE id IN (SELECT unnest(?::VARCHAR[]))", [values, values]).fetchall())
    words = sorted({w for ws, _, _ in spellings for w in ws})
    if not words:
        return found
    asked = sorted({*words, *(w for ws, _, _ in spellings for w in _joined_and_split(ws))})
    sizes = dict(con.execute("SELECT word, names FROM search_vocab WHERE word IN (SELECT unnest(?::VARCHAR[]))",
                             [asked]).fetchall())
    spellings += _respellings(con, spellings, sizes)
    # Each rare word of a spelling probes alone (one word spelled alike suffices); a spelling of common
    # words only probes with its two rarest together, so that "Love Story" does not bring every love.
    # A word is rare by how many names hold it within the record's year window (RARE_WORD), or in any
    # year when the record has none (RARE_WORD_NO_YEAR). A spelling whose other words no catalog name
    # holds ("thats amor") cannot be a name's key; its one known word would bring every name of it, and
    # the respellings above stand for it instead.
    probes: set[tuple[str, str | None, int | None, str | None, int | None]] = set()
    for ws, year, kind in spellings:
        known = sorted({w for w in ws if w in sizes}, key=lambda w: (not _steady(w), sizes[w], w))
        rare = [w for w in known if _steady(w) and sizes[w] <= (RARE_WORD if year is not None else RARE_WORD_NO_YEAR)]
        if rare:
            probes.update((w, None, year, kind, None) for w in rare)
        elif known and (len(known) > 1 or all(w in sizes for w in ws)):
            # common words only: a name they find is one block or near can match, of about as many words
            # (one common word: names of that word alone, less an article or a year: "Father, The (2020)")
            probes.add((known[0], known[1] if len(known) > 1 else None, year, kind,
                        len(ws) + COMMON_EXTRA_WORDS if len(ws) > 1 else 0))
    if not probes:
        return found
    ordered = sorted(probes, key=lambda p: (p[0], p[1] or "", p[2] or 0, p[3] or "", p[4] or 0))
    groups = [sorted(KIND_GROUP.get(p[3]) or {p[3]}) if p[3] else None for p in ordered]
    found.update(r[0] for r in con.execute(
        f"""SELECT DISTINCT p.title_id
           FROM (SELECT unnest(?::VARCHAR[]) AS word, unnest(?::VARCHAR[]) AS also, unnest(?::INTEGER[]) AS year,
                        unnest(?::VARCHAR[][]) AS kinds, unnest(?::INTEGER[]) AS most) q
           JOIN search_posting p ON p.word = q.word
           WHERE p.{INDEXED_KINDS_SQL} AND (q.kinds IS NULL OR list_contains(q.kinds, p.kind))
             AND (q.year IS NULL OR p.year IS NULL OR abs(p.year - q.year) <= 1)
             AND (q.also IS NULL OR list_contains(string_split(p.name, ' '), q.also))
             AND (q.most IS NULL OR CASE WHEN q.most = 0
                  THEN NOT regexp_matches(trim(regexp_replace(p.name, ?, '', 'g')), ' ')
                  ELSE len(string_split(p.name, ' ')) <= q.most END)""",
        [[p[0] for p in ordered], [p[1] for p in ordered], [p[2] for p in ordered], groups,
         [p[4] for p in ordered], ARTICLE_OR_YEAR]).fetchall())
    return found


class GrowingIndex:
    """The blocking index of a large catalog: a ``CatalogIndex`` over the titles the records seen so
    far may match, grown a batch of records at a time (``prepare``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, exclude_prefix: str | None = None) -> None:
        self.con = con
        self.exclude_prefix = exclude_prefix
        self.ids: set[str] = set()
        self.seen: set[tuple[str | None, int | None, str | None, tuple[tuple[str, str], ...]]] = set()
        self.sub = CatalogIndex(con, only=(), exclude_prefix=exclude_prefix)
        self.built_at = self.sub.built_at
        self.sources: dict[str, set[str]] | None = None

    def prepare(self, records: Iterable[tuple[str | None, int | None, str | None, dict[str, str]]]) -> None:
        fresh = []
        for title, year, kind, ids in records:
            key = (title, year, kind, tuple(sorted((k, str(v)) for k, v in ids.items())))
            if key not in self.seen:
                self.seen.add(key)
                fresh.append((title, year, kind, ids))
        if not fresh:
            return
        more = candidate_ids(self.con, fresh) - self.ids
        if self.exclude_prefix:
            more = {i for i in more if not i.startswith(self.exclude_prefix)}
        if more:
            self.ids |= more
            self.sub = CatalogIndex(self.con, only=self.ids, exclude_prefix=self.exclude_prefix)

    def id_sources(self, kind: str | None = None) -> set[str]:
        """As ``CatalogIndex.id_sources``, over the whole catalog (counted once, in SQL)."""
        if self.sources is None:
            self.sources = id_coverage(self.con)
        return self.sources.get(_group_of(kind), set()) if kind else set().union(*self.sources.values())

    def __len__(self) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM title WHERE {INDEXED_KINDS_SQL}").fetchall()[0][0])

    def by_external_id(self, xids: dict[str, str]) -> tuple[Candidate, str] | None:
        return self.sub.by_external_id(xids)

    def block(self, name: Normalized, year: int | None, kind: str | None) -> list[Candidate]:
        return self.sub.block(name, year, kind)

    def near(self, name: Normalized, year: int | None, kind: str | None) -> list[Candidate]:
        return self.sub.near(name, year, kind)

    def by_id(self, title_id: str) -> Candidate | None:
        if title_id in self.ids:
            return self.sub.by_id(title_id)
        return CatalogIndex(self.con, only=[title_id]).by_id(title_id)  # a link by hand: that title alone


def index_for(con: duckdb.DuckDBPyConnection, full_max: int | None = None,
              exclude_prefix: str | None = None) -> CatalogIndex | GrowingIndex:
    """The whole catalog indexed in memory when it is small, else a ``GrowingIndex`` (which needs the
    catalog's search index; catalogs built before it are indexed whole). Titles whose id starts with
    ``exclude_prefix`` are left out."""
    n = con.execute(f"SELECT count(*) FROM title WHERE {INDEXED_KINDS_SQL}").fetchall()[0][0]
    has_postings = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name IN ('search_posting', 'search_vocab')").fetchall()[0][0] == 2
    limit = FULL_INDEX_MAX if full_max is None else full_max
    if n > limit and has_postings:
        return GrowingIndex(con, exclude_prefix)
    return CatalogIndex(con, exclude_prefix=exclude_prefix)
