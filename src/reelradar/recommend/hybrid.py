"""Blends: "for you" over the catalog (taste profile + collaborative + acclaim, a mode, diversity),
and the evaluation hybrid over a ratings dataset (EASE + ItemKNN + content + popularity, weights chosen
on a validation split carved from the training data only).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from reelradar.errors import BadInput
from reelradar.recommend.base import (
    Interactions,
    Query,
    Recommender,
    apply_query_mask,
    history_from_row,
    top_n,
)
from reelradar.recommend.content import DISLIKE_SHARE, ContentModel
from reelradar.recommend.ease import EASE
from reelradar.recommend.features import ContentIndex
from reelradar.recommend.itemknn import ItemKNN
from reelradar.recommend.popular import MostPopular

MODES = ("for-you", "radar", "hot")


def _scaled(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Scores divided by their largest absolute value among the allowed items (0..1 for non-negative)."""
    if scores.size == 0:
        return scores
    where = True if mask is None else mask  # one pass each for max and min, no copy of the pool
    top = max(float(np.max(scores, where=where, initial=0.0)), -float(np.min(scores, where=where, initial=0.0)))
    return scores / np.asarray(top, dtype=scores.dtype) if top > 0 else np.zeros_like(scores)


@dataclass
class Blend:
    """Weights of "for you" (documented in docs/cli.md)."""

    content: float = 1.0
    collaborative: float = 0.8
    acclaim: float = 0.4
    radar: float = 0.6  # weight of (1 - awareness) in radar mode
    hot: float = 0.8  # weight of chart momentum in hot mode
    diversity: float = 0.3  # MMR: share of the score given to being unlike what is already listed
    pool: int = 100  # candidates the diversity step chooses from


@dataclass
class ModeRules:
    radar_min_acclaim: float = 0.80
    radar_max_awareness: float = 0.35
    radar_min_evidence: int = 20
    hot_min_momentum: float = 0.0


class ForYou(Recommender):
    """Recommendations for a person over the whole catalog (item space: the content index)."""

    name = "reelradar for you"

    def __init__(self, index: ContentIndex, mode: str = "for-you", blend: Blend | None = None,
                 rules: ModeRules | None = None, neighbors: int = 100) -> None:
        if mode not in MODES:
            raise BadInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
        if mode == "hot" and index.momentum is None:
            raise BadInput("hot mode needs chart momentum, and this catalog has none: import charts first")
        self.index, self.mode = index, mode
        self.blend, self.rules = blend or Blend(), rules or ModeRules()
        self.content = ContentModel(index)
        self.knn: ItemKNN | None = None
        self.knn_neighbors = neighbors
        self.cf_align: np.ndarray | None = None  # dataset item -> catalog position (-1 unknown)
        self.cf_of_catalog: dict[int, int] = {}
        self.cf_source: str | None = None
        self.last_parts: dict[str, np.ndarray] = {}

    def item_ids(self, data: Interactions) -> np.ndarray:
        return self.index.ids  # always the catalog, whatever the training data

    def fit(self, data: Interactions) -> ForYou:
        """Fit the collaborative part on interactions whose items are catalog ids (none: content only)."""
        align = np.asarray([self.index.pos.get(str(i), -1) for i in data.items], dtype=np.int64)
        if data.n_users == 0 or data.matrix.nnz == 0 or not (align >= 0).any():
            self.knn, self.cf_align = None, None
            return self
        self.knn = ItemKNN(neighbors=self.knn_neighbors).fit(data)
        self.cf_align = align
        self.cf_of_catalog = {int(c): k for k, c in enumerate(align) if c >= 0}
        return self

    def parts(self, query: Query) -> dict[str, np.ndarray]:
        """The unblended components over the catalog."""
        idx = self.index
        mask = query.allowed
        out = {"content": _scaled(self.content.score(query), mask), "acclaim": idx.acclaim_or_zero}
        if self.knn is not None and self.cf_align is not None:
            # ItemKNN's score is linear in the weights: a disliked title scaled down to DISLIKE_SHARE takes
            # that share of its neighbours' support away, as in the content profile
            hist = {self.cf_of_catalog[p]: w if w > 0 else DISLIKE_SHARE * w
                    for p, w in query.history.items() if p in self.cf_of_catalog}
            cf = self.knn.score(Query(history=hist)) if hist else np.zeros(len(self.cf_align))
            full = np.zeros(len(idx), dtype=np.float32)
            ok = self.cf_align >= 0
            full[self.cf_align[ok]] = cf[ok]
            out["collaborative"] = _scaled(full, mask)
        return out

    def score(self, query: Query) -> np.ndarray:
        b, r, idx = self.blend, self.rules, self.index
        parts = self.parts(query)
        self.last_parts = parts  # kept for the explanation of this query's results
        score = np.float32(b.content) * parts["content"]
        score += np.float32(b.acclaim) * parts["acclaim"]
        if "collaborative" in parts:
            score += np.float32(b.collaborative) * parts["collaborative"]
        if self.mode == "radar":
            score += self._radar_bonus()
        elif self.mode == "hot":
            assert idx.momentum is not None
            m = idx.momentum
            ok = m >= r.hot_min_momentum  # nan (never charted) fails
            score = np.where(ok, score + b.hot * _scaled(np.nan_to_num(m)), -np.inf)
        return score

    def _radar_bonus(self) -> np.ndarray:
        """``radar`` × (1 − awareness) for titles that qualify, −inf for the rest (kept per index and rules)."""
        idx, r = self.index, self.rules
        key = (r.radar_min_acclaim, r.radar_max_awareness, r.radar_min_evidence, self.blend.radar)
        cache = idx.__dict__.setdefault("_radar_bonus", {})
        if key not in cache:
            ok = (idx.acclaim >= r.radar_min_acclaim) & (idx.awareness <= r.radar_max_awareness) & (
                idx.evidence >= r.radar_min_evidence)  # unknown (nan) fails every comparison
            bonus = self.blend.radar * (1.0 - np.nan_to_num(idx.awareness, nan=1.0))
            cache.clear()
            cache[key] = np.where(ok, bonus, -np.inf).astype(np.float32)
        return cache[key]

    def recommend(self, query: Query, n: int = 10) -> list[tuple[int, float]]:
        """The best ``n`` after a diversity step (maximal marginal relevance over the top ``pool``)."""
        pool = top_n(apply_query_mask(self.score(query), query), max(n, self.blend.pool))
        if not pool or self.blend.diversity <= 0:
            return pool[:n]
        pos = np.asarray([i for i, _ in pool], dtype=np.int64)
        rel = np.asarray([s for _, s in pool])
        rel = (rel - rel.min()) / (rel.max() - rel.min()) if rel.max() > rel.min() else np.ones_like(rel)
        rows = self.index.matrix[pos]
        sim = (rows @ rows.T).toarray()
        norm = np.sqrt(np.maximum(np.diag(sim), 1e-12))
        sim = sim / np.outer(norm, norm)
        lam = 1.0 - self.blend.diversity
        chosen: list[tuple[int, float]] = []
        closest = np.zeros(len(pos))
        free = np.ones(len(pos), dtype=bool)
        for _ in range(min(n, len(pos))):
            value = np.where(free, lam * rel - (1 - lam) * closest, -np.inf)
            k = int(np.argmax(value))  # first maximum: the better-ranked candidate wins ties
            chosen.append((int(pos[k]), float(value[k])))
            free[k] = False
            closest = np.maximum(closest, sim[k])
        return chosen


class Hybrid(Recommender):
    """EASE blended with ItemKNN, implicit's ALS, content similarity and popularity; the blend weights are
    chosen by NDCG@10 on a validation split of the training data, so a part that does not help gets 0."""

    name = "reelradar hybrid"

    def __init__(self, content: ContentModel | None = None, reg: float = 300.0, validation_users: int = 1500,
                 seed: int = 42, grid: dict[str, tuple[float, ...]] | None = None,
                 als: dict[str, float] | None = None) -> None:
        self.content, self.reg, self.validation_users, self.seed = content, reg, validation_users, seed
        self.grid = grid or {"knn": (0.0, 0.25, 0.5, 1.0), "als": (0.0, 0.5, 1.0, 2.0),
                             "content": (0.0, 0.05, 0.1, 0.2, 0.4), "pop": (0.0, 0.05)}
        self.als = als or {}
        self.weights: dict[str, float] = {}
        self.models: dict[str, Recommender] = {}

    def _components(self, data: Interactions) -> dict[str, Recommender]:
        from reelradar.recommend.als import ImplicitALS

        models: dict[str, Recommender] = {"ease": EASE(self.reg).fit(data), "knn": ItemKNN().fit(data),
                                          "pop": MostPopular().fit(data)}
        if max(self.grid.get("als", (0.0,))) > 0:
            models["als"] = ImplicitALS(**self.als).fit(data)  # type: ignore[arg-type]
        if self.content is not None:
            models["content"] = self.content.fit(data)
        return models

    def _vectors(self, models: dict[str, Recommender], query: Query) -> dict[str, np.ndarray]:
        return {k: _scaled(m.score(query)) for k, m in models.items()}

    def fit(self, data: Interactions) -> Hybrid:
        from reelradar.recommend.evaluate import holdout  # evaluate imports base only: no cycle at load

        inner = holdout(data, "random", 0.2, min_items=5, seed=self.seed)
        users = sorted(inner.test)
        if len(users) > self.validation_users:
            users = sorted(np.random.default_rng(self.seed).choice(users, self.validation_users, replace=False))
        keys = [k for k in ("knn", "als", "content", "pop")
                if k in self.grid and (k != "content" or self.content is not None)]
        if users:
            models = self._components(inner.train)
            vecs = {k: [] for k in ["ease", *keys]}  # type: dict[str, list[np.ndarray]]
            for u in users:
                q = Query(history=history_from_row(inner.train.matrix, u))
                for k, v in self._vectors(models, q).items():
                    vecs[k].append(v.astype(np.float32))
            stacked = {k: np.vstack(v) for k, v in vecs.items()}
            seen = inner.train.matrix[users].toarray() > 0
            held = [set(inner.test[u].tolist()) for u in users]
            best, best_w = -1.0, {k: 0.0 for k in keys}
            for combo in itertools.product(*(self.grid[k] for k in keys)):
                w = dict(zip(keys, combo))
                blended = stacked["ease"] + sum(w[k] * stacked[k] for k in keys)
                value = _ndcg10(np.where(seen, -np.inf, blended), held)
                if value > best + 1e-9:  # strict: on ties the simpler blend (earlier in the grid) stays
                    best, best_w = value, w
            self.weights = {"ease": 1.0, **{str(k): v for k, v in best_w.items()}}
            self.validation_ndcg = best
        else:
            self.weights = {"ease": 1.0, **{k: 0.0 for k in keys}}
        self.models = {k: m for k, m in self._components(data).items() if self.weights.get(k, 0) > 0}
        return self

    def score(self, query: Query) -> np.ndarray:
        vecs = self._vectors(self.models, query)
        return sum(self.weights[k] * v for k, v in vecs.items())  # type: ignore[return-value]


class RadarRerank(Recommender):
    """Under-the-radar variant of any model: among its top ``pool``, favour items few people know
    (popularity percentile from the training data), trading ``strength`` of relevance for it."""

    def __init__(self, base: Recommender, strength: float = 1.0, pool: int = 200) -> None:
        self.base, self.strength, self.pool = base, strength, pool
        self.name = f"{base.name} (radar)"
        self.pop_pct: np.ndarray | None = None

    def fit(self, data: Interactions) -> RadarRerank:
        self.base.fit(data)
        pop = data.item_popularity()
        self.pop_pct = np.argsort(np.argsort(pop, kind="stable"), kind="stable") / max(len(pop) - 1, 1)
        return self

    def score(self, query: Query) -> np.ndarray:
        assert self.pop_pct is not None
        base = apply_query_mask(self.base.score(query), query)
        keep = top_n(base, self.pool)
        out = np.full(len(base), -np.inf)
        if keep:
            pos = np.asarray([i for i, _ in keep])
            rel = _scaled(np.asarray([s for _, s in keep]) - min(s for _, s in keep))
            out[pos] = rel - self.strength * self.pop_pct[pos]
        return out


def _ndcg10(scores: np.ndarray, held: list[set[int]]) -> float:
    """Mean NDCG@10 of score rows against held-out sets (binary relevance), vectorised over users."""
    n_users, n_items = scores.shape
    k = min(10, n_items)
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    rows = np.arange(n_users)[:, None]
    ranked = np.take_along_axis(top, np.argsort(-scores[rows, top], axis=1, kind="stable"), axis=1)
    truth = np.zeros((n_users, n_items), dtype=bool)
    for u, items in enumerate(held):
        truth[u, list(items)] = True
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (truth[rows, ranked] * disc).sum(axis=1)
    ideal = np.cumsum(disc)[np.minimum([len(h) for h in held], k) - 1]
    return float((dcg / ideal).mean()) if n_users else 0.0
