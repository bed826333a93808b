"""Find the catalog row a story's footnote names, by the footnote's own values."""

from __future__ import annotations

from typing import Any

import duckdb


def row_exists(con: duckdb.DuckDBPyConnection, table: str, key: dict[str, Any]) -> tuple[Any, ...] | None:
    """The row of ``table`` whose columns hold ``key``'s values (floats to 9 places); a credit's ``name``
    is its person's."""
    key = dict(key)
    name = key.pop("name", None) if table == "credit" else None
    where, params = [], []
    for col, value in key.items():
        where.append(f'abs("{col}" - ?) < 1e-9' if isinstance(value, float) else f'"{col}" IS NOT DISTINCT FROM ?')
        params.append(value)
    if name is not None:
        where.append("person_id IN (SELECT id FROM person WHERE name = ?)")
        params.append(name)
    return con.execute(f"SELECT * FROM {table} WHERE {' AND '.join(where)} LIMIT 1", params).fetchone()
