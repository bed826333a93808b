"""Every recommender passes the contract; the collaborative models learn the taste groups."""

from __future__ import annotations

import numpy as np
import pytest

from reelradar.errors import BadInput
from reelradar.recommend.als import ImplicitALS
from reelradar.recommend.base import Query, query_for_user, top_n
from reelradar.recommend.ease import EASE
from reelradar.recommend.hybrid import Hybrid, RadarRerank
from reelradar.recommend.itemknn import ItemKNN
from reelradar.recommend.popular import MostPopular
from reelradar.testing import RecommenderContract, contract_interactions


class TestMostPopular(RecommenderContract):
    def make_recommender(self) -> MostPopular:
        return MostPopular()


class TestItemKNN(RecommenderContract):
    def make_recommender(self) -> ItemKNN:
        return ItemKNN(neighbors=10)


class TestEASE(RecommenderContract):
    def make_recommender(self) -> EASE:
        return EASE(reg=10.0)


class TestImplicitALS(RecommenderContract):
    def make_recommender(self) -> ImplicitALS:
        return ImplicitALS(factors=8, iterations=5)


class TestHybrid(RecommenderContract):
    def make_recommender(self) -> Hybrid:
        return Hybrid(reg=10.0, validation_users=30)


class TestRadarRerank(RecommenderContract):
    def make_recommender(self) -> RadarRerank:
        return RadarRerank(EASE(reg=10.0))


@pytest.mark.parametrize("model", [ItemKNN(neighbors=10), EASE(reg=10.0), Hybrid(reg=10.0, validation_users=30)])
def test_collaborative_models_recommend_the_users_taste_group(model) -> None:
    data = contract_interactions()
    model.fit(data)
    groups = np.arange(data.n_items) % 4
    right = 0
    for u in range(data.n_users):
        got = [i for i, _ in model.recommend(query_for_user(data, u), 3)]
        right += sum(groups[i] == u % 4 for i in got)
    assert right / (3 * data.n_users) > 0.8  # four groups: chance would be 0.25


def test_most_popular_ranks_by_number_of_users() -> None:
    data = contract_interactions()
    pop = data.item_popularity()
    got = MostPopular().fit(data).recommend(Query(), 5)
    assert [s for _, s in got] == sorted(pop, reverse=True)[:5]


def test_radar_rerank_lowers_average_popularity() -> None:
    data = contract_interactions()
    pop = data.item_popularity()
    base, radar = EASE(reg=10.0).fit(data), RadarRerank(EASE(reg=10.0), strength=1.0).fit(data)
    mean = lambda m: np.mean([pop[i] for u in range(data.n_users) for i, _ in m.recommend(query_for_user(data, u), 5)])
    assert mean(radar) < mean(base)


def test_top_n_breaks_ties_by_position_and_skips_minus_infinity() -> None:
    scores = np.array([1.0, 3.0, 3.0, -np.inf, 2.0, 3.0])
    assert top_n(scores, 4) == [(1, 3.0), (2, 3.0), (5, 3.0), (4, 2.0)]
    assert top_n(np.full(3, -np.inf), 2) == []


def test_ease_refuses_an_item_space_it_cannot_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelradar.recommend import ease

    monkeypatch.setattr(ease, "MAX_ITEMS", 10)
    with pytest.raises(BadInput, match="over its limit"):
        EASE().fit(contract_interactions())


def test_hybrid_gives_weight_only_to_parts_that_help() -> None:
    model = Hybrid(reg=10.0, validation_users=30).fit(contract_interactions())
    assert model.weights["ease"] == 1.0
    assert set(model.weights) == {"ease", "knn", "als", "pop"}
    assert all(w >= 0 for w in model.weights.values())
    assert set(model.models) == {k for k, w in model.weights.items() if w > 0}  # parts at 0 are not even kept
