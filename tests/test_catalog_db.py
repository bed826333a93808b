"""The catalog is swapped in whole or not at all; readers refuse files they cannot trust."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from reelradar.analytics.picks import picks
from reelradar.catalog.db import SCHEMA_VERSION, open_catalog, write_catalog
from reelradar.catalog.ensure import rebuild
from reelradar.config import Settings
from reelradar.errors import CatalogError
from reelradar.sources.demo import DemoSource

HELPER = Path(__file__).parent / "helpers" / "slow_build.py"


def current_picks(s: Settings) -> list[tuple[str, str]]:
    con = open_catalog(s.catalog_path)
    try:
        return [(p.id, p.reason) for p in picks(con, s, mode="radar", limit=10)]
    finally:
        con.close()


class Boom(RuntimeError):
    pass


class FailingSource:
    """Yields some rows, then fails with an unexpected error (a bug, not a source failure)."""

    def infos(self) -> list:
        return []

    def tables(self):  # type: ignore[no-untyped-def]
        yield from DemoSource().tables()
        raise Boom("disk on fire")


def leftovers(s: Settings) -> list[Path]:
    return [p for p in s.data_dir.iterdir() if p.name != "catalog.duckdb" and p.name.startswith("catalog.duckdb")]


def test_failed_build_leaves_previous_catalog_answering_the_same(own_demo: Settings) -> None:
    before = current_picks(own_demo)
    stat = own_demo.catalog_path.stat()
    with pytest.raises(Boom):
        rebuild(own_demo, [FailingSource()])
    assert current_picks(own_demo) == before
    assert own_demo.catalog_path.stat().st_mtime_ns == stat.st_mtime_ns
    assert leftovers(own_demo) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_build_leaves_previous_catalog(own_demo: Settings, tmp_path: Path, sig: int) -> None:
    before = current_picks(own_demo)
    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, str(HELPER), str(own_demo.data_dir), str(marker)])
    try:
        deadline = time.monotonic() + 300  # generous: CI machines may be loaded
        while not marker.exists():
            assert proc.poll() is None, "build ended before reaching the stall"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # the live catalog stays readable while a build runs beside it
        assert current_picks(own_demo) == before
        proc.send_signal(sig)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
    assert current_picks(own_demo) == before
    if sig == signal.SIGINT:
        assert leftovers(own_demo) == []  # cleaned up on the way out
    # a killed build's temporary file is removed by the next write
    rebuild(own_demo, [DemoSource()])
    assert leftovers(own_demo) == []
    assert current_picks(own_demo) == before


def test_reader_keeps_its_snapshot_while_a_build_swaps(own_demo: Settings) -> None:
    con = open_catalog(own_demo.catalog_path)
    n = con.execute("SELECT count(*) FROM title").fetchone()
    rebuild(own_demo, [DemoSource()])
    assert con.execute("SELECT count(*) FROM title").fetchone() == n
    con.close()


def test_incompatible_versions_are_refused_with_what_to_run(tmp_path: Path) -> None:
    for version, words in ((SCHEMA_VERSION + 1, "upgrade reelradar"), (SCHEMA_VERSION - 1, "reelradar demo")):
        path = tmp_path / f"v{version}.duckdb"
        with write_catalog(path) as con:
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
        with pytest.raises(CatalogError) as err:
            open_catalog(path)
        assert f"schema version {version}" in str(err.value) and words in str(err.value)
        assert "\n" not in str(err.value)


def test_corrupt_or_foreign_files_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 1000)
    with pytest.raises(CatalogError, match="cannot be read"):
        open_catalog(garbage)
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).execute("CREATE TABLE x (a INT)").close()
    with pytest.raises(CatalogError, match="not a reelradar catalog"):
        open_catalog(foreign)
    with pytest.raises(CatalogError, match="no catalog"):
        open_catalog(tmp_path / "missing.duckdb")


def test_update_starts_from_the_current_catalog(own_demo: Settings) -> None:
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        con.execute("DELETE FROM offer")
    con = open_catalog(own_demo.catalog_path)
    assert con.execute("SELECT count(*) FROM offer").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM title").fetchone()[0] > 17000
    con.close()


def test_readers_cannot_write(demo_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(duckdb.Error):
        demo_con.execute("DELETE FROM title")
