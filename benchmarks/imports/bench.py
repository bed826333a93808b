"""Importing a large export: an IMDb ratings CSV of N rows into a fresh user store, against the demo catalog.

The file is written in IMDb's export format (``Const,Your Rating,Date Rated,Title,...``): a share of
rows name demo films by their tconst (linked by id), a share name them by title and year only (the
resolver's name route), and the rest are invented titles with invented tconsts that no catalog holds
(matched to none, as most rows of a huge export against a small catalog are). Each run imports the
file once into an empty user store in a fresh process and reports wall time, CPU time and peak RSS,
then imports it again (nothing may change). Side by side: a plain ``csv`` + ``sqlite3`` loader
writing the same rows into one table, the least a person scripting it themselves would do.

    python benchmarks/imports/bench.py generate --rows 1000000 --out /tmp/rr-import
    python benchmarks/imports/bench.py run /tmp/rr-import [--json]

Target (issue 14): 1,000,000 rows in under 2 minutes and under 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HEADER = ["Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type", "IMDb Rating",
          "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors"]
WORDS = ("crimson", "harbor", "silent", "orchard", "velvet", "thunder", "paper", "lantern", "winter", "glass",
         "meridian", "copper", "hollow", "saffron", "echo", "marble", "tide", "ember", "violet", "compass")


def generate(rows: int, out: Path) -> None:
    from reelradar.catalog.db import open_catalog
    from reelradar.catalog.ensure import build_demo
    from reelradar.config import load_settings

    out.mkdir(parents=True, exist_ok=True)
    settings = load_settings(data_dir=out / "data")
    if not settings.catalog_path.exists():
        build_demo(settings)
    con = open_catalog(settings.catalog_path)
    films = con.execute("SELECT id, title, year FROM title WHERE kind = 'movie' AND starts_with(id, 'tt') "
                        "AND year IS NOT NULL ORDER BY id").fetchall()
    con.close()
    with (out / "ratings.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            day = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            if i < len(films) and i % 2 == 0:  # by id
                tid, title, year = films[i]
                w.writerow([tid, 1 + i % 10, day, title, title, f"https://www.imdb.com/title/{tid}/", "Movie", "",
                            "", year, "", "", "", ""])
            elif i < len(films):  # by name and year only: the tconst is one no catalog holds
                _tid, title, year = films[i]
                w.writerow([f"tt9{i:08d}", 1 + i % 10, day, title, title, "", "Movie", "", "", year, "", "", "",
                            ""])
            else:
                name = " ".join(WORDS[(i // 20 ** k) % 20].title() for k in range(1 + i % 3)) + f" {i}"
                w.writerow([f"tt8{i:08d}", 1 + i % 10, day, name, name, "", "Movie", "", "", 1950 + i % 75, "", "",
                            "", ""])
    print(f"wrote {rows:,} rows to {out / 'ratings.csv'}")


def _child(data_dir: str, path: str) -> None:
    from reelradar.config import load_settings
    from reelradar.users.imports import import_export

    settings = load_settings(data_dir=Path(data_dir))
    t0, c0 = time.perf_counter(), time.process_time()
    report = import_export(settings, "imdb", Path(path))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "peak_mb": round(peak),
                      "counts": report.counts}))


def _baseline(path: Path, db: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE rating (tconst TEXT PRIMARY KEY, rating INTEGER, at TEXT, title TEXT, year INTEGER)")
    with path.open(encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        con.executemany("INSERT OR REPLACE INTO rating VALUES (?, ?, ?, ?, ?)",
                        ((row[0], int(row[1]), row[2], row[3], int(row[9]) if row[9] else None) for row in r))
    con.commit()
    con.close()
    return {"seconds": round(time.perf_counter() - t0, 1)}


def run(folder: Path, as_json: bool) -> None:
    data = folder / "run-data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(folder / "data", data)
    (data / "users.sqlite").unlink(missing_ok=True)
    results = {}
    for attempt in ("first", "again"):
        out = subprocess.run([sys.executable, __file__, "child", str(data), str(folder / "ratings.csv")],
                             check=True, capture_output=True, text=True)
        results[attempt] = json.loads(out.stdout.strip().splitlines()[-1])
    base_db = folder / "baseline.sqlite"
    base_db.unlink(missing_ok=True)
    results["csv_sqlite3_baseline"] = _baseline(folder / "ratings.csv", base_db)
    if as_json:
        print(json.dumps(results, indent=2))
        return
    for name, r in results.items():
        print(f"{name:22} {r}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--rows", type=int, default=1_000_000)
    g.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("run")
    r.add_argument("folder", type=Path)
    r.add_argument("--json", action="store_true")
    c = sub.add_parser("child")
    c.add_argument("data_dir")
    c.add_argument("path")
    args = ap.parse_args()
    if args.cmd == "generate":
        generate(args.rows, args.out)
    elif args.cmd == "run":
        run(args.folder, args.json)
    else:
        _child(args.data_dir, args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
