"""Build a catalog from sources: load each source's tables, derive scores, swap the file in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from reelradar.catalog.db import duckdb_settings, write_catalog
from reelradar.catalog.people import build_person_titles
from reelradar.config import Settings
from reelradar.errors import BadInput, ReelradarError, SourceFailure
from reelradar.resolve.distance import Weights
from reelradar.sources.base import Source, SourceInfo

log = logging.getLogger(__name__)

Step = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass
class BuildReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # source -> one-line reason


def insert_table(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> int:
    """Append an Arrow table to a catalog table, matching columns by name (others stay NULL)."""
    con.register("_incoming", rows)
    try:
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _incoming')
    except duckdb.Error as exc:
        raise BadInput(f"rows for catalog table {table} do not fit its schema: {exc}") from None
    finally:
        con.unregister("_incoming")
    return rows.num_rows


def record_source(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> None:
    con.execute("DELETE FROM source_info WHERE source = ?", [info.source])
    con.execute(
        "INSERT INTO source_info BY NAME SELECT ? AS source, ? AS name, ? AS label, ? AS license, ? AS credit, "
        "? AS url, ? AS fetched_at, ? AS demo",
        [info.source, info.name, info.label, info.license, info.credit, info.url, info.fetched_at, info.demo],
    )


def load_source(con: duckdb.DuckDBPyConnection, source: Source, report: BuildReport) -> None:
    for info in source.infos():
        record_source(con, info)
    for table, rows in source.tables():
        report.rows[table] = report.rows.get(table, 0) + insert_table(con, table, rows)


def build_catalog(
    path: Path,
    sources: Iterable[Source],
    settings: Settings,
    *,
    after_load: Iterable[Step] = (),
) -> BuildReport:
    """Write a new catalog from ``sources``, compute derived tables, and swap it in atomically.

    A source that fails is reported and skipped (its partial rows are rolled back); any other error
    aborts the build and leaves the previous catalog untouched.
    """
    from reelradar.analytics.charts import compute_chart_tables
    from reelradar.analytics.scores import compute_scores  # import here: Ibis is only needed to build
    from reelradar.catalog.charts_store import place_chart_titles
    from reelradar.catalog.search import build_search_index, update_search_index

    report = BuildReport(path=path)
    with write_catalog(path) as con:
        for source in sources:
            con.execute("BEGIN TRANSACTION")
            try:
                load_source(con, source, report)
            except SourceFailure as exc:
                con.execute("ROLLBACK")
                name = type(source).__name__
                report.failed[name] = exc.message
                log.warning("source %s skipped: %s", name, exc.message)
                continue
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        for step in after_load:
            step(con)
        order_titles(con)
        build_person_titles(con)  # films and series of each person, in person order (catalog/people.py)
        # The word index behind search_titles (catalog/search.py) comes first: on a large catalog the chart
        # linker finds each entry's candidates through it. The titles charts create are added after.
        build_search_index(con)
        changed = place_chart_titles(con, Weights.from_settings(settings))  # catalog/charts_store.py
        check_unique_titles(con)
        compute_scores(con, settings)
        compute_chart_tables(con, settings)  # positions, stats, momentum, breakouts: analytics/charts.py
        update_search_index(con, changed)
    return report


def order_titles(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the title table in id order, once all sources are in.

    A story, a title page or a universe looks titles up by id a few at a time. In id order, each lookup
    reads one row group, found by DuckDB's min/max statistics; in the order the sources left (IMDb's
    titles come out of a join with the episodes, in no order) each read all 14 million titles of a full
    catalog: 15-40 ms a lookup, several per story. Costs about 25 s of a full IMDb build. Credits are
    kept in title order where they are written (catalog/imdb_load.py).
    """
    row = con.execute("SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'title'").fetchone()
    if row is None:
        raise ReelradarError("the catalog being built has no title table; nothing was changed")
    con.execute("ALTER TABLE title RENAME TO _title_unordered")
    con.execute(row[0])  # the table's own definition, constraints included
    with duckdb_settings(con, preserve_insertion_order="true"):
        con.execute("INSERT INTO title SELECT * FROM _title_unordered ORDER BY id")
    con.execute("DROP TABLE _title_unordered")


def check_unique_titles(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute("SELECT id, count(*) FROM title GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone()
    if row is not None:
        raise ReelradarError(f"catalog build produced title id {row[0]} {row[1]} times; nothing was changed")
