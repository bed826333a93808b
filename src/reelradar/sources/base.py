"""The source contract: a source fetches into the cache and yields normalised tables; it never writes
the catalog. The catalog loader inserts them by column name, so a source fills only what it knows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import pyarrow as pa


@dataclass(frozen=True)
class SourceInfo:
    """Who a source is, its terms, and how reelradar credits it wherever its facts are shown."""

    source: str
    name: str
    label: str
    license: str
    credit: str
    url: str | None = None
    demo: bool = False
    fetched_at: datetime | None = None


class Source(Protocol):
    """A source of catalog facts. ``tables`` yields (catalog table name, rows) pairs; column names
    match the catalog schema (``catalog/schema.sql``); absent columns stay NULL."""

    def infos(self) -> list[SourceInfo]: ...

    def tables(self) -> Iterator[tuple[str, pa.Table]]: ...


def rows_to_table(rows: list[dict[str, object]], schema: pa.Schema) -> pa.Table:
    """Rows as dicts to an Arrow table with an explicit schema (keys missing from a row are NULL)."""
    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)
