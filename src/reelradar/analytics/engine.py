"""The one place where Ibis meets a concrete engine. Analytics are written as Ibis expressions; this
module binds them to DuckDB (the default) and materialises results as catalog tables."""

from __future__ import annotations

import duckdb
import ibis
from ibis.backends.duckdb import Backend
from ibis.expr.types import Table


def backend(con: duckdb.DuckDBPyConnection) -> Backend:
    """An Ibis backend over an open DuckDB connection (the build's own, so one transaction sees all)."""
    return ibis.duckdb.from_connection(con)


def materialize(be: Backend, name: str, expr: Table) -> None:
    """Write ``expr`` as table ``name``, replacing an older one."""
    # ibis' create_table(overwrite=True) emits SQL DuckDB 2 rejects; drop first, then create.
    be.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
    be.create_table(name, expr)
