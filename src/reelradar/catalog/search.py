"""Find titles by name: tolerant of case, accents, punctuation, a leading article and small typos.

A build writes a word index into the catalog (``build_search_index``):

- ``search_posting``: one row per word of each distinct normalised name of a title (its primary and
  original titles, and its alternative titles except for episodes), carrying what ranking needs (the
  whole name, the display title, kind, year, vote count), sorted by word so DuckDB's min/max zone maps
  turn a word lookup into reading one or two row groups;
- ``search_vocab``: each word and how many names hold it;
- ``search_delete``: each word of four letters or more under every one-letter deletion of it, so a
  word one edit away (a letter missing, extra, changed or two swapped) is found by equality lookups
  (the symmetric-delete method).

A query looks up its words (exactly, with their one-edit neighbours, and the last one as a prefix),
reads the postings of its rarest word, keeps the names that hold every word, and ranks them: exact
name, then name prefix, then all words, then near spellings; within each, series and films before
episodes, then by vote count. Catalogs built before the index existed are scanned instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import duckdb

from reelradar.catalog.db import has_table
from reelradar.errors import BadInput, NotFound

ARTICLES = ("the ", "a ", "an ")
MIN_FUZZY = 4  # words shorter than this are matched exactly only (one edit away is another word)
MAX_PREFIX_WORDS = 10  # completions of an unfinished last word, the most common first
MIN_PREFIX = 1  # an unfinished last word shorter than this is taken as it is
BRANCH_COST = 3000
FUZZY_BELOW = 20  # a word held by fewer names than this may be a typo of a commoner one: look one edit away


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces, no leading English article."""
    # Canonical decomposition only, as DuckDB's strip_accents: "8½" and "ﬁlm" stay as they are on the
    # catalog side, so they must here too. NFC again after dropping the marks: scripts such as Hangul
    # decompose under NFD and must come back whole.
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))
    text = text.lower().replace("&", " and ")
    text = " ".join(re.sub(r"[\W_]+", " ", text).split())
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
    end_year: int | None = None
    votes: int | None = None  # the largest vote or review count behind the title's scores
    matched: str | None = None  # the alternative title that matched, when not the title itself
    evidence: str | None = None  # what ``votes`` counts: "votes" or "reviews"
    made_by: list[str] = field(default_factory=list)  # directors of a film, creators of a series (billing order)
    acclaim: float | None = None  # the title's acclaim (0..1, a percentile in its cohort), None if unscored


# SQL twin of normalize(), so the catalog side is compared on the same terms (letters of any script).
# strip_accents only where a string has a non-ASCII character: it is the costly step, and most titles
# have none.
NORMALIZED_SQL = """regexp_replace(
    trim(regexp_replace(
        replace(CASE WHEN strlen({col}) = length({col}) THEN lower({col}) ELSE lower(strip_accents({col})) END,
                '&', ' and '),
        '[^\\p{{L}}\\p{{N}}]+', ' ', 'g')),
    '^(the|a|an) (.)', '\\2')"""


def build_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)write the search tables of a catalog under construction from ``title`` and ``title_aka``."""
    for table in ("search_posting", "search_vocab", "search_delete"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # Left out: episodes' generic names ("Episode #1.2", "Episode dated 3 May 1999": nobody looks an
    # episode up by them, and they are half of all episodes), episodes' alternative titles (mostly the
    # same in other languages), and alternative titles spelled exactly like the title itself.
    con.execute(f"CREATE TEMP TABLE _names AS {_names_sql('TRUE')}")
    con.execute("""
        CREATE TABLE search_posting AS
        SELECT unnest(string_split(name, ' ')) AS word, title_id, name, alt, display, kind, year, end_year, votes
        FROM _names WHERE name <> '' ORDER BY word""")
    con.execute("DROP TABLE _names")
    con.execute("CREATE TABLE search_vocab AS SELECT word, count(*) AS names FROM search_posting GROUP BY word ORDER BY word")
    con.execute(f"CREATE TABLE search_delete AS {_deletes_sql('TRUE')} ORDER BY variant")


def _names_sql(only: str) -> str:
    """Each distinct normalised name of the titles ``only`` selects (SQL over ``title``'s columns), with
    what ranking needs."""
    return f"""
        WITH chosen AS (SELECT * FROM title WHERE {only}),
        named AS (
            SELECT id AS title_id, title AS raw, FALSE AS is_alt FROM chosen
            WHERE kind <> 'season' AND NOT (kind = 'episode' AND (starts_with(title, 'Episode #')
                                                                  OR starts_with(title, 'Episode dated ')))
            UNION ALL
            SELECT id, original_title, TRUE FROM chosen
            WHERE kind <> 'season' AND original_title IS NOT NULL AND original_title <> title
            UNION ALL
            SELECT a.title_id, a.title, TRUE FROM title_aka a JOIN chosen t ON t.id = a.title_id
            WHERE t.kind NOT IN ('season', 'episode') AND a.title <> t.title
              AND a.title IS DISTINCT FROM t.original_title),
        normalized AS (SELECT title_id, raw, is_alt, {NORMALIZED_SQL.format(col="raw")} AS name FROM named),
        -- No filter on name here: DuckDB would push it into the scans and normalise every alternative
        -- title twice, those of episodes too (half the time of this statement at real IMDb size).
        per_name AS (
            SELECT title_id, name, CASE WHEN bool_or(NOT is_alt) THEN NULL ELSE min(raw) END AS alt
            FROM normalized GROUP BY title_id, name)
        SELECT n.title_id, n.name, n.alt, t.title AS display, t.kind, t.year, t.end_year, p.votes
        FROM per_name n JOIN chosen t ON t.id = n.title_id
        LEFT JOIN (SELECT title_id, max(count) AS votes FROM rating GROUP BY title_id) p ON p.title_id = n.title_id"""


def _deletes_sql(words: str) -> str:
    """Each vocabulary word ``words`` selects under itself and under each one-letter deletion: a query
    word w finds the words one edit away by looking up w and its own deletions (words of MIN_FUZZY - 1
    letters are there under themselves, as deletions of MIN_FUZZY-letter query words)."""
    return f"""
        SELECT variant, word, names FROM (
            SELECT word AS variant, word, names FROM search_vocab WHERE length(word) >= {MIN_FUZZY - 1} AND {words}
            UNION ALL
            SELECT word[1:i - 1] || word[i + 1:], word, names FROM search_vocab, range(1, 65) r(i)
            WHERE length(word) >= {MIN_FUZZY} AND i <= length(word) AND {words})"""


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND table_name IN ('search_posting', 'search_vocab', 'search_delete')").fetchall()[0][0] == 3


def update_search_index(con: duckdb.DuckDBPyConnection, title_ids: list[str]) -> None:
    """Bring the search index up to date for a few titles that were added, changed or removed (those
    chart imports create), instead of rebuilding it for the whole catalog."""
    if not title_ids:
        return
    if not has_search_index(con):
        build_search_index(con)
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _changed AS SELECT unnest(?::VARCHAR[]) AS id", [sorted(set(title_ids))])
    con.execute(f"CREATE OR REPLACE TEMP TABLE _names AS {_names_sql('id IN (SELECT id FROM _changed)')}")
    con.execute("""CREATE OR REPLACE TEMP TABLE _words AS
                   SELECT DISTINCT word FROM search_posting WHERE title_id IN (SELECT id FROM _changed)
                   UNION SELECT DISTINCT unnest(string_split(name, ' ')) FROM _names WHERE name <> ''""")
    con.execute("DELETE FROM search_posting WHERE title_id IN (SELECT id FROM _changed)")
    con.execute("""INSERT INTO search_posting
                   SELECT unnest(string_split(name, ' ')) AS word, title_id, name, alt, display, kind, year,
                          end_year, votes
                   FROM _names WHERE name <> '' ORDER BY word""")
    con.execute("DELETE FROM search_vocab WHERE word IN (SELECT word FROM _words)")
    con.execute("""INSERT INTO search_vocab SELECT word, count(*) FROM search_posting
                   WHERE word IN (SELECT word FROM _words) GROUP BY word""")
    con.execute("DELETE FROM search_delete WHERE word IN (SELECT word FROM _words)")
    con.execute(f"INSERT INTO search_delete {_deletes_sql('word IN (SELECT word FROM _words)')}")
    for table in ("_changed", "_names", "_words"):
        con.execute(f"DROP TABLE {table}")


def titles_named_on(con: duckdb.DuckDBPyConnection, name: str, kinds: list[str], *, leave_out: str,
                    leave_out_prefix: str, limit: int) -> list[tuple[str, str, int | None]]:
    """Titles of ``kinds`` (not ``leave_out``, no id beginning ``leave_out_prefix``) whose names begin with ``name``
    and go on after a space or a colon ("The Godfather" → "The Godfather Part II"), oldest first.

    Such a name holds every word of ``name``, so only the postings of its rarest word are read: a scan
    of every name took 0.7-1.4 s on a full IMDb catalog. Catalogs built before the index are scanned."""
    begins = "(starts_with(lower({col}), lower(?) || ' ') OR starts_with(lower({col}), lower(?) || ':'))"
    words = list(dict.fromkeys(normalize(name).split()))
    if has_search_index(con) and words:
        sizes = dict(con.execute("SELECT word, names FROM search_vocab WHERE word IN (SELECT unnest(?))",
                                 [words]).fetchall())
        if len(sizes) < len(words):
            return []  # a word no name holds: no name begins with this one
        rarest = min(words, key=lambda w: (sizes[w], w))
        sql = f"""SELECT DISTINCT title_id, display, year FROM search_posting
                  WHERE word = ? AND alt IS NULL AND kind IN (SELECT unnest(?)) AND title_id <> ?
                    AND NOT starts_with(title_id, ?) AND {begins.format(col="display")}"""
        params: list[object] = [rarest, kinds, leave_out, leave_out_prefix, name, name]
    else:
        sql = f"""SELECT id, title, year FROM title WHERE kind IN (SELECT unnest(?)) AND id <> ?
                  AND NOT starts_with(id, ?) AND {begins.format(col="title")}"""
        params = [kinds, leave_out, leave_out_prefix, name, name]
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY 3 NULLS LAST, 2, 1 LIMIT ?", [*params, limit]).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are equal or differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:] or (i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:])
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]


def _union_eq(table: str, column: str, select: str, values: list[str], prefix: int = 2) -> tuple[str, list[object]]:
    """Rows whose ``column`` is one of ``values``, read so that DuckDB's zone maps prune: values that
    sort close together (same first two letters) share one IN list, whose min..max range prunes the
    row groups of a table sorted on ``column``; the groups are joined with UNION ALL."""
    groups: dict[str, list[str]] = {}
    for v in sorted(set(values)):
        groups.setdefault(v[:prefix], []).append(v)
    branches = [f"SELECT {select} FROM {table} WHERE {column} IN ({', '.join('?' * len(g))})" for g in groups.values()]
    return " UNION ALL ".join(branches), [v for g in groups.values() for v in g]


def _expand(con: duckdb.DuckDBPyConnection, words: list[str], last_is_prefix: bool, all_fuzzy: bool = False
            ) -> tuple[list[dict[str, str]], dict[str, int]]:
    """For each query word, the index words it may stand for ({index word: 'exact' | 'fuzzy' |
    'prefix'}), and how many names hold each of them. The exact words and the completions of the last
    one are looked up together; one-edit neighbours only for words the index lacks or holds rarely."""
    sql, params = _union_eq("search_vocab", "word", "'v', word, names", words)
    last = words[-1]
    if last_is_prefix and len(last) >= MIN_PREFIX:
        sql += (" UNION ALL SELECT * FROM (SELECT 'p', word, names FROM search_vocab WHERE word > ? AND word < ? "
                "ORDER BY names DESC LIMIT ?)")
        params += [last, last + "\U0010ffff", MAX_PREFIX_WORDS]
    rows = con.execute(sql, params).fetchall()
    sizes = {word: n for _, word, n in rows}
    completions = [word for src, word, _ in rows if src == "p"]
    # A rare word may be a typo of a common one; a 3-letter word only when the index lacks it.
    typo = [w for w in words if len(w) >= MIN_FUZZY - 1 and (all_fuzzy or sizes.get(w, 0) < FUZZY_BELOW)
            and (len(w) >= MIN_FUZZY or w not in sizes)]
    near: list[tuple[str, str]] = []
    if typo:
        keys = sorted({k for w in typo for k in deletions(w) | {w}})
        sql, params = _union_eq("search_delete", "variant", "variant, word, names", keys, prefix=1)
        found = con.execute(sql, params).fetchall()
        sizes.update({word: n for _, word, n in found})
        near = [(variant, word) for variant, word, _ in found]
    out = []
    for i, w in enumerate(words):
        options: dict[str, str] = {}
        if w in typo:
            wkeys = deletions(w) | {w}
            options.update({word: "fuzzy" for key, word in near if key in wkeys and word != w and one_edit(w, word)})
        if last_is_prefix and i == len(words) - 1:
            options.update({word: "prefix" for word in completions if word != w})
        if w in sizes:
            options[w] = "exact"
        out.append(options)
    return out, sizes


def search_titles(
    con: duckdb.DuckDBPyConnection, query: str, *, kind: str | None = None, year: int | None = None, limit: int = 10
) -> list[SearchHit]:
    """Titles matching ``query``: exact names first, then prefixes, words, and near spellings;
    within each, series and films before episodes and better-known titles first.
    ``year`` keeps titles within a year of it; ``kind`` keeps one kind."""
    q = normalize(query)
    if not q:
        raise BadInput("search needs some words")
    if limit < 1:
        raise BadInput("--limit must be at least 1")
    words = list(dict.fromkeys(q.split()))
    prefix = not query.endswith(" ")
    try:
        options, sizes = _expand(con, words, prefix)
    except duckdb.CatalogException:  # a catalog built before the index existed
        return _scan(con, q, kind=kind, year=year, limit=limit)
    hits = _ranked(con, q, words, options, sizes, kind=kind, year=year, limit=limit)
    if not hits:  # every word was found as typed, yet not together: one of them may be a typo too
        options, sizes = _expand(con, words, prefix, all_fuzzy=True)
        hits = _ranked(con, q, words, options, sizes, kind=kind, year=year, limit=limit)
    return described(con, hits)


MADE_BY = {"director": 0, "creator": 1}  # the roles that tell two titles of one name apart


def described(con: duckdb.DuckDBPyConnection, hits: list[SearchHit]) -> list[SearchHit]:
    """Hits with what tells titles of one name apart: who made them (directors of a film, creators of a
    series, at most two), their acclaim, and what their count counts (votes or reviews)."""
    ids = [h.id for h in hits]
    if not ids:
        return hits
    people: dict[str, list[str]] = {}
    for title_id, name in con.execute(
        """SELECT c.title_id, p.name FROM credit c JOIN person p ON p.id = c.person_id
           WHERE c.title_id IN (SELECT unnest(?)) AND c.role IN ('director', 'creator')
           ORDER BY c.title_id, c.role = 'creator', c.ordering NULLS LAST, p.name""", [ids]).fetchall():
        names = people.setdefault(title_id, [])
        if name not in names and len(names) < 2:
            names.append(name)
    acclaim = dict(con.execute("SELECT title_id, acclaim FROM title_score WHERE title_id IN (SELECT unnest(?))",
                               [ids]).fetchall()) if has_table(con, "title_score") else {}
    # the largest count behind a title's ratings, and whether critics' reviews or audience votes
    counts = {r[0]: r[1:] for r in con.execute(
        """SELECT title_id, max(count), arg_max(metric, count) FROM rating
           WHERE title_id IN (SELECT unnest(?)) AND count IS NOT NULL GROUP BY title_id""", [ids]).fetchall()}
    for h in hits:
        h.made_by = people.get(h.id, [])
        h.acclaim = acclaim.get(h.id)
        h.votes, metric = counts.get(h.id, (None, None))
        h.evidence = None if metric is None else (
            "reviews" if metric.startswith("critic") or metric == "metascore" else "votes")
    return hits


def _ranked(con: duckdb.DuckDBPyConnection, q: str, words: list[str], options: list[dict[str, str]],
            sizes: dict[str, int], *, kind: str | None, year: int | None, limit: int) -> list[SearchHit]:
    """The ranked titles whose names hold, for every query word, one of the index words it stands for."""
    if any(not o for o in options):
        return []
    # The anchor word's postings are read: the fewest rows, each index word looked up costing about as
    # much as reading a few thousand rows.
    anchor = min(range(len(words)), key=lambda i: sum(sizes.get(x, 0) + BRANCH_COST for x in options[i]))
    anchor_words = sorted(options[anchor])
    # One equality per word: DuckDB then filters the word column inside the scan and reads the other
    # columns only where it matched (an IN list prunes row groups too, but decodes all of each).
    postings = " UNION ALL ".join(
        ["SELECT rowid AS rid, *, string_split(name, ' ') AS words FROM search_posting WHERE word = ?"] * len(anchor_words))
    params = list(anchor_words)
    filters: list[str] = []
    fparams: list[object] = []
    for i, o in enumerate(options):
        if i != anchor:
            filters.append("list_has_any(words, ?::VARCHAR[])")
            fparams.append(sorted(o))
    more, more_params = _kind_year(kind, year)
    filters += more
    fparams += more_params
    exact_words = [w for w, o in zip(words, options) if o.get(w) == "exact"]
    all_exact = len(exact_words) == len(words)
    rows = con.execute(
        f"""WITH c AS MATERIALIZED ({postings}),
            m AS MATERIALIZED (
              SELECT rid, title_id, display, kind, year, end_year, votes, alt, name,
                     CASE WHEN name = ? THEN 4
                          WHEN starts_with(name, ?) THEN 3
                          WHEN ? AND list_has_all(words, ?::VARCHAR[]) THEN 2
                          ELSE 1 END AS rank_class,
                     jaro_winkler_similarity(name, ?) AS near
              FROM c WHERE {" AND ".join(filters) or "TRUE"}),
            -- each title once, by its best name: the best class, then its own title before an alternative
            -- one, then the nearest (near is within 0..1, so one number orders them so); a hash aggregate
            -- of numbers, much cheaper than a window over every candidate
            best AS (SELECT * FROM m WHERE rid IN (
                       SELECT arg_max(rid, rank_class * 4 + (alt IS NULL)::INT * 2 + near) FROM m GROUP BY title_id))
            SELECT title_id, display, kind, year,
                   CASE rank_class WHEN 4 THEN 'exact' WHEN 3 THEN 'prefix' WHEN 2 THEN 'words' ELSE 'fuzzy' END,
                   end_year, votes, alt
            FROM best
            ORDER BY rank_class DESC, kind = 'episode', CASE WHEN rank_class = 1 THEN near END DESC NULLS LAST,
                     votes DESC NULLS LAST, near DESC, year DESC NULLS LAST, title_id
            LIMIT ?""",
        [*params, q, q, all_exact, words, q, *fparams, limit],
    ).fetchall()
    return [SearchHit(id=r[0], title=r[1], kind=r[2], year=r[3], match=r[4], end_year=r[5], votes=r[6],
                      matched=r[7]) for r in rows]


def _kind_year(kind: str | None, year: int | None, prefix: str = "") -> tuple[list[str], list[object]]:
    """SQL filters (and their parameters) for the kind asked for and a year within one of ``year``."""
    filters: list[str] = []
    params: list[object] = []
    if kind:
        filters.append(f"{prefix}kind = ?")
        params.append(kind)
    if year:
        filters.append(f"{prefix}year BETWEEN ? AND ?")
        params += [year - 1, year + 1]
    return filters, params


def _scan(con: duckdb.DuckDBPyConnection, q: str, *, kind: str | None, year: int | None, limit: int) -> list[SearchHit]:
    """The index-less search of catalogs built before the index: a scan of every title name."""
    filters, params = _kind_year(kind, year, "t.")
    filters.insert(0, "t.kind <> 'season'")
    rows = con.execute(
        f"""WITH c AS (
              SELECT t.id, t.title, t.kind, t.year, t.end_year, {NORMALIZED_SQL.format(col="t.title")} AS n
              FROM title t WHERE {" AND ".join(filters)}),
            m AS (
              SELECT *, CASE WHEN n = $q THEN 'exact' WHEN starts_with(n, $q) THEN 'prefix'
                             WHEN contains(n, $q) THEN 'words' ELSE 'fuzzy' END AS match,
                        CASE WHEN n = $q THEN 4 WHEN starts_with(n, $q) THEN 3 WHEN contains(n, $q) THEN 2
                             ELSE jaro_winkler_similarity(n, $q) END AS score
              FROM c WHERE contains(n, $q) OR jaro_winkler_similarity(n, $q) >= 0.88)
            SELECT id, title, kind, year, match, end_year FROM m
            ORDER BY score DESC, kind = 'episode', year DESC NULLS LAST, id
            LIMIT $limit""".replace("$q", "?").replace("$limit", "?"),
        [*params, *([q] * 9), limit],
    ).fetchall()
    return described(con, [SearchHit(id=r[0], title=r[1], kind=r[2], year=r[3], match=r[4], end_year=r[5])
                           for r in rows])


def find_title(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The id of the title ``text`` names: an id as is, else the best search hit."""
    text = text.strip()
    if con.execute("SELECT 1 FROM title WHERE id = ?", [text]).fetchone():
        return text
    hits = search_titles(con, text, limit=1)
    if not hits:
        raise NotFound(f"no title matches {text!r}: try `reelradar show` with another spelling")
    return hits[0].id
