"""Chart rows into the catalog: stage them so they survive rebuilds, apply them to the live catalog,
and place every row on a title.

Placement (``place_chart_titles``) runs at every build (after staged data is loaded) and after every
import. Each chart entry (a film or series as a chart names it, across all its rows) is resolved on
evidence by ``resolve/charts.py``; only a strong match or a manual link (``chart_link``, staged, so it
survives rebuilds) sets the rows' ``title_id``. Netflix entries that nothing links become catalog
titles of their own (``netflix:…`` ids, source ``netflix``): the film, the series and its season, named
as Netflix names them. Other rows that nothing links keep ``title_id`` NULL; every entry that is not a
strong match is listed by ``reelradar charts unresolved`` with its candidates. Nothing is dropped.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeAlias

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from reelradar.catalog.staging import StagedChange
from reelradar.catalog.writer import writer_lock
from reelradar.config import Settings
from reelradar.resolve.charts import (
    CREATED_PREFIX,
    ENTRY_SQL,
    ChartRecord,
    chart_records,
    ensure_match_table,
    resolve_entries,
    write_matches,
)
from reelradar.resolve.distance import Weights
from reelradar.sources.base import SourceInfo

log = logging.getLogger(__name__)

CHART_SCHEMA = pa.schema(
    [
        ("source", pa.string()), ("platform", pa.string()), ("country", pa.string()), ("category", pa.string()),
        ("period_start", pa.date32()), ("period_end", pa.date32()), ("rank", pa.int32()),
        ("raw_title", pa.string()), ("season_title", pa.string()), ("title_id", pa.string()),
        ("hours", pa.float64()), ("views", pa.float64()), ("runtime_hours", pa.float64()),
        ("cumulative_weeks", pa.int32()), ("points", pa.int32()), ("as_of", pa.date32()), ("via", pa.string()),
        ("fetched_at", pa.timestamp("s")), ("season_id", pa.string()), ("entry_key", pa.string()),
        ("title_kind", pa.string()), ("title_year", pa.int32()), ("title_ref", pa.string()),
        ("season_number", pa.int32()), ("import_name", pa.string()),
    ]
)

# Columns appended to chart_entry after the first schema; a catalog built before them gets them on write.
ADDED_COLUMNS = {"season_id": "VARCHAR", "entry_key": "VARCHAR", "title_kind": "VARCHAR", "title_year": "INTEGER",
                 "title_ref": "VARCHAR", "season_number": "INTEGER", "import_name": "VARCHAR", "entry": "VARCHAR"}

NETFLIX_INFO = SourceInfo(
    source="netflix", name="Netflix Top 10", label="Netflix Top 10",
    license="published by Netflix for public use; see docs/sources/netflix.md",
    credit="Netflix Top 10 (top10.netflix.com)", url="https://www.netflix.com/tudum/top10",
)



def ensure_chart_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Add the placement columns to a catalog built before they existed."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'chart_entry'").fetchall()}
    for name, sql_type in ADDED_COLUMNS.items():
        if name not in have:
            con.execute(f"ALTER TABLE chart_entry ADD COLUMN {name} {sql_type}")


def place_chart_titles(con: duckdb.DuckDBPyConnection, weights: Weights | None = None) -> list[str]:
    """Place every chart row on its title: resolve each chart entry on evidence (resolve/charts.py),
    link the rows of strong matches and of manual links, and give Netflix entries that nothing links a
    title of their own, so a chart still reads whole. Returns the ids of the titles it created or
    removed (for the search index)."""
    ensure_chart_columns(con)
    ensure_match_table(con)
    ensure_link_table(con)
    if not con.execute("SELECT 1 FROM chart_entry LIMIT 1").fetchone():
        return []  # nothing to place (and no need to index the catalog to find out)
    created = "SELECT id FROM title WHERE source = 'netflix'"
    before = {r[0] for r in con.execute(created).fetchall()}
    # Rows a source placed itself (no entry key: the demo's) keep their title while it exists.
    con.execute("""UPDATE chart_entry SET title_id = NULL
                   WHERE entry_key IS NULL AND title_id IS NOT NULL AND title_id NOT IN (SELECT id FROM title)""")
    _fill_entries(con)
    records = chart_records(con)
    pool = _candidate_pool(con, weights)
    stale = _stale_records(con, records, pool)
    write_matches(con, resolve_entries(con, stale, weights))
    con.execute("DELETE FROM chart_match WHERE entry NOT IN (SELECT unnest(?::VARCHAR[]))", [[r.entry for r in records]])
    con.execute("DELETE FROM meta WHERE key = 'charts.match_pool'")
    con.execute("INSERT INTO meta VALUES ('charts.match_pool', ?)", [pool])
    # A manual link wins while its title exists; an unlink (title_id NULL) leaves the entry unlinked.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _placed AS
            SELECT m.entry, CASE WHEN l.entry IS NULL THEN m.title_id
                                 WHEN l.title_id IN (SELECT id FROM title) THEN l.title_id END AS title_id
            FROM chart_match m LEFT JOIN chart_link l ON l.entry = m.entry""")
    con.execute(
        """UPDATE chart_entry c SET title_id = p.title_id, season_id = NULL FROM _placed p
           WHERE c.entry = p.entry AND c.title_id IS DISTINCT FROM p.title_id""")
    con.execute("DROP TABLE _placed")
    _create_netflix_titles(con)
    _drop_orphan_titles(con)
    _link_seasons(con)
    return sorted(before ^ {r[0] for r in con.execute(created).fetchall()})


def _fill_entries(con: duckdb.DuckDBPyConnection) -> None:
    """Write each new row's entry id (``ENTRY_SQL``), computed once per distinct key rather than per row."""
    # The keys go to a table first: an UPDATE whose FROM reads the column it writes joins row by row.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _entry_keys AS
            SELECT DISTINCT source, platform, entry_key, title_kind, title_ref, {ENTRY_SQL} AS entry
            FROM chart_entry WHERE entry IS NULL AND entry_key IS NOT NULL""")
    con.execute(
        """UPDATE chart_entry c SET entry = k.entry FROM _entry_keys k
           WHERE c.entry IS NULL AND c.source = k.source AND c.platform = k.platform AND c.entry_key = k.entry_key
             AND c.title_kind IS NOT DISTINCT FROM k.title_kind AND c.title_ref IS NOT DISTINCT FROM k.title_ref""")
    con.execute("DROP TABLE _entry_keys")


def _candidate_pool(con: duckdb.DuckDBPyConnection, weights: Weights | None) -> str:
    """A fingerprint of everything a chart match depends on besides the entry: the titles that may be
    candidates, their ids, votes (and when they were counted) and offers, and the weights. Unchanged, an
    entry whose own evidence is unchanged keeps its match (an import of one day's chart resolves only that day's new entries)."""
    parts = con.execute(
        f"""SELECT (SELECT count(*) || ':' || coalesce(sum(hash(id, kind, title, original_title, year, runtime_min,
                                                          languages, season_count)), 0)
                    FROM title WHERE NOT starts_with(id, '{CREATED_PREFIX}') AND kind NOT IN ('season', 'episode')),
                   (SELECT count(*) || ':' || coalesce(sum(hash(title_id, title)), 0) FROM title_aka),
                   (SELECT count(*) || ':' || coalesce(sum(hash(title_id, source, xid)), 0) FROM title_xid),
                   (SELECT count(*) || ':' || coalesce(sum(hash(title_id, count, coalesce(as_of, fetched_at::DATE))), 0)
                    FROM rating
                    WHERE metric = 'user_mean'),
                   (SELECT count(*) || ':' || coalesce(sum(hash(title_id, provider, country)), 0) FROM offer)"""
    ).fetchall()[0]
    return "|".join(str(p) for p in parts) + "|" + repr(weights or Weights())


def _stale_records(con: duckdb.DuckDBPyConnection, records: list[ChartRecord], pool: str) -> list[ChartRecord]:
    """The records to resolve: all of them when the candidate pool changed, else those without a match
    or whose evidence changed."""
    row = con.execute("SELECT value FROM meta WHERE key = 'charts.match_pool'").fetchone()
    if row is None or row[0] != pool:
        return records
    known = dict(con.execute("SELECT entry, evidence FROM chart_match").fetchall())
    return [r for r in records if known.get(r.entry) != r.evidence]


def _drop_orphan_titles(con: duckdb.DuckDBPyConnection) -> None:
    """Titles chart rows created that no row points to any more (the entry is linked now) go, with
    their seasons and alternative titles."""
    con.execute(
        f"""DELETE FROM title WHERE source = 'netflix' AND starts_with(id, '{CREATED_PREFIX}')
              AND kind NOT IN ('season', 'episode')
              AND id NOT IN (SELECT title_id FROM chart_entry WHERE title_id IS NOT NULL)""")
    con.execute(
        """DELETE FROM title WHERE source = 'netflix' AND kind IN ('season', 'episode')
             AND parent_id NOT IN (SELECT title_id FROM chart_entry WHERE title_id IS NOT NULL)""")
    con.execute("DELETE FROM title_aka WHERE source = 'netflix' AND title_id NOT IN (SELECT id FROM title)")


def ensure_link_table(con: duckdb.DuckDBPyConnection) -> None:
    """Manual links of chart entries (``reelradar link --chart``), loaded from staged data at each build."""
    con.execute("CREATE TABLE IF NOT EXISTS chart_link (entry VARCHAR NOT NULL, title_id VARCHAR, "
                "linked_at TIMESTAMP, source VARCHAR)")


def _show_id(entry_key: str) -> str:
    """SQL: the film or series id of a Netflix entry key (the key without its season part)."""
    return f"regexp_replace({entry_key}, ':s:.*$', '')"


def _season_id(title_id: str, season_number: str, season_title: str) -> str:
    """SQL: the id of a season created for a series (``…:s:2``, or the season's name as a slug)."""
    part = (f"coalesce({season_number}::VARCHAR, "
            f"trim(regexp_replace(lower(split_part({season_title}, ' // ', 1)), '[^a-z0-9]+', '-', 'g'), '-'))")
    return (f"CASE WHEN starts_with({title_id}, 'netflix:') THEN {title_id} ELSE 'netflix:' || {title_id} END"
            f" || ':s:' || {part}")


def _create_netflix_titles(con: duckdb.DuckDBPyConnection) -> None:
    """Netflix films and series that no catalog title is linked to become titles of their own (their
    entry key less its season part), named as Netflix names them: nothing about them is guessed."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _new AS
            SELECT {_show_id("c.entry_key")} AS id,
                   arg_min(split_part(c.raw_title, ' // ', 1), c.period_start) AS title,
                   arg_min(c.title_kind, c.period_start) AS kind,
                   list_distinct(flatten(list(string_split(c.raw_title, ' // ')[2:]))) AS akas
            FROM chart_entry c
            WHERE c.title_id IS NULL AND c.source = 'netflix' AND c.entry_key IS NOT NULL
            GROUP BY 1"""
    )
    con.execute(
        """INSERT INTO title BY NAME
           SELECT id, kind, title, 'netflix' AS source, ? AS fetched_at FROM _new
           WHERE id NOT IN (SELECT id FROM title)""",
        [now],
    )
    con.execute(
        """INSERT INTO title_aka BY NAME
           SELECT n.id AS title_id, a.aka AS title, 'netflix' AS source
           FROM _new n, unnest(n.akas) a(aka)
           WHERE a.aka <> '' AND NOT EXISTS (SELECT 1 FROM title_aka k WHERE k.title_id = n.id AND k.title = a.aka)"""
    )
    con.execute(
        f"""UPDATE chart_entry SET title_id = {_show_id("entry_key")}
            WHERE title_id IS NULL AND source = 'netflix' AND {_show_id("entry_key")} IN (SELECT id FROM _new)"""
    )
    con.execute("DROP TABLE IF EXISTS _new")
    if con.execute("SELECT count(*) FROM chart_entry WHERE source = 'netflix'").fetchall()[0][0]:
        record_netflix_source(con)
    if con.execute("SELECT count(*) FROM chart_entry WHERE source = 'csv'").fetchall()[0][0] and not \
            con.execute("SELECT count(*) FROM source_info WHERE source = 'csv'").fetchall()[0][0]:
        con.execute("INSERT INTO source_info BY NAME SELECT 'csv' AS source, 'Chart CSV' AS name, "
                    "'chart CSV' AS label, 'the user''s' AS license, 'imported by the user' AS credit, FALSE AS demo")


DATED = ("(January|February|March|April|May|June|July|August|September|October|November|December) "
         "[0-9]{1,2}, [0-9]{4}$")


def _link_seasons(con: duckdb.DuckDBPyConnection) -> None:
    """Rows naming a season point ``season_id`` at the catalog's season of their series, created when
    missing (kind 'season'; 'episode' for a dated instalment such as a weekly live show)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    con.execute(
        """UPDATE chart_entry c SET season_id = s.id FROM title s
           WHERE c.season_id IS NULL AND c.season_number IS NOT NULL AND c.title_id IS NOT NULL
             AND s.parent_id = c.title_id AND s.kind = 'season' AND s.season_number = c.season_number"""
    )
    sid = _season_id("title_id", "season_number", "season_title")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _seasons AS
            SELECT {sid} AS id, any_value(title_id) AS parent_id, any_value(season_number) AS season_number,
                   arg_min(split_part(season_title, ' // ', 1), period_start) AS title,
                   CASE WHEN any_value(season_number) IS NULL AND regexp_matches(any_value(season_title), '{DATED}')
                        THEN 'episode' ELSE 'season' END AS kind
            FROM chart_entry
            WHERE season_id IS NULL AND title_id IS NOT NULL AND season_title IS NOT NULL AND source = 'netflix'
            GROUP BY 1"""
    )
    con.execute(
        """INSERT INTO title BY NAME
           SELECT id, kind, title, parent_id, season_number, 'netflix' AS source, ? AS fetched_at
           FROM _seasons WHERE id NOT IN (SELECT id FROM title)""",
        [now],
    )
    con.execute(
        f"""UPDATE chart_entry SET season_id = {sid}
            WHERE season_id IS NULL AND title_id IS NOT NULL AND season_title IS NOT NULL AND source = 'netflix'"""
    )
    con.execute("DROP TABLE IF EXISTS _seasons")


# The files Netflix rows come through (chart_entry.via), with the names shown beside their figures.
NETFLIX_VIAS = {"netflix:all-weeks-global": "the weekly global file",
                "netflix:all-weeks-countries": "the weekly per-country file",
                "netflix:most-popular": "the most-popular list"}


def record_netflix_source(con: duckdb.DuckDBPyConnection) -> None:
    i = NETFLIX_INFO
    for source, name, label in [(i.source, i.name, i.label), *[(k, v, v) for k, v in NETFLIX_VIAS.items()]]:
        if con.execute("SELECT count(*) FROM source_info WHERE source = ?", [source]).fetchall()[0][0]:
            continue
        con.execute(
            "INSERT INTO source_info BY NAME SELECT ? AS source, ? AS name, ? AS label, ? AS license, "
            "? AS credit, ? AS url, FALSE AS demo",
            [source, name, label, i.license, i.credit, i.url],
        )


CHART_KEY = ("source", "platform", "country", "category", "period_start", "period_end")
_SAME_CHART = " AND ".join(f"c.{k} IS NOT DISTINCT FROM k.{k}" for k in CHART_KEY)


Rows: TypeAlias = "pa.Table | Path"  # chart rows in memory, or a Parquet file of them (large imports)


def _register(con: duckdb.DuckDBPyConnection, view: str, rows: Rows) -> None:
    if isinstance(rows, Path):
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM read_parquet('{_sql_text(rows)}')")
    else:
        con.register(view, rows)


def _unregister(con: duckdb.DuckDBPyConnection, view: str, rows: Rows) -> None:
    if isinstance(rows, Path):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    else:
        con.unregister(view)


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def replace_import(con: duckdb.DuckDBPyConnection, name: str, rows: Rows) -> int:
    """Replace import ``name`` in the catalog with ``rows``: its own earlier rows go, and so do rows of
    other imports of the same source for the same charts and periods (a file imported under another
    name, an overlapping export), so importing again never counts a chart twice."""
    ensure_chart_columns(con)
    con.execute("DELETE FROM chart_entry WHERE import_name = ?", [name])
    _register(con, "_incoming", rows)
    try:
        con.execute(
            f"""DELETE FROM chart_entry c USING (SELECT DISTINCT {", ".join(CHART_KEY)} FROM _incoming) k
                WHERE c.import_name IS NOT NULL AND {_SAME_CHART}"""
        )
        con.execute(f"INSERT INTO chart_entry BY NAME SELECT * REPLACE ('{name.replace(chr(39), chr(39) * 2)}' "
                    "AS import_name) FROM _incoming")
        return int(con.execute("SELECT count(*) FROM _incoming").fetchall()[0][0])
    finally:
        _unregister(con, "_incoming", rows)


def _trim_staged(change: StagedChange, name: str, rows: Rows) -> None:
    """Drop from the other staged chart files (as ``change`` stands) the charts and periods ``rows`` now
    stands for; the trimmed files are part of the change, so they go in with the catalog or not at all."""
    others = [n for n in change.names("chart_entry") if n != name]
    if not others:
        return
    con = duckdb.connect()
    try:
        _register(con, "_incoming", rows)
        con.execute(f"CREATE TEMP TABLE k AS SELECT DISTINCT {', '.join(CHART_KEY)} FROM _incoming")
        _unregister(con, "_incoming", rows)
        for other in others:
            path = change.current("chart_entry", other)
            if path is None:
                continue
            sql = f"SELECT count(*) FROM read_parquet(?) c SEMI JOIN k ON {_SAME_CHART}"
            if not con.execute(sql, [str(path)]).fetchall()[0][0]:
                continue
            out = change.path("chart_entry", other).with_suffix(".trim")
            con.execute(f"COPY (SELECT * FROM read_parquet('{_sql_text(path)}') c ANTI JOIN k ON {_SAME_CHART}) "
                        f"TO '{_sql_text(out)}' (FORMAT parquet)")
            if con.execute(f"SELECT count(*) FROM read_parquet('{_sql_text(out)}')").fetchall()[0][0]:
                change.put("chart_entry", other, out)
            else:
                out.unlink()
                change.remove("chart_entry", other)
    finally:
        con.close()


def apply_chart_imports(
    settings: Settings, imports: list[tuple[str, Rows]], *, notify: Callable[[str], None] = lambda _: None
) -> dict[str, dict[str, int]]:
    """Stage each (import name, rows) so rebuilds keep them, and apply them all to the live catalog in
    one atomic write: replace each import's rows, place titles, recompute scores and chart tables.

    Staged files and catalog change together (``staging.py``): the new staged files are sealed before
    the catalog swap and put in place after it, under the writer lock. Re-importing the same rows
    changes nothing. When there is no catalog, the demo is built first. Returns per import: rows and
    rows left unresolved.
    """
    from reelradar.catalog.db import write_catalog
    from reelradar.catalog.ensure import build_demo, check_data_dir

    check_data_dir(settings)
    ready: list[tuple[str, Rows]] = []
    for name, rows in imports:
        if isinstance(rows, pa.Table):
            kept = rows.schema.metadata  # e.g. the digest of the Netflix file the rows came from
            if "import_name" in rows.schema.names:
                rows = rows.drop_columns(["import_name"])
            rows = rows.append_column("import_name", pa.array([name] * rows.num_rows, pa.string()))
            rows = rows.select(CHART_SCHEMA.names).cast(CHART_SCHEMA).replace_schema_metadata(kept)
        ready.append((name, rows))
    with writer_lock(settings.data_dir):
        if not settings.catalog_path.exists():
            notify(f"no catalog in {settings.data_dir} yet: building the demo catalog first")
            build_demo(settings)
        report: dict[str, dict[str, int]] = {}
        change = StagedChange(settings.staged_dir, settings.catalog_path)
        with write_catalog(settings.catalog_path, start_from_current=True, staged=change) as con:
            for name, rows in ready:
                report[name] = {"rows": replace_import(con, name, rows)}
            refresh_charts(con, settings)
            for name, _ in ready:
                report[name].update(match_counts(con, name))
            for name, rows in ready:
                _trim_staged(change, name, rows)
                change.put("chart_entry", name, rows)
    return report


def refresh_charts(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """After chart rows or chart links changed inside a catalog write: place the rows again, then what
    depends on them (scores, chart tables, and the search index, which holds the titles charts create)."""
    from reelradar.analytics.charts import compute_chart_tables
    from reelradar.analytics.scores import compute_scores
    from reelradar.catalog.search import update_search_index

    changed = place_chart_titles(con, Weights.from_settings(settings))
    compute_scores(con, settings)
    compute_chart_tables(con, settings)
    update_search_index(con, changed)  # the titles charts created or dropped, not the whole catalog again


def match_counts(con: duckdb.DuckDBPyConnection, name: str | None = None) -> dict[str, int]:
    """Chart entries (of import ``name``, or all) by how they were placed: strong, medium, none, or manual
    (linked or unlinked by hand); ``unresolved`` is medium + none, the entries ``charts unresolved`` lists."""
    where = "import_name = ?" if name else "TRUE"
    rows = con.execute(
        f"""SELECT CASE WHEN l.entry IS NOT NULL THEN 'manual' ELSE m.verdict END, count(*)
            FROM chart_match m LEFT JOIN chart_link l ON l.entry = m.entry
            WHERE m.entry IN (SELECT DISTINCT entry FROM chart_entry WHERE entry IS NOT NULL AND {where})
            GROUP BY 1""", [name] if name else []).fetchall()
    counts = {"strong": 0, "medium": 0, "none": 0, "manual": 0, **dict(rows)}
    counts["entries"] = sum(counts.values())
    counts["unresolved"] = counts["medium"] + counts["none"]
    return counts


def import_netflix(
    settings: Settings, from_file: Path | None = None, *, notify: Callable[[str], None] = lambda _: None,
    progress: bool = False, replace: bool = False,
) -> dict[str, dict[str, object]]:
    """``reelradar update netflix``: load a local Netflix Top 10 file, or download the three files
    (conditional GET: unchanged files are not loaded again) and load those that changed.

    Under the writer lock from the first download to the last staged file. A file that would remove
    more than ``netflix.SHRINK_LIMIT`` of its import's rows (header only, cut short) is refused unless
    ``replace``."""
    from reelradar.catalog.ensure import check_data_dir

    check_data_dir(settings)
    with writer_lock(settings.data_dir):
        return _import_netflix(settings, from_file, notify=notify, progress=progress, replace=replace)


def _import_netflix(
    settings: Settings, from_file: Path | None, *, notify: Callable[[str], None], progress: bool, replace: bool,
) -> dict[str, dict[str, object]]:
    from reelradar.errors import SourceFailure, Unreachable
    from reelradar.sources import netflix

    out: dict[str, dict[str, object]] = {}
    if from_file is not None:
        parsed = [netflix.parse_file(from_file)]
    else:
        parsed, failed = [], []
        for kind, name in netflix.FILES.items():
            # One file that fails (moved, server error) is reported with the others' results; the others
            # still load. A host that cannot be reached is the same host for every file: no use asking.
            try:
                path, was_changed = netflix.fetch_one(settings.netflix_base_url, settings.cache_dir, name,
                                                      progress=progress)
            except SourceFailure as exc:
                if isinstance(exc, Unreachable) and not parsed and not out:
                    raise
                failed.append((name, exc))
                out[f"failed:{name}"] = {"file": name, "error": exc.message}
                continue
            # A file unchanged upstream is loaded again when the staged copy is not of this very file: gone,
            # or the previous one (a write stopped before its catalog swap leaves staged data as it was).
            staged = staged_import_path(settings, f"netflix-{kind}")
            if was_changed or staged_digest(staged) != netflix.file_digest(path):
                parsed.append(netflix.parse_file(path))
            else:
                out[f"unchanged:{name}"] = {"file": str(path), "rows": 0, "unresolved": 0}
        if len(failed) == len(netflix.FILES):
            if len({exc.message for _, exc in failed}) == 1:
                raise failed[0][1]  # one reason for all (a server down): said once
            raise SourceFailure(f"none of the {len(failed)} Netflix Top 10 files could be downloaded: "
                                + "; ".join(f"{name}: {exc.message}" for name, exc in failed),
                                retryable=any(exc.retryable for _, exc in failed))
    for f in parsed:
        netflix.check_shrink(f, staged_rows(staged_import_path(settings, f.import_name)), replace=replace)
    if parsed:
        imports: list[tuple[str, Rows]] = [
            (f.import_name, f.rows.replace_schema_metadata({netflix.DIGEST_KEY: netflix.file_digest(f.path)}))
            for f in parsed]
        report = apply_chart_imports(settings, imports, notify=notify)
        for f in parsed:
            out[f.import_name] = {"file": str(f.path), "vintage": f.vintage, **report[f.import_name]}
    return out


def staged_rows(path: Path) -> int:
    """Rows of a staged chart file (0 when there is none, or it cannot be read)."""
    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (OSError, pa.ArrowInvalid):
        return 0


def staged_digest(path: Path) -> str | None:
    """The digest of the Netflix file a staged chart file was made from (None: unknown)."""
    from reelradar.sources.netflix import DIGEST_KEY

    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowInvalid):
        return None
    value = meta.get(DIGEST_KEY.encode())
    return value.decode() if value else None


def staged_import_path(settings: Settings, name: str) -> Path:
    return settings.staged_dir / "chart_entry" / f"{name}.parquet"


def import_chart_file(
    settings: Settings, path: Path, *, platform: str | None = None, country: str | None = None,
    category: str | None = None, columns: dict[str, str] | None = None,
    notify: Callable[[str], None] = lambda _: None,
) -> dict[str, object]:
    """``reelradar import chart``: parse a chart CSV (all or nothing) and apply it to the catalog, under
    the writer lock from the parse on (taking it clears what imports killed half-way left behind)."""
    from reelradar.catalog.ensure import check_data_dir
    from reelradar.sources.charts_csv import read_chart_csv

    check_data_dir(settings)
    # Parsed straight to a Parquet file beside the staged data: a chart of millions of rows never sits
    # whole in Python memory, and the file becomes the staged copy once the catalog write succeeds.
    incoming = settings.staged_dir / "chart_entry" / f".incoming-{os.getpid()}.tmp"
    with writer_lock(settings.data_dir):
        try:
            parsed = read_chart_csv(path, platform=platform, country=country, category=category, columns=columns,
                                    to_parquet=incoming)
            report = apply_chart_imports(settings, [(parsed.import_name, incoming)], notify=notify)[parsed.import_name]
        finally:
            incoming.unlink(missing_ok=True)
    return {"file": str(path), "import": parsed.import_name, "duplicates": parsed.duplicates,
            "notes": parsed.notes, **report}
