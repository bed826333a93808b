"""Accuracy benchmark: the reelradar hybrid against MostPopular, ItemKNN, EASE and implicit's ALS under one
held-out protocol on a synthetic MovieLens-format dataset (see synth.py), with a catalog for its titles.

Fairness: EASE's regularisation and ALS's factors/regularisation are chosen for each on a validation
split carved from the training data (never the test users' held-out items); the hybrid uses the EASE
value chosen for EASE and picks its own blend weights on its own inner validation split.

    python benchmarks/recommend/run_eval.py [--titles 4000] [--users 6000] [--eval-users 3000] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import SyntheticSource, World, ratings, write_movielens

from reelradar.catalog.db import open_catalog
from reelradar.catalog.load import build_catalog
from reelradar.config import load_settings
from reelradar.recommend.als import ImplicitALS
from reelradar.recommend.content import ContentModel, load_index
from reelradar.recommend.ease import EASE
from reelradar.recommend.evaluate import compare, evaluate, holdout, results_table, sample_users
from reelradar.recommend.hybrid import Hybrid, RadarRerank
from reelradar.recommend.itemknn import ItemKNN
from reelradar.recommend.movielens import load_links, load_ratings, with_catalog_ids
from reelradar.recommend.popular import MostPopular


def tune(split, make, grid, users):  # type: ignore[no-untyped-def]
    """The grid value with the best validation NDCG@10 (validation = a holdout inside the training data)."""
    inner = holdout(split.train, "random", 0.2, seed=5)
    chosen = sample_users(inner, users, seed=5)
    scored = [(evaluate(make(v), inner, chosen).ndcg_at_10, i, v) for i, v in enumerate(grid)]
    best = max(scored, key=lambda t: (t[0], -t[1]))
    return best[2], [(v, round(s, 4)) for s, _, v in scored]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--titles", type=int, default=4000)
    ap.add_argument("--users", type=int, default=6000)
    ap.add_argument("--eval-users", type=int, default=3000)
    ap.add_argument("--split", default="random")
    ap.add_argument("--out", type=Path, default=None, help="folder for the data (default: a temporary one)")
    args = ap.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="rr-bench-eval-"))
    t0 = time.perf_counter()
    world = World(args.titles)
    settings = load_settings(data_dir=folder / "data")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    build_catalog(settings.catalog_path, [SyntheticSource(world)], settings)
    rows = ratings(world, args.users)
    write_movielens(world, rows, folder / "ml")
    print(f"data: {len(rows):,} ratings, {args.users:,} users, {args.titles:,} titles in {time.perf_counter() - t0:.0f}s",
          flush=True)

    con = open_catalog(settings.catalog_path)
    content = ContentModel(load_index(con, settings))
    con.close()
    data = with_catalog_ids(load_ratings(folder / "ml" / "ratings.csv"), load_links(folder / "ml" / "links.csv"))
    split = holdout(data, args.split, 0.2, seed=42)
    users = sample_users(split, args.eval_users, seed=42)

    reg, reg_scores = tune(split, EASE, [100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0], 1500)
    als_grid = [(32, 1.0, 1.0), (32, 1.0, 5.0), (64, 0.05, 1.0), (64, 1.0, 1.0), (128, 1.0, 1.0), (128, 1.0, 5.0)]
    als, als_scores = tune(split, lambda p: ImplicitALS(factors=p[0], regularization=p[1], alpha=p[2], threads=2),
                           als_grid, 1500)
    knn, knn_scores = tune(split, lambda k: ItemKNN(neighbors=k), [50, 100, 200, 400], 1500)
    print(f"tuned: EASE reg {reg} {reg_scores}; ALS {als} {als_scores}; ItemKNN k {knn} {knn_scores}", flush=True)

    als_params = {"factors": als[0], "regularization": als[1], "alpha": als[2], "threads": 2}
    models = [MostPopular(), ItemKNN(neighbors=knn), EASE(reg), ImplicitALS(factors=als[0], regularization=als[1], alpha=als[2], threads=2),
              Hybrid(content, reg=reg, als=als_params), RadarRerank(Hybrid(content, reg=reg, als=als_params))]
    results = compare(models, split, users, progress=lambda m: print(m, flush=True))
    hybrid = models[4]
    table = results_table(results)
    print(table)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "ratings": len(rows), "users": args.users, "titles": args.titles, "test_users": len(users or split.test),
        "split": args.split, "ease_reg": reg, "als": als, "knn": knn, "hybrid_weights": hybrid.weights,  # type: ignore[attr-defined]
        "tuning": {"ease": reg_scores, "als": als_scores, "knn": knn_scores},
        "results": [r.__dict__ for r in results], "peak_rss_mb": round(peak_mb), "seconds": round(time.perf_counter() - t0),
    }
    (HERE / f"eval-{args.split}.json").write_text(json.dumps(summary, indent=2, default=str))
    (HERE / f"eval-{args.split}.md").write_text(table)
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}, default=str))


if __name__ == "__main__":
    main()
