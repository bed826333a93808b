"""Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008), through the ``implicit`` package:
the baseline most people reach for, wrapped in our interface so it runs under the same protocol."""

from __future__ import annotations

import warnings

import numpy as np

from reelradar.recommend.base import Interactions, Query, Recommender


class ImplicitALS(Recommender):
    """``implicit.cpu.als.AlternatingLeastSquares`` behind the common interface."""

    name = "ALS (implicit)"

    def __init__(
        self, factors: int = 64, regularization: float = 1.0, alpha: float = 1.0, iterations: int = 15,
        seed: int = 42, threads: int = 1,
    ) -> None:
        self.params = {"factors": factors, "regularization": regularization, "alpha": alpha, "iterations": iterations}
        self.seed = seed
        self.threads = threads  # one thread keeps results identical run to run
        self.model: object | None = None
        self.train: Interactions | None = None

    def fit(self, data: Interactions) -> ImplicitALS:
        from implicit.cpu.als import AlternatingLeastSquares

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # implicit warns about BLAS threads; results do not change
            model = AlternatingLeastSquares(
                **self.params, random_state=self.seed, num_threads=self.threads, calculate_training_loss=False
            )
            model.fit((data.matrix > 0).astype(np.float32).tocsr(), show_progress=False)
        self.model = model
        self.train = data
        return self

    def score(self, query: Query) -> np.ndarray:
        assert self.model is not None and self.train is not None, "fit first"
        model = self.model
        items = np.asarray(model.item_factors)  # type: ignore[attr-defined]
        if query.user is not None:
            user = np.asarray(model.user_factors)[query.user]  # type: ignore[attr-defined]
        else:
            import scipy.sparse as sp

            cols = np.fromiter((i for i, w in query.history.items() if w > 0), dtype=np.int64)
            row = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (np.zeros(len(cols), dtype=np.int64), cols)),
                                shape=(1, items.shape[0]))
            user = np.asarray(model.recalculate_user(0, row)).ravel()  # type: ignore[attr-defined]
        return (items @ user).astype(np.float64)
