"""Hand an online source's facts to the catalog: stage them as Parquet (so every later full build
reloads them) and apply them to the live catalog through a copy-change-swap update; the staged files
are put in place by the catalog's swap (catalog/staging.py), so a failed or killed update changes neither.

A producer owns its rows: applying again first deletes the rows it applied last time (by its
``source`` or ``via`` column), so re-running replaces them instead of adding duplicates. Nothing
else in the catalog is touched; a failure leaves the live catalog as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from reelradar.catalog.db import ADDED_TABLES, added_table, write_catalog
from reelradar.catalog.load import insert_table, record_source
from reelradar.catalog.people import refresh_person_titles
from reelradar.catalog.staging import StagedChange
from reelradar.config import Settings
from reelradar.sources.base import SourceInfo

# How a producer's rows are recognised in each table: the column that names it.
OWNER_COLUMN = {
    "offer": "via", "rating": "via", "offer_seen": "via", "offer_check": "via",
    "title": "source", "person": "source", "credit": "source", "work": "source", "relation": "source",
    "series_status": "source", "season": "source", "title_keyword": "source", "title_network": "source",
    "title_media": "source",
}

SOURCE_INFO = pa.schema([
    ("source", pa.string()), ("name", pa.string()), ("label", pa.string()), ("license", pa.string()),
    ("credit", pa.string()), ("url", pa.string()), ("fetched_at", pa.timestamp("s")), ("demo", pa.bool_()),
])


@dataclass
class Published:
    rows: dict[str, int]
    staged: list[str]


def infos_table(infos: list[SourceInfo], fetched_at: datetime) -> pa.Table:
    stamp = fetched_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return pa.Table.from_pylist(
        [{"source": i.source, "name": i.name, "label": i.label, "license": i.license, "credit": i.credit,
          "url": i.url, "fetched_at": stamp, "demo": i.demo} for i in infos],
        schema=SOURCE_INFO,
    )


def publish(
    settings: Settings,
    producer: str,
    owner_value: str,
    tables: Mapping[str, pa.Table],
    infos: list[SourceInfo],
    *,
    rescore: bool = True,
) -> Published:
    """Stage ``tables`` as ``<staged>/<table>/<producer>.parquet`` and apply them to the live catalog.

    ``owner_value`` is the value of the owning column (``OWNER_COLUMN``) of this producer's rows. Title
    external ids (``title_xid``) have no provenance column: identical rows are not added twice.
    """
    now = datetime.now(UTC)
    info_rows = infos_table(infos, now)
    # scores are derived from every rating: recompute them only when this producer's ratings changed
    rescore = rescore and "rating" in tables and not _same_rows(settings, producer, "rating", tables["rating"])
    # new or renamed titles must be findable by name: the word index is rebuilt when this producer's titles changed
    reindex = "title" in tables and not _same_rows(settings, producer, "title", tables["title"])
    # the staged files change with the catalog, in its swap: a kill or a failure before it leaves both as
    # they were, after it both new (catalog/staging.py)
    # (written inside the block: the writer lock, taken first, clears changes left by killed writers)
    change = StagedChange(settings.staged_dir, settings.catalog_path)
    staged = [str(settings.staged_dir / table / f"{producer}.parquet") for table in [*tables, "source_info"]]
    counts: dict[str, int] = {}
    with write_catalog(settings.catalog_path, start_from_current=True, staged=change) as con:
        for table, rows in [*tables.items(), ("source_info", info_rows)]:
            change.put(table, producer, rows)
        for table in tables:
            if table in ADDED_TABLES:  # an older catalog of this schema version may not have it yet
                con.execute(added_table(table))
        people_of = _titles_of(con, tables, owner_value)  # titles whose people may change (catalog/people.py)
        for table, rows in tables.items():
            if table == "title_xid":
                counts[table] = _add_new_xids(con, rows)
                continue
            column = OWNER_COLUMN[table]
            con.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', [owner_value]).fetchall()
            counts[table] = insert_table(con, table, rows)
        if people_of:
            refresh_person_titles(con, people_of)
        for info in infos:
            record_source(con, SourceInfo(**{**info.__dict__, "fetched_at": now.replace(tzinfo=None)}))
        if rescore:
            from reelradar.analytics.scores import compute_scores  # Ibis only when scores change

            compute_scores(con, settings)
        has_index = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'search_posting'").fetchall()[0][0]
        if reindex and has_index:
            from reelradar.catalog.search import build_search_index

            build_search_index(con)
    return Published(rows=counts, staged=staged)


def _titles_of(con: duckdb.DuckDBPyConnection, tables: Mapping[str, pa.Table], owner_value: str) -> list[str]:
    """The ids of the titles and credits that publishing ``tables`` replaces or adds."""
    ids: set[str] = set()
    for table, column in (("title", "id"), ("credit", "title_id")):
        if table in tables:
            ids |= {r[0] for r in con.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{OWNER_COLUMN[table]}" = ?', [owner_value]).fetchall()}
            ids |= set(tables[table].column(column).to_pylist())
    return sorted(ids)


def _same_rows(settings: Settings, producer: str, table: str, rows: pa.Table) -> bool:
    """Whether ``rows`` hold what the staged file of ``producer`` holds now (fetch times aside)."""
    path = settings.staged_dir / table / f"{producer}.parquet"
    if not path.exists():
        return rows.num_rows == 0
    try:
        old = pq.read_table(path)
    except (OSError, pa.ArrowInvalid):
        return False
    keep = [c for c in rows.column_names if c != "fetched_at"]
    if set(keep) - set(old.column_names):
        return False
    order = [(c, "ascending") for c in keep if not pa.types.is_nested(rows.schema.field(c).type)]  # lists do not sort
    return bool(old.select(keep).sort_by(order).equals(rows.select(keep).cast(old.select(keep).schema).sort_by(order)))


def _add_new_xids(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> int:
    con.register("_xids", rows)
    try:
        before = con.execute("SELECT count(*) FROM title_xid").fetchall()[0][0]
        con.execute(
            """INSERT INTO title_xid BY NAME
               SELECT DISTINCT n.title_id, n.source, n.xid FROM _xids n
               WHERE NOT EXISTS (SELECT 1 FROM title_xid x WHERE x.title_id = n.title_id
                                 AND x.source = n.source AND x.xid = n.xid)"""
        ).fetchall()
        after = con.execute("SELECT count(*) FROM title_xid").fetchall()[0][0]
    finally:
        con.unregister("_xids")
    return int(after - before)
