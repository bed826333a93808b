"""Find titles by name: tolerant of case, accents, punctuation, a leading article and small typos.

This is the straightforward scan used on small catalogs; it keeps one signature so a faster index can
stand behind it for the full catalog.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import duckdb

from reelradar.errors import BadInput, NotFound

ARTICLES = ("the ", "a ", "an ")


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces, no leading English article."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    text = " ".join(re.sub(r"[^\w\s]", " ", text).split())
    for article in ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            return text[len(article):]
    return text


@dataclass
class SearchHit:
    id: str
    title: str
    kind: str
    year: int | None
    match: str  # exact, prefix, words, fuzzy


# SQL twin of normalize(), so the catalog side is compared on the same terms.
NORMALIZED_SQL = """regexp_replace(
    trim(regexp_replace(regexp_replace(lower(strip_accents({col})), '&', ' and ', 'g'),
                        '[^a-z0-9]+', ' ', 'g')),
    '^(the|a|an) ', '')"""


def search_titles(
    con: duckdb.DuckDBPyConnection, query: str, *, kind: str | None = None, year: int | None = None, limit: int = 10
) -> list[SearchHit]:
    """Titles matching ``query``: exact names first, then prefixes, words, and near spellings;
    within each, series and films before episodes and better-known titles first."""
    q = normalize(query)
    if not q:
        raise BadInput("search needs some words")
    filters, params = ["t.kind <> 'season'"], []
    if kind:
        filters.append("t.kind = ?")
        params.append(kind)
    if year:
        filters.append("t.year BETWEEN ? AND ?")
        params += [year - 1, year + 1]
    rows = con.execute(
        f"""WITH c AS (
              SELECT t.id, t.title, t.kind, t.year, {NORMALIZED_SQL.format(col="t.title")} AS n,
                     coalesce(s.evidence, 0) AS evidence
              FROM title t LEFT JOIN title_score s ON s.title_id = t.id
              WHERE {" AND ".join(filters)}),
            m AS (
              SELECT *, CASE WHEN n = $q THEN 'exact' WHEN starts_with(n, $q) THEN 'prefix'
                             WHEN contains(n, $q) THEN 'words' ELSE 'fuzzy' END AS match,
                        CASE WHEN n = $q THEN 4 WHEN starts_with(n, $q) THEN 3 WHEN contains(n, $q) THEN 2
                             ELSE jaro_winkler_similarity(n, $q) END AS score
              FROM c WHERE contains(n, $q) OR jaro_winkler_similarity(n, $q) >= 0.88)
            SELECT id, title, kind, year, match FROM m
            ORDER BY score DESC, kind = 'episode', evidence DESC, year DESC NULLS LAST, id
            LIMIT $limit""".replace("$q", "?").replace("$limit", "?"),
        [*params, *([q] * 9), limit],
    ).fetchall()
    return [SearchHit(*r) for r in rows]


def find_title(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The id of the title ``text`` names: an id as is, else the best search hit."""
    text = text.strip()
    if con.execute("SELECT 1 FROM title WHERE id = ?", [text]).fetchone():
        return text
    hits = search_titles(con, text, limit=1)
    if not hits:
        raise NotFound(f"no title matches {text!r}: try `reelradar show` with another spelling")
    return hits[0].id
