"""Latency benchmark: `like` and `recommend` on a generated catalog of N titles (default 1 million).

Builds the catalog through ``build_catalog`` (scores derived as in a real build), builds the content
index once (timed, and its file size), reloads it from its file as a fresh process would, then times
the library calls behind the commands over random seeds and random histories. Side by side: the
brute-force way (scikit-learn ``cosine_similarity`` of the seed against the whole feature matrix).

    python benchmarks/recommend/run_latency.py [--titles 1000000] [--queries 200] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import SyntheticSource, World

from reelradar.analytics.filters import Filters
from reelradar.catalog.db import open_catalog
from reelradar.catalog.load import build_catalog
from reelradar.config import load_settings
from reelradar.model import Interaction
from reelradar.recommend import content as content_mod
from reelradar.recommend.content import index_path, load_index
from reelradar.recommend.service import more_like_this, recommend_for


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stats(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {"n": len(a), "p50_ms": round(float(np.percentile(a, 50)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1),
            "max_ms": round(float(a.max()), 1), "mean_ms": round(float(a.mean()), 1)}


CPU_MS: dict[str, list[float]] = {}


def timed(fn, *args, case: str = "", **kwargs):  # type: ignore[no-untyped-def]
    """Wall time in ms; the process's CPU time is kept too (less sensitive to other load on the machine)."""
    c, t = time.process_time(), time.perf_counter()
    out = fn(*args, **kwargs)
    CPU_MS.setdefault(case, []).append((time.process_time() - c) * 1000)
    return out, (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--titles", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="rr-bench-latency-"))
    settings = load_settings(data_dir=folder)
    report: dict[str, object] = {"titles": args.titles, "queries": args.queries}

    t = time.perf_counter()
    world = World(args.titles)
    reused = settings.catalog_path.exists()  # a second run over the same --out times the queries only
    if not reused:
        build_catalog(settings.catalog_path, [SyntheticSource(world)], settings)
    report["catalog_build_s"] = "reused" if reused else round(time.perf_counter() - t, 1)
    report["catalog_mb"] = round(settings.catalog_path.stat().st_size / 2**20)
    print("catalog", report, flush=True)

    con = open_catalog(settings.catalog_path)
    t = time.perf_counter()
    had_index = index_path(settings).exists()
    index = load_index(con, settings)
    report["index_build_s"] = "reused" if had_index else round(time.perf_counter() - t, 1)
    report["index_file_mb"] = round(index_path(settings).stat().st_size / 2**20)
    report["features"] = int(index.matrix.shape[1])
    report["feature_nonzeros"] = int(index.matrix.nnz)
    report["peak_rss_after_index_mb"] = round(peak_mb())
    content_mod._LOADED.clear()
    del index
    t = time.perf_counter()
    index = load_index(con, settings)
    report["index_load_s"] = round(time.perf_counter() - t, 1)
    print("index", report, flush=True)

    rng = np.random.default_rng(3)
    seeds = [str(index.ids[i]) for i in rng.choice(len(index), args.queries, replace=False)]
    more_like_this(con, settings, seeds[0], limit=10)  # warm-up: first-touch page faults
    like_ms = [timed(more_like_this, con, settings, s, case="like", limit=10)[1] for s in seeds]
    filtered = Filters(genre="Crime", services=["Netflix", "Prime Video"], country="US")
    like_f_ms = [timed(more_like_this, con, settings, s, case="like_filtered", filters=filtered, limit=10)[1]
                 for s in seeds[:100]]
    histories = []
    for _ in range(args.queries):
        size = int(rng.integers(20, 150))
        picked = rng.choice(len(index), size, replace=False)
        histories.append([Interaction("rated", str(index.ids[i]), float(rng.integers(1, 11)), 10.0) for i in picked])
    rec_ms = [timed(recommend_for, con, settings, h, case="recommend", limit=10)[1] for h in histories]
    radar_ms = [timed(recommend_for, con, settings, h, case="recommend_radar", mode="radar", limit=10)[1]
                for h in histories[:100]]
    rec_f_ms = [timed(recommend_for, con, settings, h, case="recommend_filtered", filters=filtered, limit=10)[1]
                for h in histories[:100]]

    from sklearn.metrics.pairwise import cosine_similarity

    brute_ms = []
    for s in seeds[:50]:
        t = time.perf_counter()
        sims = cosine_similarity(index.matrix[index.pos[s]], index.matrix, dense_output=False).toarray().ravel()
        np.argpartition(-sims, 10)[:11]
        brute_ms.append((time.perf_counter() - t) * 1000)
    report["latency"] = {
        "like": stats(like_ms), "like_filtered": stats(like_f_ms), "recommend": stats(rec_ms),
        "recommend_radar": stats(radar_ms), "recommend_filtered": stats(rec_f_ms),
        "brute_force_cosine_sklearn": stats(brute_ms),
    }
    report["cpu_time"] = {case: stats(ms) for case, ms in CPU_MS.items()}
    report["load_average"] = [round(x, 1) for x in __import__("os").getloadavg()]
    report["peak_rss_mb"] = round(peak_mb())
    con.close()
    print(json.dumps(report, indent=2), flush=True)
    (HERE / f"latency-{args.titles}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
