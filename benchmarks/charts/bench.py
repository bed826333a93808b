"""Chart history at scale: reelradar's import + chart analytics against a straightforward pandas
implementation of the same computations, on the same synthetic data.

Data (generated here, with DuckDB): daily top-10 charts for PLATFORMS platforms × COUNTRIES countries ×
10 ranks × DAYS days (defaults 10 × 90 × 10 × 1826 ≈ 16.4M rows), one CSV in the FlixPatrol style
(date, platform, country, rank, title). Titles churn: each chart slot holds a title for a few days, a
title charts in a varying subset of countries, so movement, new entries and breakouts all occur.

Each side runs in its own process so peak RSS is its own:
- reelradar: ``import_chart_file`` on a data folder holding the demo catalog (parse and check the CSV,
  stage Parquet, copy-change-swap the catalog, place titles, recompute scores and every chart table:
  per-item stats, weekly totals, momentum and breakouts); then, in a second catalog write, the chart
  tables once more alone, the positions of every row of every chart (previous rank / change / new
  entry / cumulative weeks and days / peak: computed when a chart is shown, so here all at once as a
  query), plus day/week/month totals and the fixed-country world totals.
- pandas: read the CSV, check ranks and dates, drop repeats, then the same positions, stats, totals,
  fixed-country world totals, momentum and breakouts.

Usage: python benchmarks/charts/bench.py [--days 1826] [--countries 90] [--platforms 10] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, platforms: int, countries: int, days: int) -> int:
    import duckdb
    import pycountry

    codes = sorted(c.alpha_2 for c in pycountry.countries)
    if countries > len(codes):
        raise SystemExit(f"--countries {countries}: there are only {len(codes)} countries")
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"""
        COPY (
          SELECT DATE '2021-01-01' + d.d::INT AS date, 'Platform ' || p.p AS platform,
                 {codes!r}[c.c + 1] AS country, r.r + 1 AS rank,
                 -- a slot's title changes every 3-9 days; countries share titles in staggered waves
                 'P' || p.p || ' Title ' || ((d.d + (c.c % 5) * 2 + r.r * 7) // (3 + (r.r + p.p) % 7) * 10 + r.r)
                   AS title
          FROM range({platforms}) p(p), range({countries}) c(c), range(10) r(r), range({days}) d(d)
        ) TO '{path}' (HEADER, DELIMITER ',')""")
    return platforms * countries * days * 10


def run_reelradar(csv: Path, work: Path) -> dict[str, float]:
    from reelradar.analytics.charts import (
        chart_rows,
        compute_chart_tables,
        fixed_countries,
        points_totals,
        positions_sql,
        world_totals,
    )
    from reelradar.analytics.engine import backend, materialize
    from reelradar.catalog.charts_store import import_chart_file
    from reelradar.catalog.db import write_catalog
    from reelradar.catalog.ensure import build_demo
    from reelradar.config import load_settings

    s = load_settings(data_dir=work / "data", cache_dir=work / "cache")
    build_demo(s)  # the catalog a user already has; not timed
    t0 = time.perf_counter()
    report = import_chart_file(s, csv)
    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    with write_catalog(s.catalog_path, start_from_current=True) as con:
        t_open = time.perf_counter() - t1
        t2 = time.perf_counter()
        compute_chart_tables(con, s)
        t_tables = time.perf_counter() - t2
        # Positions are computed when a chart is shown, never stored; here for every row of every chart
        # at once, as pandas computes them, and reduced to a few sums so every column is computed.
        t3 = time.perf_counter()
        positions = con.execute(
            f"""SELECT count(*), sum(cum_weeks), sum(cum_days), count(prev_rank), count(*) FILTER (WHERE is_new),
                       sum(peak_so_far), sum(rank_change) FROM {positions_sql(con, 'TRUE')} p""").fetchone()
        t_positions = time.perf_counter() - t3
        be = backend(con)
        rows = chart_rows(be.table("chart_entry"))
        for grain in ("day", "week", "month"):
            materialize(be, f"bench_totals_{grain}", points_totals(rows, grain, ["platform", "country"]))
        last = con.execute("SELECT max(period_end) FROM chart_entry").fetchone()[0]
        import datetime as dt

        fixed = fixed_countries(rows, [(last - dt.timedelta(days=13), last - dt.timedelta(days=7)),
                                       (last - dt.timedelta(days=6), last)])
        materialize(be, "bench_world_week", world_totals(rows, "week", fixed))
        t_compute = time.perf_counter() - t2
        breakouts = con.execute("SELECT count(*) FILTER (WHERE breakout), count(*) FROM chart_momentum").fetchone()
    return {"rows": float(report["rows"]), "import_s": t_import, "positions_all_s": t_positions,
            "import_and_positions_s": t_import + t_positions, "position_rows": float(positions[0]),
            "compute_again_s": t_compute, "chart_tables_again_s": t_tables,
            "copy_catalog_s": t_open, "breakouts": float(breakouts[0]), "momentum_rows": float(breakouts[1])}


def run_pandas(csv: Path, window: int = 7, prior: float = 5.0) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    df = pd.read_csv(csv, parse_dates=["date"])
    if df["rank"].isna().any() or not df["rank"].between(1, 10).all() or df["date"].isna().any():
        raise SystemExit("bad rows")
    df = df.sort_values("rank").drop_duplicates(["platform", "country", "date", "title"])
    df["points"] = 11 - df["rank"]
    t_ingest = time.perf_counter() - t0

    t1 = time.perf_counter()
    chart = ["platform", "country"]
    df = df.sort_values([*chart, "title", "date"]).reset_index(drop=True)
    df["week"] = df["date"].dt.to_period("W-SUN").dt.start_time
    df["pidx"] = df.groupby(chart)["date"].rank(method="dense").astype("int32")
    g = df.groupby([*chart, "title"], sort=False)
    lag_pidx, lag_rank = g["pidx"].shift(), g["rank"].shift()
    df["prev_rank"] = lag_rank.where(lag_pidx == df["pidx"] - 1)
    df["rank_change"] = df["prev_rank"] - df["rank"]
    df["is_new"] = g.cumcount() == 0
    new_week = (df["week"] != g["week"].shift()).astype("int32")
    df["cum_weeks"] = new_week.groupby([df[c] for c in [*chart, "title"]], sort=False).cumsum()
    df["cum_days"] = g.cumcount() + 1
    df["peak_so_far"] = g["rank"].cummin()
    stats = g.agg(weeks=("week", "nunique"), days=("date", "count"), peak=("rank", "min"),
                  first=("date", "min"), last=("date", "max"), points=("points", "sum"))
    totals = {}
    for grain, freq in (("day", None), ("week", "W-SUN"), ("month", "M")):
        bucket = df["date"] if freq is None else df["date"].dt.to_period(freq).dt.start_time
        totals[grain] = df.groupby(["title", "platform", "country", bucket]).agg(
            points=("points", "sum"), best=("rank", "min"))
    # fixed country set and momentum per platform (all rows here are country charts)
    as_of = df.groupby("platform")["date"].transform("max")
    this = df["date"] > as_of - pd.Timedelta(days=window)
    last = (~this) & (df["date"] > as_of - pd.Timedelta(days=2 * window))
    win = np.where(this, "this", np.where(last, "last", ""))
    both = pd.DataFrame({"platform": df["platform"], "country": df["country"], "win": win})
    both = both[both["win"] != ""].groupby(["platform", "country"])["win"].nunique()
    fixed = both[both == 2].reset_index()[["platform", "country"]]
    fixed["in_fixed"] = True
    df = df.merge(fixed, on=["platform", "country"], how="left")
    df["in_fixed"] = df["in_fixed"].fillna(False).astype(bool)
    this, last = df["date"] > as_of - pd.Timedelta(days=window), None
    as_of = df.groupby("platform")["date"].transform("max")
    this = df["date"] > as_of - pd.Timedelta(days=window)
    last = (~this) & (df["date"] > as_of - pd.Timedelta(days=2 * window))
    df["p_this"] = np.where(this & df["in_fixed"], df["points"], 0)
    df["p_last"] = np.where(last & df["in_fixed"], df["points"], 0)
    df["c_this"] = df["country"].where(this)
    df["one_this"] = df["country"].where(this & (df["rank"] == 1))
    df["r_this"] = df["rank"].where(this)
    df["r_last"] = df["rank"].where(last)
    m = df.groupby(["platform", "title"]).agg(
        points_this=("p_this", "sum"), points_last=("p_last", "sum"), countries_this=("c_this", "nunique"),
        number_one=("one_this", "nunique"), best_this=("r_this", "min"), best_last=("r_last", "min"),
        weeks=("week", "nunique"), first=("date", "min"))
    m = m[(m["points_this"] > 0) | (m["points_last"] > 0)]
    m["momentum"] = np.log((m["points_this"] + prior) / (m["points_last"] + prior))
    m["breakout"] = (m["momentum"] >= 0.7) & (m["points_this"] >= 8) & (m["countries_this"] >= 1)
    t_compute = time.perf_counter() - t1
    return {"rows": float(len(df)), "ingest_s": t_ingest, "compute_s": t_compute,
            "breakouts": float(m["breakout"].sum()), "momentum_rows": float(len(m)),
            "stats_rows": float(len(stats)), "week_totals": float(len(totals["week"]))}


def child(which: str, csv: Path, work: Path) -> None:
    out = run_reelradar(csv, work) if which == "reelradar" else run_pandas(csv)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["peak_rss_mib"] = usage.ru_maxrss / 1024
    # CPU seconds of the whole process (all threads): steadier than wall time on a shared machine.
    out["cpu_s"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--platforms", type=int, default=10)
    ap.add_argument("--countries", type=int, default=90)
    ap.add_argument("--days", type=int, default=1826)
    ap.add_argument("--work", type=Path, default=None, help="Folder for the data (default: a temp folder).")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--child", choices=["reelradar", "pandas"], help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.csv, a.work)
        return
    work = a.work or Path(tempfile.mkdtemp(prefix="reelradar-bench-charts-"))
    work.mkdir(parents=True, exist_ok=True)
    csv = work / "charts.csv"
    t0 = time.perf_counter()
    n = generate(csv, a.platforms, a.countries, a.days)
    print(f"generated {n:,} rows ({csv.stat().st_size / 2**20:,.0f} MiB CSV) in {time.perf_counter() - t0:.1f} s",
          flush=True)
    results = {}
    for which in ("reelradar", *(() if a.skip_pandas else ("pandas",))):
        proc = subprocess.run([sys.executable, __file__, "--child", which, "--csv", str(csv), "--work", str(work)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            raise SystemExit(f"{which} failed")
        results[which] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(which, json.dumps(results[which]), flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
