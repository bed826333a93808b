"""One writer at a time, no silent wipes, no crash windows: two processes writing at once lose nothing
(the second waits, or is refused with one line); a Netflix file that would shrink an import's history
is refused unless --replace; a kill at each step of a chart import leaves catalog and staged data
agreeing, and a re-run applies the file; what killed writers leave is cleared by the next writer and
never read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import SHARED
from helpers.tiny_catalog import tiny_catalog
from typer.testing import CliRunner

from reelradar.catalog import writer
from reelradar.catalog.chart_links import link_entry
from reelradar.catalog.charts_store import import_chart_file, import_netflix
from reelradar.catalog.db import open_catalog
from reelradar.catalog.ensure import rebuild
from reelradar.catalog.writer import CatalogBusy, writer_lock
from reelradar.cli import app
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.sources.staged import StagedSource
from reelradar.testing import Request, Response, local_server

DATA = Path(__file__).parent / "data" / "charts"
GLOBAL = SHARED / "data" / "netflix-top10" / "all-weeks-global.tsv"
BUSY = re.compile(r"reelradar: another update is running \(pid (\d+), since \d\d:\d\d:\d\d\); try again when it ends")
COLS = "import_name, source, platform, country, category, period_start, rank, raw_title"
runner = CliRunner()

# Code run before the CLI in a child process (``cli(..., before=...)``): test hooks, never in reelradar.
RUNNER = "import sys; exec(sys.argv[1]); from reelradar.cli import main; sys.argv[1:2] = []; main()"
PAUSE = """
import pathlib, time
import reelradar.catalog.charts_store as cs
_real = cs.refresh_charts
def _paused(con, settings):
    pathlib.Path({marker!r}).write_text("inside the write")
    end = time.monotonic() + {seconds}
    while time.monotonic() < end and not pathlib.Path({release!r}).exists():
        time.sleep(0.05)
    return _real(con, settings)
cs.refresh_charts = _paused
"""
KILL_AT = """
import os, re
_real = os.replace
def _replace(src, dst, *a, **k):
    if re.search({pattern!r}, os.fspath(dst)):
        if {when!r} == "before":
            os._exit(9)
        _real(src, dst, *a, **k)
        os._exit(9)
    return _real(src, dst, *a, **k)
os.replace = _replace
"""
SHORT_WAIT = "import reelradar.catalog.writer as w; w.WAIT_SECONDS = 0.5"


def argv(s: Settings, args: tuple[str, ...], before: str | None) -> list[str]:
    """``reelradar --data-dir … ARGS`` as a child process: ``python -m reelradar``, or after ``before``."""
    head = [sys.executable, "-c", RUNNER, before] if before else [sys.executable, "-m", "reelradar"]
    return [*head, "--data-dir", str(s.data_dir), *args]


def cli(s: Settings, *args: str, before: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv(s, args, before), check=False, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=180)


def start(s: Settings, *args: str, before: str | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(argv(s, args, before), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def tiny(tmp_path: Path) -> Settings:
    return tiny_catalog(tmp_path / "data", scores=True)


def catalog_rows(s: Settings) -> list[tuple]:
    con = open_catalog(s.catalog_path)
    try:
        return con.execute(f"SELECT {COLS} FROM chart_entry WHERE import_name IS NOT NULL ORDER BY ALL").fetchall()
    finally:
        con.close()


def staged_rows(s: Settings) -> list[tuple]:
    files = sorted((s.staged_dir / "chart_entry").glob("*.parquet"))
    if not files:
        return []
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT {COLS} FROM read_parquet(?, union_by_name = true) ORDER BY ALL",
                           [[str(f) for f in files]]).fetchall()
    finally:
        con.close()


def imports_in(rows: list[tuple]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[row[0]] = out.get(row[0], 0) + 1
    return out


def wait_for(path: Path, proc: subprocess.Popen[str], seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.05)


# -- 1. one writer at a time ---------------------------------------------------------------------------

def test_two_writers_started_together_lose_nothing(tiny: Settings) -> None:
    """`update netflix --from` and `import chart` at once: both present, or one refused in one line."""
    a = start(tiny, "update", "netflix", "--from", str(DATA / "countries.tsv"))
    b = start(tiny, "import", "chart", str(DATA / "prime.csv"))
    done = {"netflix-countries": a, "chart-several-prime": b}
    outcome = {name: (p.wait(timeout=180), p.communicate()[1]) for name, p in done.items()}
    found = imports_in(catalog_rows(tiny))
    for name, (code, err) in outcome.items():
        if code == 0:
            assert name in found, f"{name} said it succeeded but is not in the catalog: {outcome}"
        else:
            assert code == CatalogBusy.exit_code and BUSY.fullmatch(err.strip()), outcome
    assert any(code == 0 for code, _ in outcome.values())
    assert staged_rows(tiny) == catalog_rows(tiny)


def test_a_second_writer_waits_for_the_first_to_end(tiny: Settings, tmp_path: Path) -> None:
    """The first import is held inside its write (after its copy of the catalog, before the swap); a
    second one started then waits for it and both are in the catalog and the staged data."""
    marker, release = tmp_path / "inside", tmp_path / "release"
    a = start(tiny, "import", "chart", str(DATA / "weekly.csv"), "--platform", "Hulu",
              before=PAUSE.format(marker=str(marker), release=str(release), seconds=5))
    wait_for(marker, a)
    b = start(tiny, "update", "netflix", "--from", str(DATA / "countries.tsv"))
    end = time.monotonic() + 5
    while b.poll() is None and time.monotonic() < end:  # on main, b copied, wrote and swapped meanwhile
        time.sleep(0.05)
    release.write_text("go")
    results = [(p.wait(timeout=180), p.communicate()) for p in (a, b)]
    assert [code for code, _ in results] == [0, 0], results
    assert imports_in(catalog_rows(tiny)) == {"chart-hulu-weekly": 3, "netflix-countries": 16}
    assert staged_rows(tiny) == catalog_rows(tiny)


def test_a_busy_folder_refuses_in_one_line_and_a_killed_writer_frees_it(tiny: Settings, tmp_path: Path) -> None:
    marker = tmp_path / "inside"
    a = start(tiny, "import", "chart", str(DATA / "weekly.csv"), "--platform", "Hulu",
              before=PAUSE.format(marker=str(marker), release=str(tmp_path / "never"), seconds=120))
    wait_for(marker, a)
    before = catalog_rows(tiny)
    refused = cli(tiny, "import", "chart", str(DATA / "prime.csv"), before=SHORT_WAIT)
    assert refused.returncode == CatalogBusy.exit_code
    line = BUSY.fullmatch(refused.stderr.strip())
    assert line and int(line.group(1)) == a.pid, refused.stderr  # one line, naming the holder; no traceback
    a.kill()  # kill -9 in the middle of the write: the kernel releases the lock
    a.wait(timeout=30)
    building = list(tiny.data_dir.glob("catalog.duckdb.*.building*"))
    assert building  # what the killed write left
    read = runner.invoke(app, ["--data-dir", str(tiny.data_dir), "charts", "unresolved"])
    assert read.exit_code == 0, read.output  # a read does not trip on it
    assert catalog_rows(tiny) == before
    again = cli(tiny, "import", "chart", str(DATA / "prime.csv"), before=SHORT_WAIT)
    assert again.returncode == 0, again.stderr
    assert imports_in(catalog_rows(tiny)) == {"chart-several-prime": 9}
    assert staged_rows(tiny) == catalog_rows(tiny)
    assert not list(tiny.data_dir.glob("catalog.duckdb.*.building*"))


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(tiny: Settings,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "WAIT_SECONDS", 0.2)
    seen: list[BaseException | None] = []

    def other_thread() -> None:
        try:
            with writer_lock(tiny.data_dir):
                seen.append(None)
        except CatalogBusy as exc:
            seen.append(exc)

    with writer_lock(tiny.data_dir), writer_lock(tiny.data_dir):
        import_chart_file(tiny, DATA / "prime.csv")  # takes the lock again, inside, and builds nothing twice
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert writer.holds_lock(tiny.data_dir)
    assert not writer.holds_lock(tiny.data_dir)
    assert isinstance(seen[0], CatalogBusy) and f"pid {os.getpid()}," in str(seen[0])
    assert imports_in(catalog_rows(tiny)) == {"chart-several-prime": 9}


# -- 2. a file that would shrink an import's history ------------------------------------------------------

def cut(src: Path, lines: int, dst: Path) -> Path:
    """The first ``lines`` lines of ``src`` (the header is line 1): a file cut at a line boundary."""
    with src.open(encoding="utf-8") as f:
        dst.write_text("".join(next(f) for _ in range(lines)), encoding="utf-8")
    return dst


def test_a_header_only_or_cut_short_netflix_file_is_refused_unless_replace(tiny: Settings, tmp_path: Path) -> None:
    import_netflix(tiny, DATA / "countries.tsv")
    before, staged = catalog_rows(tiny), staged_rows(tiny)
    header, short = cut(DATA / "countries.tsv", 1, tmp_path / "header.tsv"), cut(DATA / "countries.tsv", 5,
                                                                                  tmp_path / "short.tsv")
    for path, rows in ((header, 0), (short, 4)):
        with pytest.raises(BadInput) as refused:
            import_netflix(tiny, path)
        assert str(refused.value) == (
            f"{path}: {rows:,} chart rows where import netflix-countries holds 16 (it would lose "
            f"{1 - rows / 16:.0%} of its history: a header-only or cut-short file?); nothing was changed: "
            "pass --replace to load it anyway")
        assert catalog_rows(tiny) == before and staged_rows(tiny) == staged
    out = runner.invoke(app, ["--data-dir", str(tiny.data_dir), "update", "netflix", "--from", str(short)])
    assert out.exit_code == 2 and out.output.count("\n") == 1 and "holds 16" in out.output
    fewer = cut(DATA / "countries.tsv", 16, tmp_path / "fewer.tsv")  # 15 of 16 rows: within the share
    assert import_netflix(tiny, fewer)["netflix-countries"]["rows"] == 15
    out = runner.invoke(app, ["--data-dir", str(tiny.data_dir), "update", "netflix", "--from", str(header),
                              "--replace"])
    assert out.exit_code == 0, out.output
    assert "netflix-countries" not in imports_in(catalog_rows(tiny)) and staged_rows(tiny) == catalog_rows(tiny)


@pytest.mark.skipif(not GLOBAL.exists(), reason=f"the real Netflix global file is not at {GLOBAL}")
def test_the_real_global_file_cut_to_100_lines_is_refused(tiny: Settings, tmp_path: Path) -> None:
    assert import_netflix(tiny, GLOBAL)["netflix-global"]["rows"] == 10_560
    short = cut(GLOBAL, 100, tmp_path / "all-weeks-global.tsv")
    with pytest.raises(BadInput, match=r"99 chart rows where import netflix-global holds 10,560 \(it would lose 99%"):
        import_netflix(tiny, short)
    assert imports_in(catalog_rows(tiny)) == {"netflix-global": 10_560}
    assert import_netflix(tiny, short, replace=True)["netflix-global"]["rows"] == 99


# -- 3. kills inside a chart import ---------------------------------------------------------------------

def chart_rows_after_rebuild(s: Settings) -> list[tuple]:
    """A full build from staged data alone (no primary source): the chart rows it brings back."""
    rebuild(s, [])
    return catalog_rows(s)


def test_a_kill_between_trimming_and_staging_loses_no_days(tiny: Settings, tmp_path: Path) -> None:
    """An import of charts and days another staged file holds trims that file: a kill just after the
    trimmed file is in place (before the new file is) leaves nothing a rebuild could lose."""
    import_chart_file(tiny, DATA / "prime.csv")
    fix = tmp_path / "prime-fix.csv"
    fix.write_text("date,platform,country,rank,title\n2025-07-14,Prime Video,US,1,Ballard\n"
                   "2025-07-14,Prime Video,US,2,Night Train\n2025-07-14,Prime Video,US,3,Old Friend\n")
    killed = cli(tiny, "import", "chart", str(fix),
                 before=KILL_AT.format(pattern=r"staged/chart_entry/chart-several-prime\.parquet$", when="after"))
    assert killed.returncode == 9, killed.stderr
    live = catalog_rows(tiny)
    assert chart_rows_after_rebuild(tiny) == live  # a rebuild brings back what the catalog showed
    assert staged_rows(tiny) == catalog_rows(tiny)
    again = cli(tiny, "import", "chart", str(fix))
    assert again.returncode == 0, again.stderr
    assert imports_in(catalog_rows(tiny)) == {"chart-several-prime": 5, "chart-several-prime-fix": 3}
    assert staged_rows(tiny) == catalog_rows(tiny)
    assert chart_rows_after_rebuild(tiny) == staged_rows(tiny)


def netflix_server(body: bytes):  # type: ignore[no-untyped-def]
    def handle(req: Request) -> Response:
        if not req.path.endswith("/all-weeks-global.tsv"):
            return Response(404, b"no such file")
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return Response(200, body, {"ETag": '"v1"'})

    return handle


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_kill_around_the_swap_then_update_netflix_applies_the_file(tiny: Settings, tmp_path: Path,
                                                                     when: str) -> None:
    """Killed just before the catalog swap (the staged data was already new on main) or just after it
    (staged files not yet in place): catalog and staged data agree once the next writer runs, and the
    next `update netflix` applies the file although the server says it has not changed."""
    with local_server(netflix_server((DATA / "global-extra.tsv").read_bytes())) as (url, seen):
        env = {"REELRADAR_NETFLIX_BASE_URL": url + "/", "REELRADAR_CACHE_DIR": str(tmp_path / "cache")}
        killed = cli(tiny, "update", "netflix", env=env,
                     before=KILL_AT.format(pattern=r"catalog\.duckdb$", when=when))
        assert killed.returncode == 9, killed.stderr
        if when == "before":
            assert staged_rows(tiny) == catalog_rows(tiny) == []  # neither changed
        read = runner.invoke(app, ["--data-dir", str(tiny.data_dir), "charts", "unresolved"])
        assert read.exit_code == 0, read.output
        again = cli(tiny, "update", "netflix", "--json", env=env)
        assert again.returncode == 0, again.stderr
        assert seen[-3].headers.get("if-none-match") == '"v1"'  # the server said: unchanged
    assert imports_in(catalog_rows(tiny)) == {"netflix-global": 2}
    assert staged_rows(tiny) == catalog_rows(tiny)
    assert not list(tiny.staged_dir.glob(".change-*"))
    assert chart_rows_after_rebuild(tiny) == staged_rows(tiny)


def test_a_manual_link_whose_write_fails_stages_nothing(tiny: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from reelradar.catalog import db

    import_chart_file(tiny, DATA / "prime.csv")
    manual = tiny.staged_dir / "chart_link" / "manual.parquet"

    def fail(path: Path) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(db, "fsync_file", fail)  # the step just before the swap
    with pytest.raises(OSError):
        link_entry(tiny, "Night Train", "tt0000009", "Prime Video")
    assert not manual.exists() and not list(tiny.staged_dir.glob(".change-*"))
    monkeypatch.undo()
    link_entry(tiny, "Night Train", "tt0000009", "Prime Video")
    assert manual.exists()


# -- 4. what killed writers leave ----------------------------------------------------------------------

def test_leftovers_are_never_read_and_the_next_writer_clears_them(tiny: Settings) -> None:
    import_chart_file(tiny, DATA / "prime.csv")
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)
    folder = tiny.staged_dir / "chart_entry"
    junk = [tiny.data_dir / f"catalog.duckdb.{dead}.building", tiny.data_dir / f"catalog.duckdb.{dead}.building.wal",
            folder / "chart-several-prime.parquet.tmp", folder / "chart-several-prime.trim.tmp",
            folder / f".incoming-{dead}.tmp"]
    for path in junk:
        path.write_bytes(b"half a file")
    unsealed = tiny.staged_dir / ".change-0badc0de" / "chart_entry"
    unsealed.mkdir(parents=True)
    (unsealed / "ghost.parquet").write_bytes(b"not parquet")
    uncommitted = tiny.staged_dir / ".change-feedface"
    (uncommitted / "chart_entry").mkdir(parents=True)
    (uncommitted / "chart_entry" / "ghost.parquet").write_bytes(b"not parquet")
    (uncommitted / "plan.json").write_text('{"id": "feedface", "catalog": "catalog.duckdb", '
                                           '"put": [["chart_entry", "ghost"]], '
                                           '"remove": [["chart_entry", "chart-several-prime"]]}')
    live = folder / f".incoming-{os.getppid()}.tmp"  # a process still running: not ours to remove
    live.write_bytes(b"in use")
    rows = catalog_rows(tiny)
    assert sum(t.num_rows for name, t in StagedSource(tiny.staged_dir).tables() if name == "chart_entry") == 9
    read = runner.invoke(app, ["--data-dir", str(tiny.data_dir), "charts", "--json"])
    assert read.exit_code == 0, read.output
    assert all(p.exists() for p in junk)  # a read changes nothing
    import_netflix(tiny, DATA / "countries.tsv")  # the next write
    assert not any(p.exists() for p in junk) and not list(tiny.staged_dir.glob(".change-*"))
    assert live.exists()
    assert not (folder / "ghost.parquet").exists()  # a change the catalog never held is not applied
    assert imports_in(catalog_rows(tiny)) == {**imports_in(rows), "netflix-countries": 16}
    assert staged_rows(tiny) == catalog_rows(tiny)
