"""Exact links on shared ids (DESIGN §2, the first step of resolution): which catalog title an online
record is, from the IMDb, Wikidata and TMDB ids it carries. A record no catalog title claims keeps a
source-prefixed id (``tmdb:tv:1399``, ``wd:Q123``) and its external ids, so a later resolution can
merge it, and the next update re-keys its facts to the title that claims it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

# Preference when several catalog titles claim a record: the IMDb title itself, then by id kind.
RANK = {"id": 0, "imdb": 1, "wikidata": 2, "tmdb": 3}


@dataclass(frozen=True)
class Ids:
    """The external ids one record carries (any may be None)."""

    imdb: str | None = None
    wikidata: str | None = None
    tmdb: str | None = None  # "movie:603" or "tv:1399"


def resolve_ids(con: duckdb.DuckDBPyConnection, records: Iterable[Ids], *, own_source: str) -> dict[Ids, str]:
    """Map each record to the catalog title that claims it. Titles written by ``own_source`` itself do
    not count as claims (they are this source's own placeholders), except under their own id."""
    recs = list(dict.fromkeys(records))
    imdbs = sorted({r.imdb for r in recs if r.imdb})
    qids = sorted({r.wikidata for r in recs if r.wikidata})
    keys = sorted({r.tmdb for r in recs if r.tmdb})
    found: dict[tuple[str, str], tuple[int, str]] = {}

    def claim(kind: str, value: str, title_id: str) -> None:
        rank = RANK[kind]
        if (kind, value) not in found or (rank, title_id) < found[(kind, value)]:
            found[(kind, value)] = (rank, title_id)

    if imdbs:
        for (tid,) in con.execute(
            "SELECT id FROM title WHERE id IN (SELECT unnest(?)) AND source <> ?", [imdbs, own_source]
        ).fetchall():
            claim("id", tid, tid)
    if imdbs or qids or keys:
        for source, xid, tid in con.execute(
            """SELECT x.source, x.xid, x.title_id FROM title_xid x JOIN title t ON t.id = x.title_id
               WHERE t.source <> ? AND t.kind NOT IN ('episode', 'season') AND (
                     (x.source = 'imdb' AND x.xid IN (SELECT unnest(?)))
                  OR (x.source = 'wikidata' AND x.xid IN (SELECT unnest(?)))
                  OR (x.source = 'tmdb' AND x.xid IN (SELECT unnest(?))))""",
            [own_source, imdbs, qids, keys],
        ).fetchall():
            claim(source, xid, tid)
    out: dict[Ids, str] = {}
    for r in recs:
        options = [found[k] for k in (("id", r.imdb), ("imdb", r.imdb), ("wikidata", r.wikidata), ("tmdb", r.tmdb))
                   if k[1] and k in found]
        if options:
            out[r] = min(options)[1]
    return out
