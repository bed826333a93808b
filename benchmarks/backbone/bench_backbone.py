"""Backbone benchmark: demo catalog build time and `picks` latency, beside a pandas baseline.

The demo data is the catalog that ships with the package (17,472 Wikidata films from bokeh-sampledata
plus the hand-written series slice), so the scale is fixed: 17,473 titles, 41,386 scores.

- build: `reelradar demo` end to end in-process (read SQLite, load DuckDB, derive scores, swap), N runs.
- picks: 100 calls of `picks()` in one process (radar and top, with and without filters), median/p95.
- baseline: the same per-source scores (Wilson bound, Bayesian average, cohort percentiles, weighted
  acclaim, awareness) written directly in pandas over the same SQLite file, the way one would script
  it without reelradar; then a radar query on the resulting frame.

Run: python benchmarks/backbone/bench_backbone.py [--runs 5] [--calls 100]
"""

from __future__ import annotations

import argparse
import math
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import picks
from reelradar.catalog.db import open_catalog
from reelradar.catalog.ensure import build_demo
from reelradar.config import load_settings
from reelradar.sources.demo import movies_db_path


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]


def pandas_scores(db: Path) -> pd.DataFrame:
    """The same scores written plainly with pandas."""
    con = sqlite3.connect(db)
    df = pd.read_sql(
        "SELECT o.imdbID AS id, o.Year AS year, o.Metacritic AS metascore, t.Meter AS meter, t.Reviews AS n, "
        "t.Fresh AS fresh, t.Rating AS avg, t.BoxOffice AS box FROM omdb o JOIN tomatoes t USING (ID)", con
    )
    df["decade"] = df.year // 10 * 10
    z = 1.645
    n = df.n.astype(float)
    p = df.fresh / n
    df["wilson"] = (p + z * z / (2 * n) - z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    g = df.groupby("decade")
    c = g.avg.transform("mean") / 10
    m = g.n.transform(lambda s: s.quantile(0.75))
    df["bayes"] = n / (n + m) * df.avg / 10 + m / (n + m) * c
    df["meta"] = df.metascore / 100
    parts = []
    for col, w in (("wilson", 0.5), ("bayes", 0.5), ("meta", 1.0)):
        r = df.groupby("decade")[col].rank(pct=True, method="min")
        weight = (n.fillna(5) / (n.fillna(5) + 20)) * w
        parts.append((r, weight.where(r.notna())))
    num = sum(r.fillna(0) * w.fillna(0) for r, w in parts)
    den = sum(w.fillna(0) for _, w in parts)
    df["acclaim"] = num / den.replace(0, np.nan)
    aware = [df.groupby("decade")[col].rank(pct=True) for col in ("n", "box")]
    df["awareness"] = pd.concat(aware, axis=1).max(axis=1)
    return df


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="rr-bench-"))
    s = load_settings(data_dir=root)

    builds = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        build_demo(s)
        builds.append(time.perf_counter() - t0)

    from reelradar.analytics.scores import compute_scores
    from reelradar.catalog.db import write_catalog

    scoring = []
    for _ in range(args.runs):
        with write_catalog(s.catalog_path, start_from_current=True) as wcon:
            t0 = time.perf_counter()
            compute_scores(wcon, s)
            scoring.append(time.perf_counter() - t0)

    con = open_catalog(s.catalog_path)
    cases = {
        "radar": dict(mode="radar"),
        "top series": dict(mode="top", filters=Filters(kind="series")),
        "radar crime 1990-2009": dict(mode="radar", filters=Filters(genre="Crime", year_from=1990, year_to=2009)),
    }
    latency = {}
    for name, kw in cases.items():
        picks(con, s, **kw)  # warm
        times = []
        for _ in range(args.calls):
            t0 = time.perf_counter()
            picks(con, s, **kw)
            times.append((time.perf_counter() - t0) * 1000)
        latency[name] = times

    base = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        df = pandas_scores(movies_db_path())
        df[(df.acclaim >= 0.8) & (df.awareness <= 0.35) & (df.n >= 20)].nlargest(20, "acclaim")
        base.append(time.perf_counter() - t0)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo build (s): median {statistics.median(builds):.2f}, max {max(builds):.2f} over {args.runs} runs")
    print(f"reelradar scores alone (s): median {statistics.median(scoring):.2f} over {args.runs} runs")
    print(f"pandas baseline scores (s): median {statistics.median(base):.2f} over {args.runs} runs")
    for name, times in latency.items():
        print(f"picks {name} (ms): median {statistics.median(times):.1f}, p95 {pct(times, 0.95):.1f} "
              f"over {args.calls} calls")
    print(f"peak RSS (MiB): {rss:.0f}")


if __name__ == "__main__":
    main()
