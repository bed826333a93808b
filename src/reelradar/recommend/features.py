"""The content index: every recommendable title as a row of one sparse feature matrix, built once from
the catalog and kept beside it, so "more like this" and "for you" never scan the catalog per call.

Feature blocks (each row L2-normalised within its block, then weighted, so a dot product of two rows
is a weighted sum of per-block cosines): genres, keywords, overview text (TF-IDF), cast (weighted by
billing where known), crew (creators, directors, writers), source material (the work and its
author), universe (titles joined by spin-off, sequel, prequel, remake, shared-universe or
shared-character relations), characters, languages. Era and kind are dense columns compared on the fly.
Every block but text is weighted by inverse document frequency, so sharing a rare person counts for
more than sharing "Drama".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import duckdb
import numpy as np
import scipy.sparse as sp

from reelradar.analytics.explain import Labels
from reelradar.analytics.hot import FRESH

BLOCK_WEIGHTS: dict[str, float] = {
    "genre": 0.8, "keyword": 0.8, "text": 0.7, "cast": 1.0, "crew": 1.0,
    "source": 1.5, "universe": 2.5, "character": 1.5, "language": 0.2,
}
BLOCKS = tuple(BLOCK_WEIGHTS)
ERA_WEIGHT = 0.3
ERA_SCALE = 8.0  # years over which era similarity falls to 1/e
KIND_WEIGHT = 0.3
YEAR_FIRST, YEAR_LAST = 1870, 2040  # era lookup table range; other years clip to its ends
KIND_GROUP = {"movie": 0, "tv_movie": 0, "short": 1, "series": 2, "miniseries": 2, "special": 3}
UNIVERSE_KINDS = ("spin_off_of", "sequel_of", "prequel_of", "remake_of", "same_universe", "shares_character")
ROLE_WEIGHT = {"creator": 1.0, "director": 1.0, "writer": 0.7, "author": 1.0, "producer": 0.3}
ROLES = ("actor", "creator", "director", "writer", "author", "producer", "other")
UNBILLED_CAST = 0.6  # cast weight when the billing order is unknown (between the 2nd and 3rd billed)
NOT_RECOMMENDED = ("season", "episode")
CONTENT_MAX = 250_000  # films and series the content index holds at most, those with the most evidence first


@dataclass
class ContentIndex:
    """Everything the recommenders need about the catalog, as arrays indexed by title position."""

    ids: np.ndarray  # catalog ids (object)
    names: np.ndarray  # titles (object)
    kinds: list[str]
    kind_code: np.ndarray  # int8 into kinds
    year: np.ndarray  # float32, nan unknown
    runtime: np.ndarray  # float32, nan unknown
    acclaim: np.ndarray  # float32 percentile 0..1, nan unknown
    awareness: np.ndarray  # float32 percentile 0..1, nan unknown
    evidence: np.ndarray  # float32: reviews and votes with known counts
    momentum: np.ndarray | None  # float32 chart momentum, nan unknown; None when the catalog has none
    matrix: sp.csr_matrix  # titles × features, weighted
    columns: sp.csc_matrix  # the same, by feature (posting lists)
    feature_block: np.ndarray  # int8 into BLOCKS
    feature_key: np.ndarray  # object: "genre:crime", "cast:<person id>", ...
    feature_label: np.ndarray  # object: what a person reads ("Crime", "Titus Welliver", ...)
    # credits with roles and characters, sorted by title: credit_ptr[i]:credit_ptr[i+1]
    credit_ptr: np.ndarray
    credit_feature: np.ndarray  # int32 feature of the person (cast or crew block)
    credit_role: np.ndarray  # int8 into ROLES
    credit_character: np.ndarray  # object, None when unknown
    credit_source: np.ndarray  # int16 into sources
    relations: dict[int, list[tuple[str, str, int, str | None, int]]]  # i -> (kind, "out"/"in", other, note, source)
    works: dict[int, list[tuple[str, str, str | None, int]]]  # i -> (work title, kind, author, source)
    sources: list[str]  # source labels
    title_source: np.ndarray  # int16 into sources
    title_day: np.ndarray  # int32 days since 1970 the title's facts were fetched, -1 unknown
    offer_title: np.ndarray  # int32
    offer_provider: np.ndarray  # object, as the source spells it
    offer_provider_key: np.ndarray  # object, lower case (for matching)
    offer_country: np.ndarray  # object, None when not stated
    offer_monetization: np.ndarray  # object
    scores_as_of: str | None = None
    pos: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.pos:
            self.pos = {str(k): i for i, k in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, title_id: str) -> int | None:
        return self.pos.get(title_id)

    def facts_from(self, i: int) -> str:
        day = int(self.title_day[i])
        when = f", {date.fromordinal(day + 719163).isoformat()}" if day >= 0 else ""
        return f"{self.sources[int(self.title_source[i])]}{when}"

    @cached_property
    def year_slot(self) -> np.ndarray:
        """Each title's row in an era table starting at ``YEAR_FIRST`` (-1: year unknown)."""
        year = np.nan_to_num(self.year, nan=-1.0)
        return np.where(year > 0, np.clip(year, YEAR_FIRST, YEAR_LAST) - YEAR_FIRST, -1).astype(np.int32)

    def feature_id(self, block: str, key: str) -> int | None:
        """The column of feature ``block:key`` (e.g. genre:crime), from a small per-block table."""
        tables = self.__dict__.setdefault("_feature_tables", {})
        if block not in tables:
            cols = self.block_columns(block)
            tables[block] = {str(self.feature_key[c]).split(":", 1)[1]: int(c) for c in cols}
        return tables[block].get(key)

    @cached_property
    def era_kind_code(self) -> np.ndarray:
        """(year slot + 1) × 10 + kind group per title: the cell of a flattened era × kind table."""
        return ((self.year_slot.astype(np.int32) + 1) * 10 + self.kind_group).astype(np.int32)

    @cached_property
    def acclaim_or_zero(self) -> np.ndarray:
        """Acclaim with unknown as 0: an unscored title gets no acclaim bonus (nothing is guessed)."""
        return np.nan_to_num(self.acclaim, nan=0.0).astype(np.float32)

    @cached_property
    def kind_group(self) -> np.ndarray:
        groups = np.asarray([KIND_GROUP.get(k, 9) for k in self.kinds], dtype=np.int8)
        return groups[self.kind_code]

    @cached_property
    def offer_codes(self) -> tuple[list[str], np.ndarray, list[str | None], np.ndarray]:
        """Providers (lower case) and countries as small code tables, so filters compare integers."""
        providers, p_code = np.unique(self.offer_provider_key.astype(str), return_inverse=True)
        countries = sorted({c for c in self.offer_country if c is not None})
        lookup = {c: k for k, c in enumerate(countries)}
        c_code = np.asarray([lookup.get(c, -1) if c is not None else -1 for c in self.offer_country], dtype=np.int32)
        return list(providers), p_code.astype(np.int32), list(countries), c_code

    def block_columns(self, block: str) -> np.ndarray:
        return np.flatnonzero(self.feature_block == BLOCKS.index(block))


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
    ).fetchall()
    return {r[0] for r in rows}


class _Features:
    """Accumulates (title, feature, weight) triples per block with their keys and labels."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.keys: list[str] = []
        self.labels: list[str] = []
        self.blocks: list[int] = []
        self.lookup: dict[str, int] = {}

    def intern(self, block: str, keys: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Feature ids of ``keys`` (creating them), given one label per key."""
        out = np.empty(len(keys), dtype=np.int64)
        uniq, first, inverse = np.unique(keys.astype(str), return_index=True, return_inverse=True)
        ids = np.empty(len(uniq), dtype=np.int64)
        for j, key in enumerate(uniq):
            full = f"{block}:{key}"
            fid = self.lookup.get(full)
            if fid is None:
                fid = len(self.keys)
                self.lookup[full] = fid
                self.keys.append(full)
                self.labels.append(str(labels[first[j]]))
                self.blocks.append(BLOCKS.index(block))
            ids[j] = fid
        out[:] = ids[inverse]
        return out

    def add(self, block: str, rows: np.ndarray, keys: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros(0, dtype=np.int64)
        fids = self.intern(block, keys, labels)
        self.rows.append(rows.astype(np.int64))
        self.cols.append(fids)
        self.vals.append(weights.astype(np.float32))
        return fids

    def add_ids(self, rows: np.ndarray, fids: np.ndarray, weights: np.ndarray) -> None:
        self.rows.append(rows.astype(np.int64))
        self.cols.append(fids.astype(np.int64))
        self.vals.append(weights.astype(np.float32))

    def matrix(self, n: int) -> sp.csr_matrix:
        nf = len(self.keys)
        if not self.rows:
            return sp.csr_matrix((n, nf), dtype=np.float32)
        r, c, v = np.concatenate(self.rows), np.concatenate(self.cols), np.concatenate(self.vals)
        m = sp.csr_matrix((v, (r, c)), shape=(n, nf), dtype=np.float32)
        m.sum_duplicates()
        m.data = np.minimum(m.data, np.float32(1.5))  # a person credited twice (writer and director) counts once-ish
        blocks = np.asarray(self.blocks, dtype=np.int8)
        # inverse document frequency, except for TF-IDF text (already weighted)
        df = np.bincount(m.indices, minlength=nf).astype(np.float32)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[blocks == BLOCKS.index("text")] = 1.0
        m.data *= idf[m.indices]
        # L2-normalise each title's row within each block, then weight the block
        row_of = np.repeat(np.arange(n), np.diff(m.indptr))
        block_of = blocks[m.indices].astype(np.int64)
        key = row_of * len(BLOCKS) + block_of
        norms = np.sqrt(np.bincount(key, weights=m.data.astype(np.float64) ** 2, minlength=n * len(BLOCKS)))
        weight = np.sqrt(np.asarray([BLOCK_WEIGHTS[b] for b in BLOCKS]))
        m.data = (m.data / norms[key] * weight[block_of]).astype(np.float32)
        return m


def build_index(con: duckdb.DuckDBPyConnection) -> ContentIndex:
    """Read the catalog once and build the content index (seconds for the demo, minutes for millions)."""
    labels = Labels(con)
    # On a catalog of millions (the full IMDb one), the titles with the most evidence behind their scores
    # (votes, reviews): every other title's features would take tens of GB for titles nobody has rated.
    ix = f"""ix AS MATERIALIZED (
        SELECT id, (row_number() OVER (ORDER BY id) - 1)::BIGINT AS i FROM (
            SELECT t.id FROM title t LEFT JOIN title_score s ON s.title_id = t.id
            WHERE t.kind NOT IN {NOT_RECOMMENDED} AND NOT coalesce(t.is_adult, FALSE)
            ORDER BY s.evidence DESC NULLS LAST, t.id LIMIT {CONTENT_MAX}))"""
    t = con.execute(
        f"""WITH {ix} SELECT t.id, t.title, t.kind, t.year, t.runtime_min, t.overview, t.source,
                   (epoch(t.fetched_at) // 86400)::INTEGER AS day,
                   s.acclaim, s.awareness, s.evidence
            FROM ix JOIN title t USING (id) LEFT JOIN title_score s ON s.title_id = t.id ORDER BY ix.i"""
    ).fetchnumpy()
    n = len(t["id"])
    ids = np.asarray(t["id"], dtype=object)
    kinds = sorted(set(t["kind"].tolist()))
    kind_code = np.asarray([kinds.index(k) for k in t["kind"]], dtype=np.int8)
    sources: list[str] = []
    source_code: dict[str, int] = {}

    def src(code: str | None) -> int:
        key = code or ""
        if key not in source_code:
            source_code[key] = len(sources)
            sources.append(labels.name(code))
        return source_code[key]

    def floats(name: str) -> np.ndarray:
        col = t[name]
        return np.asarray(np.ma.filled(np.ma.asarray(col, dtype=np.float64), np.nan), dtype=np.float32)

    f = _Features()
    for block, column in (("genre", "genres"), ("language", "languages")):
        rows = con.execute(
            f"""WITH {ix} SELECT ix.i, lower(g) AS key, g FROM ix JOIN
                (SELECT id, unnest({column}) AS g FROM title) USING (id) WHERE g IS NOT NULL AND g <> ''"""
        ).fetchnumpy()
        f.add(block, rows["i"], rows["key"], rows["g"], np.ones(len(rows["i"])))
    if {"title_id", "keyword"} <= _has_table(con, "title_keyword"):
        rows = con.execute(
            f"""WITH {ix} SELECT DISTINCT ix.i, lower(k.keyword) AS key, k.keyword FROM ix
                JOIN title_keyword k ON k.title_id = ix.id"""
        ).fetchnumpy()
        f.add("keyword", rows["i"], rows["key"], rows["keyword"], np.ones(len(rows["i"])))
    _add_text(f, t["overview"])
    credit = _add_credits(con, ix, f, n, src)
    relations, works = _add_relations(con, ix, f, n, src)
    matrix = f.matrix(n)
    offers = con.execute(
        f"""WITH {ix} SELECT ix.i, o.provider AS provider, upper(o.country) AS country, o.monetization
            FROM ix JOIN offer o ON o.title_id = ix.id ORDER BY ix.i"""
    ).fetchnumpy()
    as_of = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    title_source = np.asarray([src(s) for s in t["source"]], dtype=np.int16)
    return ContentIndex(
        ids=ids, names=np.asarray(t["title"], dtype=object), kinds=kinds, kind_code=kind_code,
        year=floats("year"), runtime=floats("runtime_min"), acclaim=floats("acclaim"),
        awareness=floats("awareness"), evidence=np.nan_to_num(floats("evidence")),
        momentum=_momentum(con, ix, n), matrix=matrix, columns=matrix.tocsc(),
        feature_block=np.asarray(f.blocks, dtype=np.int8), feature_key=np.asarray(f.keys, dtype=object),
        feature_label=np.asarray(f.labels, dtype=object), **credit, relations=relations, works=works,  # type: ignore[arg-type]
        sources=sources, title_source=title_source,
        title_day=np.asarray(np.ma.filled(np.ma.asarray(t["day"], dtype=np.int64), -1), dtype=np.int32),
        offer_title=np.asarray(offers["i"], dtype=np.int32),
        offer_provider=np.asarray(offers["provider"], dtype=object),
        offer_provider_key=np.asarray([str(x).lower() for x in offers["provider"]], dtype=object),
        offer_country=np.asarray([c if isinstance(c, str) else None for c in offers["country"]], dtype=object),
        offer_monetization=np.asarray(offers["monetization"], dtype=object),
        scores_as_of=as_of[0] if as_of else None,
    )


def _add_text(f: _Features, overviews: np.ndarray) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [o if isinstance(o, str) else "" for o in overviews]
    if sum(1 for d in docs if d) < 2:
        return
    # min_df=2: a word only one overview uses links nothing; max_df drops words most overviews share
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, max_df=0.5 if len(docs) > 50 else 1.0,
                          max_features=200_000, dtype=np.float32)
    try:
        m = vec.fit_transform(docs).tocoo()
    except ValueError:  # no word is shared by two overviews
        return
    vocab = np.asarray(vec.get_feature_names_out(), dtype=object)
    f.add("text", m.row, vocab[m.col], vocab[m.col], m.data)


def _add_credits(con: duckdb.DuckDBPyConnection, ix: str, f: _Features, n: int, src) -> dict[str, np.ndarray]:
    rows = con.execute(
        f"""WITH {ix} SELECT ix.i, c.person_id, coalesce(p.name, c.person_id) AS name, c.role,
                   c."character" AS ch, c.ordering, c.source
            FROM ix JOIN credit c ON c.title_id = ix.id
            LEFT JOIN (SELECT DISTINCT ON (id) id, name FROM person) p ON p.id = c.person_id
            ORDER BY ix.i, c.ordering NULLS LAST, c.person_id"""
    ).fetchnumpy()
    i = np.asarray(rows["i"], dtype=np.int64)
    role = np.asarray(rows["role"], dtype=object)
    actor = role == "actor"
    order = np.ma.filled(np.ma.asarray(rows["ordering"], dtype=np.float64), np.nan)
    cast_w = np.where(np.isnan(order), UNBILLED_CAST, 1.0 / np.sqrt(np.maximum(order, 1.0)))
    feature = np.full(len(i), -1, dtype=np.int64)
    pid, name = np.asarray(rows["person_id"], dtype=object), np.asarray(rows["name"], dtype=object)
    feature[actor] = f.add("cast", i[actor], pid[actor], name[actor], cast_w[actor])
    crew = ~actor
    crew_w = np.asarray([ROLE_WEIGHT.get(r, 0.3) for r in role[crew]])
    feature[crew] = f.add("crew", i[crew], pid[crew], name[crew], crew_w)
    authors = role == "author"
    f.add("source", i[authors], pid[authors], name[authors], np.ones(int(authors.sum())))
    chars = np.asarray([c if isinstance(c, str) and c.strip() else None for c in rows["ch"]], dtype=object)
    has_char = actor & np.asarray([c is not None for c in chars], dtype=bool)
    keys = np.asarray([" ".join(str(c).lower().split()) for c in chars[has_char]], dtype=object)
    f.add("character", i[has_char], keys, chars[has_char], np.ones(int(has_char.sum())))
    return {
        "credit_ptr": np.searchsorted(i, np.arange(n + 1)).astype(np.int64),
        "credit_feature": feature.astype(np.int32),
        "credit_role": np.asarray([ROLES.index(r) if r in ROLES else len(ROLES) - 1 for r in role], dtype=np.int8),
        "credit_character": chars,
        "credit_source": np.asarray([src(s) for s in rows["source"]], dtype=np.int16),
    }


def _add_relations(con: duckdb.DuckDBPyConnection, ix: str, f: _Features, n: int, src):
    rel = con.execute(
        f"""WITH {ix} SELECT a.i AS s, b.i AS d, r.kind, r.note, r.source
            FROM relation r JOIN ix a ON a.id = r.src JOIN ix b ON b.id = r.dst ORDER BY a.i, b.i, r.kind"""
    ).fetchall()
    relations: dict[int, list[tuple[str, str, int, str | None, int]]] = {}
    parent = list(range(n)) if rel else []

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, d, kind, note, source in rel:
        relations.setdefault(int(s), []).append((kind, "out", int(d), note, src(source)))
        relations.setdefault(int(d), []).append((kind, "in", int(s), note, src(source)))
        if kind in UNIVERSE_KINDS:
            a, b = root(int(s)), root(int(d))
            if a != b:
                parent[max(a, b)] = min(a, b)
        if kind == "shares_character" and note:
            key = " ".join(note.lower().split())
            f.add("character", np.asarray([s, d]), np.asarray([key, key], dtype=object),
                  np.asarray([note, note], dtype=object), np.ones(2))
    members = sorted({x for s, d, *_ in rel for x in (int(s), int(d))})
    if members:
        roots = np.asarray([root(x) for x in members])
        f.add("universe", np.asarray(members), roots.astype(str).astype(object), roots.astype(str).astype(object),
              np.ones(len(members)))
    work_rows = con.execute(
        f"""WITH {ix} SELECT ix.i, w.id, w.title, coalesce(w.kind, 'work') AS kind, w.author_id, w.author_name, r.source
            FROM relation r JOIN ix ON ix.id = r.src JOIN work w ON w.id = r.dst
            WHERE r.kind = 'adapted_from' ORDER BY ix.i, w.id"""
    ).fetchall()
    works: dict[int, list[tuple[str, str, str | None, int]]] = {}
    for i, wid, wtitle, wkind, author_id, author_name, source in work_rows:
        works.setdefault(int(i), []).append((wtitle, wkind, author_name, src(source)))
        f.add("source", np.asarray([i]), np.asarray([wid], dtype=object), np.asarray([wtitle], dtype=object), np.ones(1))
        if author_id or author_name:
            f.add("source", np.asarray([i]), np.asarray([author_id or author_name], dtype=object),
                  np.asarray([author_name or author_id], dtype=object), np.ones(1))
    return relations, works


def _momentum(con: duckdb.DuckDBPyConnection, ix: str, n: int) -> np.ndarray | None:
    """Chart momentum per title, when the catalog has a ``chart_momentum`` table (else None); only of
    charts current with the newest chart data (analytics/hot.py): a chart that stopped in 2022 is not
    breaking out now."""
    cols = _has_table(con, "chart_momentum")
    if not {"title_id", "momentum", "as_of", "window_days"} <= cols or not _has_table(con, "chart_period"):
        return None
    rows = con.execute(
        f"""WITH {ix} SELECT ix.i, max(m.momentum) AS v FROM ix JOIN chart_momentum m ON m.title_id = ix.id
            WHERE m.momentum IS NOT NULL AND {FRESH} GROUP BY ix.i"""
    ).fetchnumpy()
    out = np.full(n, np.nan, dtype=np.float32)
    out[np.asarray(rows["i"], dtype=np.int64)] = np.asarray(rows["v"], dtype=np.float32)
    return out
