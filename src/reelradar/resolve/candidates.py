"""Blocking: which catalog titles a record is compared with at all.

Exact ids first (IMDb tconst, TMDB, Wikidata, ... through ``title_xid``), then the titles that share
a normalised key (whole title or main title, also through original and alternative titles) and fall
in the record's kind group and year ± 1. The cost grows with the candidates, not with the catalog
squared: the index normalises each catalog title once and every lookup is a dictionary probe.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb

from reelradar.resolve.distance import FILM_KINDS, SERIES_KINDS
from reelradar.resolve.normalize import Normalized, normalize

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
    return XID_ALIASES.get(name.lower(), name.lower())


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

    def names(self) -> Iterator[tuple[Normalized, str]]:
        yield normalize(self.title), f"'{self.title}'"
        if self.original_title and self.original_title != self.title:
            yield normalize(self.original_title), f"original title '{self.original_title}'"
        for aka, region in self.akas:
            yield normalize(aka), f"alternative title '{aka}'" + (f" ({region})" if region else "")


class CatalogIndex:
    """An in-memory blocking index over one catalog: normalised keys and external ids to titles."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute(
            f"SELECT id, kind, title, original_title, year, runtime_min FROM title WHERE {INDEXED_KINDS_SQL}"
        ).fetchall()
        self.rows = rows
        self.pos: dict[str, int] = {}
        self.by_key: dict[str, list[int]] = {}
        self.akas: dict[int, list[tuple[str, str | None]]] = {}
        for i, (tid, _kind, title, original, _year, _rt) in enumerate(rows):
            self.pos[tid] = i
            self._add_keys(i, title)
            if original and original != title:
                self._add_keys(i, original)
        for tid, aka, region in con.execute("SELECT title_id, title, region FROM title_aka").fetchall():
            at = self.pos.get(tid)
            if at is not None and aka:
                self.akas.setdefault(at, []).append((aka, region))
                self._add_keys(at, aka)
        self.by_xid: dict[tuple[str, str], str] = {}
        self.tconst: dict[str, str] = {}
        for tid, source, xid in con.execute("SELECT title_id, source, xid FROM title_xid").fetchall():
            self.by_xid.setdefault((xid_source(source), str(xid)), tid)
            if source == "imdb":
                self.tconst.setdefault(tid, xid)
        for tid in self.pos:  # a canonical id links by itself (tt…, wd:Q…, tmdb:tv:…)
            if tid.startswith("tt"):
                self.by_xid.setdefault(("imdb", tid), tid)
                self.tconst.setdefault(tid, tid)
            elif tid.startswith(CANONICAL_PREFIXES):
                prefix, _, value = tid.rpartition(":")
                self.by_xid.setdefault((CANONICAL_PREFIXES_SOURCE[prefix], value), tid)
        row = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
        self.built_at: str | None = row[0] if row else None

    def _add_keys(self, i: int, title: str) -> None:
        for key in normalize.__wrapped__(title).keys:  # bypass the cache: each catalog title is seen once
            bucket = self.by_key.get(key)
            if bucket is None:
                self.by_key[key] = [i]
            elif bucket[-1] != i:
                bucket.append(i)

    def __len__(self) -> int:
        return len(self.rows)

    def candidate(self, i: int) -> Candidate:
        tid, kind, title, original, year, runtime = self.rows[i]
        return Candidate(tid, kind, title, original, year, runtime, self.akas.get(i, []), self.tconst.get(tid))

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
        """Titles sharing a key with ``name``, in ``kind``'s group, within a year of ``year``."""
        # an unknown kind compares with every kind; a kind outside the groups (episode) only with itself
        group = (KIND_GROUP.get(kind) or frozenset({kind})) if kind else None
        seen: set[int] = set()
        out = []
        for key in name.keys:
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
