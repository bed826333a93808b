"""Wikidata through its SPARQL endpoint (data CC0): how titles connect, review scores, and the id
crosswalk.

For the catalog's best-known titles with an IMDb id (P345) or a Wikidata id, in batches of
``wikidata_batch``, four bounded queries, each read in pages of ``wikidata_page_size`` rows (stable
``ORDER BY``, ``LIMIT``/``OFFSET``, at most ``wikidata_max_pages`` pages):

- ids: TMDB film (P4947) and series (P4983), Rotten Tomatoes (P1258), Letterboxd (P6127), IMDb (P345),
  and the platforms' own: Netflix (P1874), Prime Video (P8055), Disney+ (P7595, P7596);
- links: follows (P155) / followed by (P156), based on (P144, with the work's author P50), derivative
  work (P4969), series spin-off (P2512), media franchise (P8345), fictional universe (P1434), part of the
  series (P179), original broadcaster (P449), creator (P170), characters (P674);
- cast with their character roles (P161 with qualifier P453), which gives shared characters and who
  plays them;
- review scores (P444) by reviewer (P447: Rotten Tomatoes, Metacritic) with the number of reviews
  (P7887), the date (P585) and the method (P459) where given.

Facts are written with ``source='wdqs'`` (shown as "Wikidata"); scores as ``source`` the reviewer,
``via='wdqs'``: "Rotten Tomatoes via Wikidata, 2025-06-01".
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from reelradar.catalog.ensure import open_for_reading
from reelradar.config import Settings
from reelradar.errors import SourceFailure, Unreachable
from reelradar.http import HttpClient, client_for, host_of
from reelradar.sources.base import SourceInfo
from reelradar.sources.idmap import resolve_ids
from reelradar.sources.publish import publish
from reelradar.sources.tmdb import UpdateReport
from reelradar.sources.wikidata_rows import Facts, to_tables

WDQS = "wdqs"
INFO = SourceInfo(source=WDQS, name="Wikidata Query Service (SPARQL)", label="Wikidata", license="CC0 1.0",
                  credit="Wikidata contributors, CC0", url="https://www.wikidata.org/")
ENTITY = "http://www.wikidata.org/entity/"
TITLE_KINDS = ("movie", "series", "miniseries", "tv_movie", "special", "short")
LABELS = 'SERVICE wikibase:label { bd:serviceParam wikibase:language "en,mul". }'

# Platform ids (P1874 Netflix, P8055 Prime Video, P7595/P7596 Disney+ film/series) say that a title is
# on that platform: evidence the chart linker uses (resolve/charts.py; vocab.PLATFORM_ID_PROPERTIES).
IDS_QUERY = """SELECT ?item ?imdb ?tmdbMovie ?tmdbTv ?rt ?letterboxd ?netflix ?primeVideo ?disneyMovie ?disneySeries
WHERE {
  %(seeds)s
  OPTIONAL { ?item wdt:P4947 ?tmdbMovie } OPTIONAL { ?item wdt:P4983 ?tmdbTv }
  OPTIONAL { ?item wdt:P1258 ?rt } OPTIONAL { ?item wdt:P6127 ?letterboxd }
  OPTIONAL { ?item wdt:P1874 ?netflix } OPTIONAL { ?item wdt:P8055 ?primeVideo }
  OPTIONAL { ?item wdt:P7595 ?disneyMovie } OPTIONAL { ?item wdt:P7596 ?disneySeries }
}"""
LINKS_QUERY = """SELECT ?item ?prop ?other ?otherLabel ?otherImdb ?otherClass ?otherClassLabel ?otherDate
       ?author ?authorLabel WHERE {
  %(seeds)s
  VALUES ?prop { wdt:P155 wdt:P156 wdt:P144 wdt:P4969 wdt:P2512 wdt:P8345 wdt:P1434 wdt:P179 wdt:P449 wdt:P170 wdt:P674 }
  ?item ?prop ?other .
  OPTIONAL { ?other wdt:P345 ?otherImdb }
  OPTIONAL { ?other wdt:P31 ?otherClass }
  OPTIONAL { ?other wdt:P577 ?otherDate }
  OPTIONAL { ?other wdt:P50 ?author }
  %(labels)s
}"""
CAST_QUERY = """SELECT ?item ?actor ?actorLabel ?character ?characterLabel WHERE {
  %(seeds)s
  ?item p:P161 ?st . ?st ps:P161 ?actor ; pq:P453 ?character .
  %(labels)s
}"""
SCORES_QUERY = """SELECT ?item ?score ?reviewer ?count ?date ?method ?methodLabel WHERE {
  %(seeds)s
  ?item p:P444 ?st . ?st ps:P444 ?score ; pq:P447 ?reviewer .
  OPTIONAL { ?st pq:P7887 ?count } OPTIONAL { ?st pq:P585 ?date } OPTIONAL { ?st pq:P459 ?method }
  %(labels)s
}"""
QUERIES = {"ids": (IDS_QUERY, ("?item ?imdb ?tmdbMovie ?tmdbTv ?rt ?letterboxd ?netflix ?primeVideo "
                              "?disneyMovie ?disneySeries")),
           "links": (LINKS_QUERY, "?item ?prop ?other ?otherClass ?otherDate ?author"),
           "cast": (CAST_QUERY, "?item ?actor ?character"),
           "scores": (SCORES_QUERY, "?item ?reviewer ?score ?date ?count ?method")}
IMDB_RE = re.compile(r"^tt\d{7,}$")
QID_RE = re.compile(r"^Q\d+$")


class Sparql:
    """Paged, bounded SELECT queries against a SPARQL endpoint, JSON results."""

    def __init__(self, client: HttpClient, url: str, page_size: int, max_pages: int, max_age: float) -> None:
        self.client, self.url = client, url
        self.page_size, self.max_pages, self.max_age = page_size, max_pages, max_age
        self.truncated: list[str] = []

    def select(self, query: str, order: str, name: str = "query") -> Iterator[dict[str, str]]:
        """Rows of ``query`` (variable -> value), page by page until a short or empty page."""
        for page in range(self.max_pages):
            text = f"{query}\nORDER BY {order}\nLIMIT {self.page_size} OFFSET {page * self.page_size}"
            data = self.client.post_form(self.url, {"query": text},
                                         headers={"Accept": "application/sparql-results+json"},
                                         max_age=self.max_age).json()
            try:
                bindings = data["results"]["bindings"]
            except (KeyError, TypeError):
                raise SourceFailure(f"{self.url} did not answer with SPARQL JSON results", retryable=True) from None
            for b in bindings:
                yield {k: v.get("value", "") for k, v in b.items()}
            if len(bindings) < self.page_size:
                return
        self.truncated.append(name)


def seed_clause(imdbs: list[str], qids: list[str]) -> str:
    """Bind ?item to the batch's titles, by IMDb id or by Wikidata id (ids are validated first)."""
    parts = []
    if imdbs:
        values = " ".join(f'"{i}"' for i in imdbs)
        parts.append(f"{{ VALUES ?imdb {{ {values} }} ?item wdt:P345 ?imdb . }}")
    if qids:
        values = " ".join(f"wd:{q}" for q in qids)
        parts.append(f"{{ VALUES ?item {{ {values} }} }}")
    return " UNION ".join(parts)


def qid(uri: str | None) -> str | None:
    if not uri or not uri.startswith(ENTITY):
        return None
    return uri[len(ENTITY):]


def seeds(settings: Settings, limit: int | None = None) -> list[tuple[str, str | None, str | None, int | None]]:
    """Catalog titles to look up: (title id, IMDb id, Wikidata id, year), best known first."""
    con = open_for_reading(settings)
    try:
        has_scores = bool(con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'title_score'").fetchall()[0][0])
        order = "s.evidence DESC NULLS LAST, t.id" if has_scores else "t.id"
        join = "LEFT JOIN title_score s ON s.title_id = t.id" if has_scores else ""
        rows = con.execute(
            f"""SELECT t.id, coalesce(xi.xid, CASE WHEN regexp_matches(t.id, '^tt[0-9]+$') THEN t.id END), xw.xid, t.year
                FROM title t {join}
                LEFT JOIN (SELECT title_id, min(xid) AS xid FROM title_xid WHERE source = 'imdb' GROUP BY 1) xi
                       ON xi.title_id = t.id
                LEFT JOIN (SELECT title_id, min(xid) AS xid FROM title_xid WHERE source = 'wikidata' GROUP BY 1) xw
                       ON xw.title_id = t.id
                WHERE t.kind IN (SELECT unnest(?)) AND t.source <> ?
                  AND (xi.xid IS NOT NULL OR xw.xid IS NOT NULL OR regexp_matches(t.id, '^tt[0-9]+$'))
                ORDER BY {order} LIMIT ?""",
            [list(TITLE_KINDS), WDQS, limit or settings.wikidata_max_titles],
        ).fetchall()
    finally:
        con.close()
    return [(tid, imdb if imdb and IMDB_RE.match(imdb) else None, q if q and QID_RE.match(q) else None, year)
            for tid, imdb, q, year in rows]


def update(settings: Settings, *, client: HttpClient | None = None, limit: int | None = None,
           progress: Callable[[int, int], None] | None = None) -> UpdateReport:
    """Look the catalog's best-known titles up on Wikidata, stage the facts and apply them. A batch
    that fails is reported and keeps the facts fetched for its titles last time; when the first batch
    fails (the endpoint is down, or cannot be reached) nothing changes. When the network goes away
    mid-way, the batches left are reported failed without asking."""
    started = time.monotonic()
    own_client = client is None
    client = client or client_for(settings, rate_limits={host_of(settings.wikidata_sparql_url): settings.wikidata_rate_limit})
    sparql = Sparql(client, settings.wikidata_sparql_url, settings.wikidata_page_size, settings.wikidata_max_pages,
                    settings.http_cache_ttl)
    report = UpdateReport(source=WDQS)
    todo = seeds(settings, limit)
    report.followed = len(todo)
    facts = Facts()
    failed_titles: set[str] = set()
    batches = [todo[i:i + settings.wikidata_batch] for i in range(0, len(todo), settings.wikidata_batch)]
    try:
        for n, batch in enumerate(batches, 1):
            try:
                fetch_batch(sparql, batch, facts)
            except Unreachable as exc:
                if report.fetched == 0:
                    raise exc.with_hint("nothing was changed; run it again when online") from None
                for m, rest in enumerate(batches[n - 1:], n):
                    report.failed[f"batch {m} ({rest[0][0]} …)"] = exc.message
                    failed_titles |= {b[0] for b in rest}
                break
            except SourceFailure as exc:
                if not exc.retryable or report.fetched == 0:  # nothing worked yet: the endpoint is down
                    raise
                report.failed[f"batch {n} ({batch[0][0]} …)"] = exc.message
                failed_titles |= {b[0] for b in batch}
                continue
            report.fetched += len(batch)
            if progress:
                progress(n, len(batches))
    finally:
        report.requests, report.cache_hits, report.retries = client.stats.requests, client.stats.cache_hits, client.stats.retries
        if own_client:
            client.close()
    report.fetch_seconds = time.monotonic() - started
    report.notes += [f"query {q} stopped at wikidata_max_pages pages: some rows were left out" for q in sparql.truncated]
    con = open_for_reading(settings)
    try:
        claimed = resolve_ids(con, facts.related_ids(), own_source=WDQS)
    finally:
        con.close()
    tables = to_tables(facts.rows(claimed, datetime.now(UTC).replace(tzinfo=None, microsecond=0)))
    if failed_titles:
        tables = carry_over(settings, tables, failed_titles)
    report.rows = publish(settings, WDQS, WDQS, tables, [INFO]).rows
    report.seconds = time.monotonic() - started
    return report


def fetch_batch(sparql: Sparql, batch: list[tuple[str, str | None, str | None, int | None]], facts: Facts) -> None:
    imdbs = [b[1] for b in batch if b[1] and not b[2]]
    qids = [b[2] for b in batch if b[2]]
    if not imdbs and not qids:
        return
    clause = seed_clause(imdbs, qids)
    for tid, imdb, q, year in batch:
        facts.seed(tid, imdb, q, year)
    for name, (query, order) in QUERIES.items():
        text = query % {"seeds": clause, "labels": LABELS}
        for row in sparql.select(text, order, name):
            facts.add(name, row)


def carry_over(settings: Settings, tables: dict[str, pa.Table], titles: set[str]) -> dict[str, pa.Table]:
    """Keep last time's staged rows of titles whose batch failed now."""
    out = {}
    for name, table in tables.items():
        path = settings.staged_dir / name / f"{WDQS}.parquet"
        key = "src" if name == "relation" else "title_id"
        if path.exists() and key in table.column_names:
            old = pq.read_table(path)
            mask = pa.array([v in titles for v in old.column(key).to_pylist()])
            table = pa.concat_tables([table, old.filter(mask).select(table.column_names).cast(table.schema)])
        out[name] = table
    return out

