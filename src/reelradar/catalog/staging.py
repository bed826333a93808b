"""A staged change: the staged files a catalog write changes, made ready beside the live ones and put
in place only once the catalog holding their rows is live, so staged data and catalog change together
or not at all.

A writer (holding the update lock, ``writer.py``) fills ``staged/.change-<id>/<table>/<name>.parquet``
with the new files and seals the change: ``plan.json``, written last and atomically, names every file
to put in place and every live file to remove, and ``id`` goes into the new catalog's meta
(``staged.change``). The catalog swap is the commit. Then the plan is carried out and the folder goes.

A writer killed before the swap leaves a folder whose id the live catalog does not hold: the next
writer removes it, and nothing staged changed. Killed after the swap, the live catalog holds the id: the
next writer carries the plan out (each step can be done twice: a file already moved is skipped).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

PREFIX = ".change-"
PLAN = "plan.json"
META_KEY = "staged.change"


class StagedChange:
    """New staged files for one catalog write, kept apart until ``apply``."""

    def __init__(self, staged_dir: Path, catalog_path: Path) -> None:
        self.staged_dir = staged_dir
        self.catalog_path = catalog_path
        self.id = uuid.uuid4().hex
        self.folder = staged_dir / f"{PREFIX}{self.id}"
        self.puts: set[tuple[str, str]] = set()
        self.removes: set[tuple[str, str]] = set()

    def path(self, table: str, name: str) -> Path:
        """Where the new file of staged ``table`` / ``name`` is written (inside the change)."""
        folder = self.folder / table
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{name}.parquet"

    def put(self, table: str, name: str, rows: pa.Table | Path) -> Path:
        """Stage ``rows`` (a table, or a Parquet file, which is moved) as ``table`` / ``name``."""
        target = self.path(table, name)
        if isinstance(rows, Path):
            if rows != target:
                os.replace(rows, target)
        else:
            pq.write_table(rows, target)
        self.removes.discard((table, name))
        self.puts.add((table, name))
        return target

    def remove(self, table: str, name: str) -> None:
        """Remove the live staged file ``table`` / ``name`` with this change."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / table / f"{name}.parquet").unlink()
        self.puts.discard((table, name))
        self.removes.add((table, name))

    def current(self, table: str, name: str) -> Path | None:
        """The file ``table`` / ``name`` is as this change stands: its new file, else the live one."""
        if (table, name) in self.puts:
            return self.folder / table / f"{name}.parquet"
        live = self.staged_dir / table / f"{name}.parquet"
        return None if (table, name) in self.removes or not live.exists() else live

    def names(self, table: str) -> list[str]:
        """The staged files of ``table`` as this change stands (live ones, new ones, less removed ones)."""
        live = {p.stem for p in (self.staged_dir / table).glob("*.parquet")}
        return sorted((live | {n for t, n in self.puts if t == table}) - {n for t, n in self.removes if t == table})

    def seal(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write the plan (the change is complete on disk) and mark the catalog being written with it."""
        for table, name in sorted(self.puts):
            _fsync(self.folder / table / f"{name}.parquet")
        # The catalog is named relative to the data folder, so a folder moved elsewhere still settles.
        catalog = os.path.relpath(self.catalog_path.resolve(), self.staged_dir.parent.resolve())
        plan = {"id": self.id, "catalog": catalog,
                "put": sorted(self.puts), "remove": sorted(self.removes)}
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{PLAN}.tmp"
        tmp.write_text(json.dumps(plan), encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, self.folder / PLAN)
        con.execute("DELETE FROM meta WHERE key = ?", [META_KEY])
        con.execute("INSERT INTO meta VALUES (?, ?)", [META_KEY, self.id])

    def apply(self) -> None:
        """Put the new files in place (after the catalog holding them was swapped in)."""
        carry_out(self.folder)

    def discard(self) -> None:
        """Drop the change (its catalog write failed before the swap)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def empty(self) -> bool:
        return not self.puts and not self.removes


def settle(staged_dir: Path) -> None:
    """Settle every change a killed writer left in ``staged_dir`` (call with the update lock held)."""
    if staged_dir.is_dir():
        for folder in sorted(staged_dir.glob(f"{PREFIX}*")):
            settle_one(folder)


def settle_one(folder: Path) -> None:
    plan = _read_plan(folder)
    if plan is None:  # never sealed, so never committed: nothing staged changed
        shutil.rmtree(folder, ignore_errors=True)
        return
    catalog = folder.parent.parent / plan["catalog"]
    try:
        committed = committed_change(catalog)
    except duckdb.Error:
        return  # the catalog cannot be read now: decide at a later write, when it can
    if committed == plan["id"]:
        carry_out(folder)
    else:  # sealed, and the catalog swap never happened (a later change would have another id)
        shutil.rmtree(folder, ignore_errors=True)


def committed_change(catalog_path: Path) -> str | None:
    """The id of the staged change the live catalog was written with (None: none, or no catalog).
    ``duckdb.Error`` when the catalog is there but cannot be read."""
    if not catalog_path.is_file():
        return None
    con = duckdb.connect(str(catalog_path), read_only=True)
    try:
        found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta'").fetchall()[0][0]
        row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone() if found else None
    finally:
        con.close()
    return str(row[0]) if row else None


def carry_out(folder: Path) -> None:
    """Move the change's files into place and remove those it removes; then the change folder goes."""
    plan = _read_plan(folder)
    if plan is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    staged_dir = folder.parent
    for table, name in plan["put"]:
        source = folder / table / f"{name}.parquet"
        if source.exists():  # else moved already, by a writer killed half-way through this plan
            (staged_dir / table).mkdir(parents=True, exist_ok=True)
            os.replace(source, staged_dir / table / f"{name}.parquet")
    for table, name in plan["remove"]:
        with contextlib.suppress(FileNotFoundError):
            (staged_dir / table / f"{name}.parquet").unlink()
    for table in {t for t, _ in plan["put"] + plan["remove"]}:
        _fsync(staged_dir / table)
    (folder / PLAN).unlink()
    shutil.rmtree(folder, ignore_errors=True)


def _read_plan(folder: Path) -> dict[str, Any] | None:
    try:
        plan = json.loads((folder / PLAN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return plan if isinstance(plan, dict) and {"id", "catalog", "put", "remove"} <= plan.keys() else None


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
