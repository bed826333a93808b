"""EASE: the embarrassingly shallow autoencoder (Steck, WWW 2019).

A dense item-item weight matrix B with a zero diagonal, learnt in closed form:
P = (XᵀX + λI)⁻¹, B = I − P·diag(1/diag(P)). Scores are x_u·B. Strong on MovieLens-like data; its cost
is an items × items matrix, so it suits rating datasets (tens of thousands of items), not the catalog.
"""

from __future__ import annotations

import numpy as np

from reelradar.errors import BadInput
from reelradar.recommend.base import Interactions, Query, Recommender

MAX_ITEMS = 40_000  # 40k² float32 is 6.4 GB: beyond that EASE is the wrong tool


class EASE(Recommender):
    """Closed-form linear item-item model with L2 regularisation ``reg``."""

    name = "EASE"

    def __init__(self, reg: float = 300.0) -> None:
        self.reg = reg
        self.weights: np.ndarray | None = None

    def fit(self, data: Interactions) -> EASE:
        n = data.n_items
        if n > MAX_ITEMS:
            raise BadInput(f"EASE needs an items × items matrix: {n:,} items is over its limit of {MAX_ITEMS:,}")
        x = (data.matrix > 0).astype(np.float64)
        gram = (x.T @ x).toarray()
        gram[np.diag_indices(n)] += self.reg
        p = np.linalg.inv(gram)
        b = p / (-np.diag(p))
        b[np.diag_indices(n)] = 0.0
        self.weights = b.astype(np.float32)
        return self

    def score(self, query: Query) -> np.ndarray:
        assert self.weights is not None, "fit first"
        if not query.history:
            return np.zeros(self.weights.shape[0])
        items = np.fromiter(query.history.keys(), dtype=np.int64)
        # EASE was fitted on binary rows: use presence, not the rating, for its input
        present = np.fromiter((1.0 if w > 0 else 0.0 for w in query.history.values()), dtype=np.float32)
        return (present @ self.weights[items]).astype(np.float64)
