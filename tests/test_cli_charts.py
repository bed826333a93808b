"""The chart commands end to end on a private demo catalog: import, re-import, bad files, charts,
unresolved rows, history with a plot, hot picks, and a rebuild that keeps and re-links the rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from reelradar.catalog.db import open_catalog
from reelradar.catalog.ensure import build_demo
from reelradar.cli import app
from reelradar.config import Settings

DATA = Path(__file__).parent / "data" / "charts"
runner = CliRunner()


def run(s: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--data-dir", str(s.data_dir), *args])


def chart_rows(s: Settings) -> list[tuple]:
    con = open_catalog(s.catalog_path)
    try:
        return con.execute(
            """SELECT source, platform, country, category, period_start, rank, raw_title, title_id, points
               FROM chart_entry ORDER BY ALL"""
        ).fetchall()
    finally:
        con.close()


def test_import_reimport_and_bad_files(own_demo: Settings) -> None:
    before = chart_rows(own_demo)
    first = run(own_demo, "import", "chart", str(DATA / "prime.csv"), "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["rows"] == 9 and report["duplicates"] == 1 and report["unresolved"] >= 1
    after = chart_rows(own_demo)
    assert len(after) == len(before) + 9
    assert any(r[6] == "Ballard" and r[0] == "csv" and r[7] == "demo:ballard" for r in after)
    # the same file again, even under another name, changes nothing
    again = run(own_demo, "import", "chart", str(DATA / "prime.csv"))
    assert again.exit_code == 0, again.output
    assert chart_rows(own_demo) == after
    copy = own_demo.data_dir / "prime-copy.csv"
    copy.write_bytes((DATA / "prime.csv").read_bytes())
    assert run(own_demo, "import", "chart", str(copy)).exit_code == 0
    assert chart_rows(own_demo) == after
    staged = sorted(p.name for p in (own_demo.staged_dir / "chart_entry").glob("*.parquet"))
    # a bad file: one line naming file and line, exit 2, nothing imported or staged
    for name, where, options in (("rank11.csv", ":3:", ["--platform", "Max"]), ("wrong-header.csv", ":1:", []),
                                 ("bad-date.csv", ":3:", ["--platform", "Max"])):
        bad = run(own_demo, "import", "chart", str(DATA / name), *options)
        assert bad.exit_code == 2, bad.output
        message = bad.stderr.strip().splitlines()
        assert len(message) == 1 and name + where in message[0] and message[0].startswith("reelradar: ")
    assert chart_rows(own_demo) == after
    assert sorted(p.name for p in (own_demo.staged_dir / "chart_entry").glob("*.parquet")) == staged
    # a country may be asked for by name or code, as files may give it
    by_code = run(own_demo, "charts", "--platform", "Prime Video", "--country", "US", "--json")
    by_name = run(own_demo, "charts", "--platform", "Prime Video", "--country", "United States", "--json")
    assert by_code.exit_code == 0 and by_code.stdout == by_name.stdout and "Ballard" in by_name.stdout


def test_charts_unresolved_history_and_hot(own_demo: Settings, tmp_path: Path) -> None:
    assert run(own_demo, "import", "chart", str(DATA / "prime.csv")).exit_code == 0
    assert run(own_demo, "update", "netflix", "--from", str(DATA / "countries.tsv")).exit_code == 0

    shown = run(own_demo, "charts", "--platform", "Prime Video", "--country", "US", "--json")
    assert shown.exit_code == 0, shown.output
    charts = json.loads(shown.stdout)
    assert [c["period_start"] for c in charts] == ["2025-07-15"]
    rows = charts[0]["rows"]
    assert [(r["position"], r["title"], r["previous"]) for r in rows] == [(1, "Ballard", 1), (3, "Night Train", 2)]

    week = run(own_demo, "charts", "--platform", "Prime Video", "--country", "US", "--week", "2025-W29", "--json")
    summed = json.loads(week.stdout)[0]
    assert summed["aggregated"] and summed["rows"][0]["title"] == "Ballard" and summed["rows"][0]["points"] == 20

    netflix = run(own_demo, "charts", "--platform", "Netflix", "--country", "FR", "--category", "TV")
    assert netflix.exit_code == 0 and "The Quiet Harbour" in netflix.stdout and "Netflix Top 10" in netflix.stdout

    bad_week = run(own_demo, "charts", "--week", "2025-28")
    assert bad_week.exit_code == 2 and "2025-W28" in bad_week.stderr

    missing = run(own_demo, "charts", "unresolved", "--json")
    assert missing.exit_code == 0, missing.output
    assert "Nobody Knows This Film" in [u["raw_title"] for u in json.loads(missing.stdout)]

    png, svg = tmp_path / "h.png", tmp_path / "h.svg"
    hist = run(own_demo, "chart-history", "The Quiet Harbour", "--plot", str(png))
    assert hist.exit_code == 0, hist.output
    assert "peak #1" in hist.stdout and "Netflix Top 10" in hist.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run(own_demo, "chart-history", "The Quiet Harbour", "--plot", str(svg)).exit_code == 0
    assert b"<svg" in svg.read_bytes()[:500]
    assert run(own_demo, "chart-history", "The Quiet Harbour", "--plot", str(tmp_path / "h.gif")).exit_code == 2

    hot = run(own_demo, "picks", "--mode", "hot", "--json")
    assert hot.exit_code == 0, hot.output
    picks = json.loads(hot.stdout)["items"]
    assert picks and all(p["reasons"][0]["kind"] == "breakout" for p in picks)
    # Old Friend (a second film of that name) enters Germany's chart at #1 in the last week; the Prime
    # Video chart has no week before its first to compare with, so nothing there is a breakout yet.
    old = next(p for p in picks if p["title"] == "Old Friend")
    assert old["reason"].startswith("#1 in 1 of 2 countries on Netflix, new entry: ")
    assert not any("Prime Video" in p["reasons"][0]["text"] for p in picks)


def test_rebuild_keeps_and_relinks_chart_rows(own_demo: Settings) -> None:
    assert run(own_demo, "import", "chart", str(DATA / "prime.csv")).exit_code == 0
    assert run(own_demo, "update", "netflix", "--from", str(DATA / "countries.tsv")).exit_code == 0
    before = chart_rows(own_demo)
    assert run(own_demo, "update", "netflix", "--from", str(DATA / "countries.tsv")).exit_code == 0
    assert chart_rows(own_demo) == before  # loading the same Netflix file again changes nothing
    build_demo(own_demo)  # a full rebuild: staged chart rows come back and are placed again
    assert chart_rows(own_demo) == before
    con = duckdb.connect(str(own_demo.catalog_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM title WHERE id = 'netflix:miniseries:the-quiet-harbour'"
                           ).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM chart_momentum").fetchone()[0] > 0
    finally:
        con.close()


def test_an_import_clears_what_killed_imports_left(own_demo: Settings) -> None:
    import subprocess
    import sys

    folder = own_demo.staged_dir / "chart_entry"
    folder.mkdir(parents=True, exist_ok=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead = int(gone.stdout)  # a process that has ended
    (folder / f".incoming-{dead}.tmp").write_bytes(b"half a parquet file")
    (folder / f".spill-{dead}").mkdir()
    (folder / f".spill-{dead}" / "duckdb_temp_block").write_bytes(b"x")
    live = folder / f".incoming-{os.getppid()}.tmp"  # a process still running: not ours to remove
    live.write_bytes(b"in use")
    assert run(own_demo, "import", "chart", str(DATA / "prime.csv")).exit_code == 0
    assert not (folder / f".incoming-{dead}.tmp").exists() and not (folder / f".spill-{dead}").exists()
    assert live.exists()
