"""ItemKNN: item-item collaborative filtering (Deshpande & Karypis 2004; LensKit's ItemKNN).

Two items are similar when the same people interacted with both: the cosine of their user columns,
keeping each item's ``neighbors`` most similar items. A person's score for an item is the sum of its
similarities to the items in their history, weighted by how much they liked each one.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from reelradar.recommend.base import Interactions, Query, Recommender


class ItemKNN(Recommender):
    """Item-item cosine neighbourhood model over implicit feedback."""

    name = "ItemKNN"

    def __init__(self, neighbors: int = 100, shrink: float = 10.0, block: int = 512) -> None:
        self.neighbors = neighbors
        self.shrink = shrink  # damps similarities resting on few co-occurrences
        self.block = block  # items per block: bounds memory to items × block floats
        self.sim: sp.csr_matrix | None = None  # sim[j, i]: how much history item j supports item i

    def fit(self, data: Interactions) -> ItemKNN:
        x = (data.matrix > 0).astype(np.float32).tocsc()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel()).astype(np.float32)
        xt = x.T.tocsr()
        n = data.n_items
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        k = min(self.neighbors, max(n - 1, 1))
        for start in range(0, n, self.block):
            stop = min(start + self.block, n)
            co = (xt @ x[:, start:stop]).toarray()  # items × block co-occurrence counts
            denom = np.outer(norms, norms[start:stop]) + self.shrink
            sims = np.divide(co, denom, out=np.zeros_like(co), where=denom > 0)
            sims[np.arange(start, stop), np.arange(stop - start)] = 0.0  # an item is not its own neighbour
            if k < n:
                keep = np.argpartition(-sims, k - 1, axis=0)[:k]  # top-k neighbours of each target
            else:
                keep = np.broadcast_to(np.arange(n)[:, None], sims.shape)
            for c in range(stop - start):
                j = keep[:, c]
                v = sims[j, c]
                good = v > 0
                rows.append(j[good])
                cols.append(np.full(int(good.sum()), start + c, dtype=np.int64))
                vals.append(v[good])
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c_ = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        v_ = np.concatenate(vals).astype(np.float32) if vals else np.zeros(0, dtype=np.float32)
        self.sim = sp.csr_matrix((v_, (r, c_)), shape=(n, n))
        return self

    def score(self, query: Query) -> np.ndarray:
        assert self.sim is not None, "fit first"
        n = self.sim.shape[0]
        if not query.history:
            return np.zeros(n)
        items = np.fromiter(query.history.keys(), dtype=np.int64)
        weights = np.fromiter(query.history.values(), dtype=np.float64)
        return np.asarray(self.sim[items].T @ weights).ravel()

    def supporters(self, query: Query, item: int, limit: int = 3) -> list[tuple[int, float]]:
        """The history items that contribute most to ``item``'s score (for the explanation)."""
        assert self.sim is not None
        col = self.sim[:, item].toarray().ravel()
        found = [(j, w * float(col[j])) for j, w in query.history.items() if col[j] > 0 and w > 0]
        return sorted(found, key=lambda t: (-t[1], t[0]))[:limit]
