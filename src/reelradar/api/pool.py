"""Read-only access to the live catalog for a server that runs for days.

One read-only DuckDB connection per catalog file; every request gets its own cursor of it (a DuckDB
connection is not thread-safe, its cursors may each be used by one thread). A rebuild swaps a new file
in with ``os.replace``: the pool notices the new inode or mtime at the next request and opens the new
file; requests already running finish on the old one, which closes when the last cursor is dropped.

The file is ATTACHed to a fresh in-memory database rather than opened with ``duckdb.connect(path)``:
DuckDB caches database instances by path within a process, so connecting to the same path again while
the old file is still open would hand back the old, swapped-out catalog.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from reelradar.catalog.db import check_version, connect
from reelradar.errors import CatalogError

ALIAS = "live_catalog"


def attach_catalog(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection whose default catalog is the file at ``path`` (checked like open_catalog)."""
    con = connect()
    try:
        con.execute(f"ATTACH ? AS {ALIAS} (READ_ONLY)", [str(path)])
        con.execute(f"USE {ALIAS}")
        check_version(con, path)
    except duckdb.Error as exc:
        con.close()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CatalogError(f"catalog {path} cannot be read ({first}): delete it and run `reelradar demo`") from None
    except BaseException:
        con.close()
        raise
    return con


@dataclass(frozen=True)
class Snapshot:
    con: duckdb.DuckDBPyConnection
    version: str  # changes whenever the file is swapped; the basis of ETags


class CatalogPool:
    """The live catalog, reopened whenever the file underneath changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._key: tuple[int, int, int] | None = None
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise CatalogError(f"no catalog at {self.path}: run `reelradar demo` to build the demo catalog") from None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if key != self._key or self._snapshot is None:
                con = attach_catalog(self.path)
                digest = hashlib.sha1(repr(key).encode()).hexdigest()[:16]
                # The previous connection is not closed here: requests may still hold its cursors.
                self._snapshot = Snapshot(con, digest)
                self._key = key
            return self._snapshot

    @contextlib.contextmanager
    def cursor(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
        """A cursor of the current catalog and the catalog's version, for one request."""
        snap = self.snapshot()
        cur = snap.con.cursor()
        try:
            cur.execute(f"USE {ALIAS}")  # a cursor starts on the in-memory database
            yield cur, snap.version
        finally:
            cur.close()

    def version(self) -> str:
        return self.snapshot().version

    def close(self) -> None:
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.con.close()
            self._snapshot = None
            self._key = None
