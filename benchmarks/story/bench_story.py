"""Story benchmark: a title's story in process, and a digest end to end, on the demo catalog.

- story: ``title_story()`` then Markdown and HTML rendering, N calls per title in one process on a
  read-only connection (Ballard: every section; The Godfather: scores and credits; a radar film),
  median and p95.
- digest: ``reelradar digest`` end to end as a person runs it (a new process: start-up, open the
  catalog, every section, Markdown to a file), for a profile with a country and one service, N runs,
  and an Atom feed the same way.

The demo catalog is built into a temporary folder first (17,473 titles). Real-size numbers (a full IMDb
catalog with charts) need that catalog: pass its data folder with --data-dir.

Run: python benchmarks/story/bench_story.py [--calls 50] [--runs 5] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from reelradar.catalog.db import open_catalog
from reelradar.catalog.ensure import build_demo
from reelradar.config import load_settings
from reelradar.model import Profile
from reelradar.story.digest import digest
from reelradar.story.render import story_html, story_markdown
from reelradar.story.title import title_story

TITLES = ("demo:ballard", "tt0068646", "tt1433528")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]


def titles_of(con) -> list[str]:  # type: ignore[no-untyped-def]
    """The demo's three titles, or on another catalog three of the same sorts: the title with the most
    chart entries, the one with the most evidence behind its scores, and the least known acclaimed one."""
    found = [t for t in TITLES if con.execute("SELECT 1 FROM title WHERE id = ?", [t]).fetchone()]
    if len(found) == len(TITLES):  # the demo catalog (a generated one may hold some of its ids by chance)
        return found
    queries = ("SELECT title_id FROM chart_entry WHERE title_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
               "SELECT id FROM pick_base ORDER BY evidence DESC LIMIT 1",
               "SELECT id FROM pick_base WHERE acclaim >= 0.8 AND evidence >= 20 ORDER BY awareness LIMIT 1")
    return [row[0] for q in queries if (row := con.execute(q).fetchone())]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--service", default="Prime Video", help="The profile's service (Netflix on a catalog "
                    "whose charts are Netflix's).")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp) / "data"
        settings = load_settings(data_dir=data)
        if args.data_dir is None:
            build_demo(settings)
        con = open_catalog(settings.catalog_path)
        profile = Profile(country="US", services=[args.service])
        today = date.today()
        for title_id in titles_of(con):
            if con.execute("SELECT 1 FROM title WHERE id = ?", [title_id]).fetchone() is None:
                continue
            times = []
            for _ in range(args.calls):
                t0 = time.perf_counter()
                story = title_story(con, settings, title_id, profile=profile, today=today)
                story_markdown(story)
                story_html(story)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"story {title_id}: {len(story.facts)} facts, median {statistics.median(times):.1f} ms, "
                  f"p95 {pct(times, 0.95):.1f} ms over {args.calls} calls")
        t0 = time.perf_counter()
        d = digest(con, settings, profile=profile, today=today)
        print(f"digest in process: {sum(len(s.items) for s in d.sections)} items, {len(d.facts)} facts, "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms (first call)")
        con.close()
        for fmt in ("markdown", "atom"):
            walls = []
            for i in range(args.runs):
                out = Path(tmp) / f"digest-{i}.{fmt}"
                cmd = [sys.executable, "-m", "reelradar", "--data-dir", str(data), "digest", "--country", "US",
                       "--service", args.service, "--format", fmt, "--output", str(out)]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True)
                walls.append(time.perf_counter() - t0)
            print(f"digest end to end ({fmt}): median {statistics.median(walls):.2f} s, "
                  f"max {max(walls):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
