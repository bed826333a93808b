"""Open the catalog read-only, or write a new one and swap it in atomically.

A write never touches the live file: it goes to a temporary file beside it (a fresh one for a build,
a copy for an update), and only a complete, checkpointed file replaces the live one with
``os.replace``. An exception, Ctrl-C or ``kill -9`` leaves the previous catalog as it was. A write holds
the data folder's writer lock (``writer.py``) throughout, and the staged files it changes go in with
the catalog or not at all (``staging.py``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from reelradar.catalog.staging import StagedChange
from reelradar.catalog.writer import BUILDING, writer_lock
from reelradar.errors import CatalogError

SCHEMA_VERSION = 1
TMP_SUFFIX = BUILDING


def connect(database: str = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection without DuckDB's own progress bar (reelradar reports progress itself, and the
    bar would draw over its output on long queries)."""
    con = duckdb.connect(database, read_only=read_only)
    quiet(con)
    return con


def quiet(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET enable_progress_bar = false")


def sql_literal(value: object) -> str:
    """A SQL string literal of ``value``, for the few statements that cannot take parameters (a file path
    in read_csv, a filter inlined into stored SQL)."""
    return "'" + str(value).replace("'", "''") + "'"


def schema_sql() -> str:
    return resources.files("reelradar.catalog").joinpath("schema.sql").read_text(encoding="utf-8")


ADDED_TABLES = ("title_media",)  # tables of schema.sql that catalogs of the same version may lack


def added_table(name: str) -> str:
    """The ``CREATE TABLE IF NOT EXISTS`` of one of ``ADDED_TABLES``, as schema.sql writes it."""
    found = re.search(rf"^CREATE TABLE {name} \(.*?\n\);", schema_sql(), re.DOTALL | re.MULTILINE)
    assert found and name in ADDED_TABLES, name
    return found.group(0).replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)


def open_catalog(path: Path) -> duckdb.DuckDBPyConnection:
    """Open an existing catalog read-only, refusing a missing, corrupt or incompatible file."""
    if not path.exists():
        raise CatalogError(f"no catalog at {path}: run `reelradar demo` to build the demo catalog")
    try:
        con = connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise CatalogError(
            f"catalog {path} cannot be read ({_first_line(exc)}): delete it and run `reelradar demo`"
        ) from None
    try:
        check_version(con, path)
    except BaseException:
        con.close()
        raise
    return con


def check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        row = None
    if row is None:
        raise CatalogError(f"{path} is not a reelradar catalog: delete it and run `reelradar demo`")
    found = int(row[0])
    if found != SCHEMA_VERSION:
        newer = "a newer" if found > SCHEMA_VERSION else "an older"
        action = "upgrade reelradar" if found > SCHEMA_VERSION else "rebuild it with `reelradar demo`"
        raise CatalogError(
            f"catalog {path} has schema version {found}, {newer} one than this reelradar's "
            f"{SCHEMA_VERSION}: {action}"
        )


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the catalog holds ``name`` (derived tables and those some sources add may be missing)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall()[0][0])


def catalog_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


@contextlib.contextmanager
def write_catalog(
    path: Path, *, start_from_current: bool = False, staged: StagedChange | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a new catalog file; swap it in when the block succeeds.

    With ``start_from_current`` the new file starts as a copy of the live catalog (an update);
    otherwise it starts empty with the schema (a build). The writer lock of the catalog's folder is held
    from before the copy until after the swap. ``staged``: the staged files the block changes, sealed
    before the swap and put in place after it, or dropped when the write fails (``staging.py``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path.parent):
        tmp = path.with_name(f"{path.name}.{os.getpid()}{TMP_SUFFIX}")
        swapped = False
        try:
            if start_from_current:
                con0 = open_catalog(path)  # refuses a corrupt or incompatible live file before copying it
                con0.close()
                shutil.copyfile(path, tmp)
                con = connect(str(tmp))
            else:
                con = connect(str(tmp))
                con.execute(schema_sql())
                con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            try:
                yield con
                if staged is not None and not staged.empty:
                    staged.seal(con)
                con.execute("DELETE FROM meta WHERE key = 'built_at'")
                con.execute(
                    "INSERT INTO meta VALUES ('built_at', ?)", [datetime.now(UTC).isoformat(timespec="seconds")]
                )
                con.execute("CHECKPOINT")
            finally:
                con.close()
            fsync_file(tmp)
            os.replace(tmp, path)  # the commit, of the catalog and of the staged change it holds
            swapped = True
            _fsync_dir(path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            with contextlib.suppress(FileNotFoundError):
                Path(f"{tmp}.wal").unlink()
            if staged is not None and not swapped:
                staged.discard()
        if staged is not None:
            staged.apply()


@contextlib.contextmanager
def duckdb_settings(con: duckdb.DuckDBPyConnection, **values: str) -> Iterator[None]:
    """Set DuckDB settings (e.g. ``memory_limit="2GB"``) for a block, then put back what they were, so a
    step inside a build leaves the build's own limits as it found them."""
    before = {k: con.execute("SELECT current_setting(?)", [k]).fetchone()[0] for k in values}  # type: ignore[index]
    for key, value in values.items():
        con.execute(f"SET {key} = '{value}'")
    try:
        yield
    finally:
        for key, value in before.items():
            con.execute(f"SET {key} = '{value}'")


def fsync_file(path: Path) -> None:
    """Flush a file's data to disk (before it is renamed into place)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fsync_file(path)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
