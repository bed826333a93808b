"""MostPopular: the baseline every recommender must beat: the items most users interacted with."""

from __future__ import annotations

import numpy as np

from reelradar.recommend.base import Interactions, Query, Recommender


class MostPopular(Recommender):
    """Scores each item by how many training users interacted with it (the same list for everyone)."""

    name = "MostPopular"

    def __init__(self) -> None:
        self.popularity: np.ndarray | None = None

    def fit(self, data: Interactions) -> MostPopular:
        self.popularity = data.item_popularity()
        return self

    def score(self, query: Query) -> np.ndarray:
        assert self.popularity is not None, "fit first"
        return self.popularity.copy()
