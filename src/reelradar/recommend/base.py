"""One small interface for every recommender (after LensKit): fit once, then score a query.

Recommenders work over a fixed *item space*: integer positions 0..n-1 of item ids (catalog ids for
the content models, a ratings file's ids for the collaborative ones). A ``Query`` names what is known
of the person or the seed title; ``score`` returns one number per item (``-inf`` where the item cannot
be recommended) and ``recommend`` turns that into the top N, unique, sorted by score, ties broken by
position so the same query always gives the same list.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from reelradar.model import Availability, Reason


@dataclass
class Interactions:
    """A users × items matrix of implicit feedback weights (> 0), with the ids of both axes.

    ``when`` (optional, same shape) holds Unix times, used by the temporal split."""

    users: np.ndarray  # user ids, object array
    items: np.ndarray  # item ids, object array
    matrix: sp.csr_matrix  # float32 weights
    when: sp.csr_matrix | None = None

    @property
    def n_users(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.matrix.shape[1])

    def item_popularity(self) -> np.ndarray:
        """How many users interacted with each item."""
        return np.asarray((self.matrix > 0).sum(axis=0)).ravel().astype(np.float64)


@dataclass
class Query:
    """What a recommender knows when asked.

    ``history``: item position → weight (positive: liked or rated well; negative: disliked).
    ``seed``: the title of "more like this". ``exclude``: positions never to return (seen, dismissed).
    ``allowed``: a boolean mask of the items that pass the filters (None: all)."""

    history: dict[int, float] = field(default_factory=dict)
    seed: int | None = None
    exclude: set[int] = field(default_factory=set)
    allowed: np.ndarray | None = None
    user: int | None = None  # the row in the training matrix, when the person is one of its users


@dataclass
class Recommendation:
    """One recommended title with its score and the reasons behind it."""

    id: str
    title: str
    kind: str
    year: int | None
    score: float
    acclaim: float | None = None
    awareness: float | None = None
    reasons: list[Reason] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)  # the score's components, before blending
    facts_from: str | None = None  # provenance of the title's own facts
    availability: Availability | None = None  # set when the list was narrowed by services
    history: str | None = None  # what the person did with it: "seen, rated 5★", "on your watchlist"

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def top_n(scores: np.ndarray, n: int) -> list[tuple[int, float]]:
    """The ``n`` best finite scores as (position, score), best first; ties go to the lower position."""
    if n <= 0 or len(scores) == 0:
        return []
    finite = np.isfinite(scores)
    count = int(finite.sum())
    if count < len(scores):  # partitioning many equal -inf is slow: work on the finite ones only
        keep = np.flatnonzero(finite)
        return [(int(keep[i]), s) for i, s in top_n(scores[keep], n)]
    size = len(scores)
    k = min(n, size)
    if k < size:
        # argpartition keeps this O(items); then everything above the k-th value, and the lowest
        # positions among those equal to it, so ties are broken exactly and the sort stays small
        part = np.argpartition(scores, size - k)[size - k:]
        threshold = scores[part].min()
        above = np.flatnonzero(scores > threshold)
        equal = np.flatnonzero(scores == threshold)[: k - len(above)]
        cut = np.concatenate([above, equal])
    else:
        cut = np.arange(size)
    order = np.lexsort((cut, -scores[cut]))[:k]
    return [(int(i), float(scores[i])) for i in cut[order]]


def apply_query_mask(scores: np.ndarray, query: Query) -> np.ndarray:
    """Scores with excluded, filtered-out and the seed itself set to ``-inf`` (a copy)."""
    out = np.array(scores, dtype=np.float32 if scores.dtype == np.float32 else np.float64, copy=True)
    if query.allowed is not None:
        out[~query.allowed] = -np.inf
    if query.exclude:
        out[np.fromiter(query.exclude, dtype=np.int64)] = -np.inf
    if query.seed is not None:
        out[query.seed] = -np.inf
    return out


class Recommender(ABC):
    """Fit once on the training data, then score queries. Subclasses implement ``fit`` and ``score``."""

    name: str = "recommender"

    @abstractmethod
    def fit(self, data: Interactions) -> Recommender:
        """Learn from ``data``; returns self."""

    @abstractmethod
    def score(self, query: Query) -> np.ndarray:
        """One relevance score per item of the fitted item space (higher is better)."""

    def item_ids(self, data: Interactions) -> np.ndarray:
        """The ids of the item space ``recommend`` returns positions in, once fitted on ``data``."""
        return data.items

    def recommend(self, query: Query, n: int = 10) -> list[tuple[int, float]]:
        """The ``n`` best items for ``query`` as (position, score): unique, none excluded, best first."""
        return top_n(apply_query_mask(self.score(query), query), n)


def history_from_row(matrix: sp.csr_matrix, row: int) -> dict[int, float]:
    """A user's row of a training matrix as a ``Query.history``."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return {int(i): float(w) for i, w in zip(matrix.indices[start:end], matrix.data[start:end])}


def query_for_user(data: Interactions, row: int) -> Query:
    """The query of a training user: their history, which is also what must not come back."""
    history = history_from_row(data.matrix, row)
    return Query(history=history, exclude=set(history), user=row)
