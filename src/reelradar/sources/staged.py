"""Staged data: facts that must survive a catalog rebuild (imported charts, fetched offers and
relations) are kept as Parquet under ``<data_dir>/staged/<table>/*.parquet`` and loaded into every
build after its primary sources. Column names follow the catalog schema. Only ``*.parquet`` files are
read: the ``*.tmp`` files and ``.change-*`` folders of writers in progress (or killed) never are."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reelradar.catalog.writer import writer_lock
from reelradar.errors import SourceFailure
from reelradar.sources.base import SourceInfo
from reelradar.validate import DATE_FIRST, DATE_LAST

log = logging.getLogger(__name__)

STAGED_TABLES = ("title", "title_xid", "title_aka", "person", "credit", "work", "relation", "rating", "reach",
                 "chart_entry", "chart_link", "offer", "source_info",
                 "offer_seen", "offer_check", "series_status", "season", "title_keyword", "title_network",
                 "title_media")


class StagedSource:
    def __init__(self, staged_dir: Path) -> None:
        self.staged_dir = staged_dir

    def infos(self) -> list[SourceInfo]:
        return []  # staged source_info rows are loaded as a table like the others

    def tables(self) -> Iterator[tuple[str, pa.Table]]:
        for table in STAGED_TABLES:
            for path in sorted((self.staged_dir / table).glob("*.parquet")):
                try:
                    rows = pq.read_table(path)
                except (OSError, pa.ArrowInvalid) as exc:
                    raise SourceFailure(f"staged file {path} cannot be read ({exc}): delete it and import again") from None
                yield table, _in_range(rows, path) if table == "chart_entry" else rows


def _in_range(rows: pa.Table, path: Path) -> pa.Table:
    """Chart rows dated within validate's bounds: rows staged before imports checked dates (a row of
    year 1 broke every chart view for good) are left out of the build, and said so."""
    if "period_start" not in rows.column_names or rows.num_rows == 0:
        return rows
    start, end = pa.scalar(DATE_FIRST, pa.date32()), pa.scalar(DATE_LAST, pa.date32())
    keep = pc.and_(pc.greater_equal(rows["period_start"], start), pc.less_equal(rows["period_end"], end))
    keep = pc.fill_null(keep, False)
    kept = rows.filter(keep)
    if kept.num_rows < rows.num_rows:
        log.warning("%s: %d chart rows dated outside %s..%s left out", path, rows.num_rows - kept.num_rows,
                    DATE_FIRST, DATE_LAST)
    return kept


def stage(staged_dir: Path, table: str, name: str, rows: pa.Table) -> Path:
    """Write ``rows`` for catalog ``table`` as staged file ``name``.parquet (atomically replaced), under
    the data folder's writer lock. A file that must change with the catalog goes through a
    ``catalog.staging.StagedChange`` instead."""
    folder = staged_dir / table
    with writer_lock(staged_dir.parent):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.parquet"
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(rows, tmp)
        tmp.replace(path)
    return path
