"""Offline evaluation, kept in three separate steps (as LensKit does): split, recommend, measure.

- Split: per user with at least ``min_items`` interactions, hold out ``test_fraction`` of them (at
  least one): at random (seeded) or the latest ones (temporal). Other users stay whole in training.
- Recommend: every model is fitted on the same training matrix and asked for the top N of each test
  user, their training items excluded.
- Measure: Recall@20 (hits / min(held out, 20)), NDCG@10 (binary relevance, ideal of min(held out, 10)),
  catalog coverage (share of items recommended to anyone, in the top 20), average recommended
  popularity (training users per item, over the top 10) and novelty (mean −log2 of an item's share of
  training users, over the top 10).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from reelradar.errors import BadInput
from reelradar.recommend.base import Interactions, Recommender, query_for_user

SPLITS = ("random", "temporal")


@dataclass
class Split:
    train: Interactions
    test: dict[int, np.ndarray]  # user row -> held-out item positions


@dataclass
class Result:
    model: str
    recall_at_20: float
    ndcg_at_10: float
    coverage: float
    avg_popularity: float
    novelty: float
    users: int
    fit_seconds: float
    recommend_ms_per_user: float
    notes: dict[str, object] = field(default_factory=dict)


def holdout(data: Interactions, method: str = "random", test_fraction: float = 0.2, min_items: int = 5,
            seed: int = 42) -> Split:
    """Per-user holdout of ``test_fraction`` of each eligible user's interactions."""
    if method not in SPLITS:
        raise BadInput(f"unknown split {method!r}: use one of {', '.join(SPLITS)}")
    if not 0 < test_fraction < 1:
        raise BadInput("--test-fraction must be between 0 and 1")
    if method == "temporal" and data.when is None:
        raise BadInput("a temporal split needs rating times")
    rng = np.random.default_rng(seed)
    m = data.matrix.tocsr()
    times = data.when.tocsr() if data.when is not None else None
    keep_rows, keep_cols, test = [], [], {}
    for u in range(data.n_users):
        lo, hi = m.indptr[u], m.indptr[u + 1]
        items = m.indices[lo:hi]
        if len(items) >= min_items:
            k = max(1, round(len(items) * test_fraction))
            if method == "random":
                order = rng.permutation(len(items))
            else:
                when = np.asarray(times[u, items].toarray()).ravel()  # type: ignore[index]
                order = np.lexsort((items, when))[::-1]  # latest first; ties by item for determinism
            held = np.sort(items[order[:k]])
            test[u] = held
            items = np.setdiff1d(items, held)
        keep_rows.append(np.full(len(items), u))
        keep_cols.append(items)
    r, c = np.concatenate(keep_rows), np.concatenate(keep_cols)
    train = sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=m.shape)
    return Split(Interactions(data.users, data.items, train, data.when), test)


def evaluate(model: Recommender, split: Split, users: Iterable[int] | None = None,
             popularity: np.ndarray | None = None) -> Result:
    """Fit ``model`` on the split's training data and measure it on the held-out items."""
    train = split.train
    started = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - started
    pop = train.item_popularity() if popularity is None else popularity
    share = np.maximum(pop, 1.0) / max(train.n_users, 1)
    chosen = sorted(split.test) if users is None else [u for u in users if u in split.test]
    recalls, ndcgs, pops, novs = [], [], [], []
    seen: set[int] = set()
    discount = 1.0 / np.log2(np.arange(2, 12))
    started = time.perf_counter()
    for u in chosen:
        recs = [i for i, _ in model.recommend(query_for_user(train, u), 20)]
        held = set(split.test[u].tolist())
        hits = np.asarray([i in held for i in recs], dtype=float)
        recalls.append(hits.sum() / min(len(held), 20))
        ideal = discount[: min(len(held), 10)].sum()
        ndcgs.append(float((hits[:10] * discount[: len(hits[:10])]).sum() / ideal))
        top10 = np.asarray(recs[:10], dtype=np.int64)
        if len(top10):
            pops.append(float(pop[top10].mean()))
            novs.append(float(-np.log2(share[top10]).mean()))
        seen.update(recs)
    per_user = (time.perf_counter() - started) * 1000 / max(len(chosen), 1)
    mean = lambda xs: float(np.mean(xs)) if xs else 0.0
    return Result(
        model=model.name, recall_at_20=mean(recalls), ndcg_at_10=mean(ndcgs), coverage=len(seen) / max(train.n_items, 1),
        avg_popularity=mean(pops), novelty=mean(novs), users=len(chosen), fit_seconds=fit_s,
        recommend_ms_per_user=per_user,
    )


def compare(models: list[Recommender], split: Split, users: Iterable[int] | None = None,
            progress: Callable[[str], None] = lambda _: None) -> list[Result]:
    """The same protocol, model after model."""
    chosen = list(users) if users is not None else None
    out = []
    for model in models:
        progress(f"evaluating {model.name}")
        out.append(evaluate(model, split, chosen))
    return out


def sample_users(split: Split, limit: int | None, seed: int = 42) -> list[int] | None:
    """At most ``limit`` test users (seeded), or all."""
    users = sorted(split.test)
    if limit is None or limit >= len(users):
        return None
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(users, size=limit, replace=False).tolist())


def write_top_n(model: Recommender, train: Interactions, out: Path, n: int = 20,
                names: np.ndarray | None = None) -> int:
    """Fit on ``train`` and write every user's top ``n`` as CSV userId,movieId,rank (items named by
    ``names`` when given, else by the training ids); returns rows written."""
    if n < 1:
        raise BadInput("--n must be at least 1")
    model.fit(train)
    names = train.items if names is None else names
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    rows = 0
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["userId", "movieId", "rank"])
        for u in range(train.n_users):
            for rank, (i, _) in enumerate(model.recommend(query_for_user(train, u), n), 1):
                w.writerow([train.users[u], names[i], rank])
                rows += 1
    tmp.replace(out)
    return rows


def results_table(results: list[Result]) -> str:
    """A Markdown table of results."""
    head = ("| model | NDCG@10 | Recall@20 | coverage | avg popularity | novelty | users | fit s | ms/user |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    return head + "".join(
        f"| {r.model} | {r.ndcg_at_10:.4f} | {r.recall_at_20:.4f} | {r.coverage:.3f} | {r.avg_popularity:.1f} | "
        f"{r.novelty:.2f} | {r.users} | {r.fit_seconds:.1f} | {r.recommend_ms_per_user:.2f} |\n"
        for r in results
    )


MODEL_NAMES = ("popular", "itemknn", "ease", "als", "hybrid", "radar")


def make_models(names: Iterable[str], content: object | None = None, reg: float = 300.0) -> list[Recommender]:
    """Recommenders by name; ``content`` (a ContentModel) joins the hybrid when given."""
    from reelradar.recommend.als import ImplicitALS
    from reelradar.recommend.ease import EASE
    from reelradar.recommend.hybrid import Hybrid, RadarRerank
    from reelradar.recommend.itemknn import ItemKNN
    from reelradar.recommend.popular import MostPopular

    makers: dict[str, Callable[[], Recommender]] = {
        "popular": MostPopular, "itemknn": ItemKNN, "ease": lambda: EASE(reg), "als": ImplicitALS,
        "hybrid": lambda: Hybrid(content, reg=reg),  # type: ignore[arg-type]
        "radar": lambda: RadarRerank(Hybrid(content, reg=reg)),  # type: ignore[arg-type]
    }
    out = []
    for name in names:
        if name not in makers:
            raise BadInput(f"unknown model {name!r}: use {', '.join(MODEL_NAMES)}")
        out.append(makers[name]())
    return out


@dataclass
class EvalReport:
    ratings: str
    split: str
    test_fraction: float
    users: int
    items: int
    interactions: int
    test_users: int
    results: list[Result]


def run_eval(ratings: Path, *, links: Path | None = None, content: object | None = None, split: str = "random",
             test_fraction: float = 0.2, models: Iterable[str] = MODEL_NAMES, max_users: int | None = None,
             min_rating: float | None = None, seed: int = 42, reg: float = 300.0,
             progress: Callable[[str], None] = lambda _: None) -> EvalReport:
    """Load a MovieLens-format file, split it, and run the chosen models under one protocol."""
    from reelradar.recommend.movielens import load_links, load_ratings, with_catalog_ids

    data = load_ratings(ratings, min_rating)
    if links is not None:
        data = with_catalog_ids(data, load_links(links))
    parts = holdout(data, split, test_fraction, seed=seed)
    if not parts.test:
        raise BadInput(f"{ratings}: no user has enough interactions (5) to hold some out")
    users = sample_users(parts, max_users, seed)
    results = compare(make_models(models, content, reg), parts, users, progress)
    return EvalReport(str(ratings), split, test_fraction, data.n_users, data.n_items, int(data.matrix.nnz),
                      len(users) if users is not None else len(parts.test), results)


def fit_and_write(ratings: Path, out: Path, *, model: str = "hybrid", n: int = 20, links: Path | None = None,
                  content: object | None = None, min_rating: float | None = None, reg: float = 300.0) -> int:
    """Fit one model on a whole training file and write its top ``n`` per user (userId,movieId,rank)."""
    from reelradar.recommend.movielens import load_links, load_ratings, with_catalog_ids

    data = load_ratings(ratings, min_rating)
    original = data.items
    if links is not None:
        data = with_catalog_ids(data, load_links(links))
    (recommender,) = make_models([model], content, reg)
    return write_top_n(recommender, data, out, n, names=original)  # the CSV speaks the file's own movieIds
