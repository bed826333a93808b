"""More like this and for you over the demo catalog: the right titles, the right reasons, the filters."""

from __future__ import annotations

import numpy as np
import pytest

from reelradar.analytics.filters import Filters
from reelradar.catalog.db import open_catalog
from reelradar.errors import BadInput, NotFound
from reelradar.model import Interaction
from reelradar.recommend import content as content_mod
from reelradar.recommend.base import Query
from reelradar.recommend.content import ContentModel, index_path, load_index
from reelradar.recommend.hybrid import ForYou, ModeRules
from reelradar.recommend.service import filter_mask, interaction_weight, more_like_this, recommend_for
from reelradar.testing import RecommenderContract, contract_interactions

FILMS = ["tt0070047", "tt0081505", "tt0078748", "tt0084787", "tt0114709", "tt0120363", "tt0435761", "tt0198781",
         "tt0060196", "tt0064116", "tt0105695", "tt0068699", "tt0117571", "tt0120082", "tt0266543", "tt0317219",
         "tt0382932", "tt1049413", "tt0065126", "tt0071230", "demo:bosch", "demo:ballard", "demo:bosch-legacy",
         "tt1205489", "tt0309377", "tt0327056", "tt0054215", "tt0063522", "tt0910970", "tt0126029",
         "tt0892769", "tt0096283", "tt0044706", "tt0049730", "tt1403865", "tt0381849", "tt0075029",
         "tt0088172", "tt0110361", "tt0116996"]


def texts(rec) -> list[str]:
    return [r.text for r in rec.reasons]


def test_like_ballard_gives_the_bosch_series_first_with_reasons(demo_con, demo_settings) -> None:
    seed, found = more_like_this(demo_con, demo_settings, "Ballard", limit=5)
    assert seed.id == "demo:ballard"
    assert {found[0].id, found[1].id} == {"demo:bosch", "demo:bosch-legacy"}
    bosch = next(r for r in found if r.id == "demo:bosch")
    legacy = next(r for r in found if r.id == "demo:bosch-legacy")
    assert "same universe: Ballard is a spin-off of Bosch" in texts(bosch)
    assert "same universe: sequel to and spin-off of Bosch" in texts(legacy)
    for rec in (bosch, legacy):
        assert "Harry Bosch (Titus Welliver) appears" in texts(rec)
        assert "based on Michael Connelly's novels" in texts(rec)
        assert next(r for r in rec.reasons if r.kind == "relation").source in ("news report", "published facts, hand-entered")
    assert found[0].score >= found[1].score > found[2].score


def test_like_reasons_name_shared_people_with_their_role(demo_con, demo_settings) -> None:
    _, found = more_like_this(demo_con, demo_settings, "Gran Torino", limit=5)
    assert found and all("also directed by Clint Eastwood" in texts(r) for r in found[:3])
    assert all("Gran Torino" != r.title for r in found)


def test_like_applies_every_filter(demo_con, demo_settings, index) -> None:
    cases = [
        Filters(kind="series"), Filters(genre="comedy"), Filters(year_from=2010, year_to=2012),
        Filters(language="French"), Filters(runtime_min=90, runtime_max=100), Filters(services=["prime video"]),
    ]
    for f in cases:
        _, found = more_like_this(demo_con, demo_settings, "Ballard", filters=f, limit=8)
        assert found, f
        for r in found:
            i = index.position(r.id)
            if f.kind:
                assert r.kind == "series"
            if f.genre:
                assert f"genre:{f.genre}" in {index.feature_key[k] for k in index.matrix[i].indices}
            if f.year_from:
                assert 2010 <= r.year <= 2012
            if f.language:
                assert "language:french" in {index.feature_key[k] for k in index.matrix[i].indices}
            if f.runtime_min:
                assert 90 <= index.runtime[i] <= 100
            if f.services:  # on Prime Video, or of unknown availability (kept, marked)
                assert r.availability is not None and r.availability.status in ("yours", "unknown")
                assert (r.availability.status == "yours") == any("watch on Prime Video" in t for t in texts(r))


def test_like_not_seen_leaves_out_the_history(demo_con, demo_settings) -> None:
    seen = [Interaction("watched", "demo:bosch")]
    _, found = more_like_this(demo_con, demo_settings, "Ballard", interactions=seen,
                              filters=Filters(exclude=["demo:bosch"]), limit=5)
    assert "demo:bosch" not in [r.id for r in found] and found[0].id == "demo:bosch-legacy"


def test_like_unknown_title_is_one_clear_error(demo_con, demo_settings) -> None:
    with pytest.raises(NotFound):
        more_like_this(demo_con, demo_settings, "zzqxv no such film", limit=5)
    with pytest.raises(BadInput):
        more_like_this(demo_con, demo_settings, "Ballard", limit=0)


def test_for_you_never_returns_seen_or_dismissed_and_explains_itself(demo_con, demo_settings) -> None:
    history = [Interaction("rated", "demo:bosch", 9, 10), Interaction("rated", "tt1205489", 8, 10),
               Interaction("dismissed", "tt0327056"), Interaction("watched", "tt0309377")]
    result = recommend_for(demo_con, demo_settings, history, limit=10)
    ids = [r.id for r in result.items]
    assert not {"demo:bosch", "tt1205489", "tt0327056", "tt0309377"} & set(ids)
    assert ids[0] == "demo:ballard"
    assert any(t.startswith("like Bosch (you rated it 9/10): same universe: spin-off of Bosch") for t in texts(result.items[0]))
    assert result.history == 4
    scores = [r.score for r in result.items]
    assert scores == sorted(scores, reverse=True)


def test_for_you_diversity_step_spreads_the_list(demo_con, demo_settings, index) -> None:
    history = [Interaction("liked", "tt1205489")]  # Gran Torino: many Eastwood films are near-identical matches
    plain = ForYou(index)
    plain.blend.diversity = 0.0
    q = Query(history={index.position("tt1205489"): 1.0}, exclude={index.position("tt1205489")})
    diverse = [i for i, _ in ForYou(index).recommend(q, 10)]
    same = [i for i, _ in plain.recommend(q, 10)]
    eastwood = lambda ids: sum(
        any(index.feature_label[f] == "Clint Eastwood" for f in index.matrix[i].indices) for i in ids)
    assert eastwood(diverse) < eastwood(same)
    assert recommend_for(demo_con, demo_settings, history, limit=10).items


def test_radar_mode_keeps_to_acclaimed_little_known_titles(demo_con, demo_settings, index) -> None:
    result = recommend_for(demo_con, demo_settings, [Interaction("liked", "tt1205489")], mode="radar", limit=10)
    assert len(result.items) == 10
    for r in result.items:
        assert r.acclaim >= demo_settings.radar_min_acclaim and r.awareness <= demo_settings.radar_max_awareness


def test_hot_mode_needs_momentum_and_ranks_only_breakouts(index) -> None:
    from dataclasses import replace

    with pytest.raises(BadInput, match="chart momentum"):
        ForYou(replace(index, momentum=None), mode="hot")
    momentum = np.full(len(index), np.nan, dtype=np.float32)
    hot = [index.position("tt0114709"), index.position("tt0096283")]
    momentum[hot] = [1.2, 2.5]
    model = ForYou(replace(index, momentum=momentum), mode="hot", rules=ModeRules(hot_min_momentum=0.7))
    got = [i for i, _ in model.recommend(Query(), 10)]
    assert sorted(got) == sorted(hot)


def test_empty_history_ranks_by_acclaim_and_says_so(demo_con, demo_settings) -> None:
    result = recommend_for(demo_con, demo_settings, [], limit=5)
    assert result.notes and "acclaim" in result.notes[0]
    assert all(r.acclaim is not None and r.acclaim > 0.95 for r in result.items)


def test_rating_weights_use_the_rating_scale() -> None:
    assert interaction_weight(Interaction("rated", "x", 10, 10)) == 1.0
    assert interaction_weight(Interaction("rated", "x", 5, 5)) == 1.0
    assert interaction_weight(Interaction("rated", "x", 3, 10)) < 0 < interaction_weight(Interaction("rated", "x", 4, 5))
    assert interaction_weight(Interaction("dismissed", "x")) < 0


def test_filter_mask_unknown_values_fail_the_filter(index) -> None:
    mask = filter_mask(index, Filters(runtime_min=1))
    assert not mask[index.position("demo:ballard")]  # its runtime is unknown
    assert filter_mask(index, Filters()) is None
    assert not filter_mask(index, Filters(genre="no such genre")).any()


def test_index_is_saved_beside_the_catalog_and_rebuilt_when_it_changes(own_demo) -> None:
    con = open_catalog(own_demo.catalog_path)
    first = load_index(con, own_demo)
    con.close()
    assert index_path(own_demo).exists()
    content_mod._LOADED.clear()
    con = open_catalog(own_demo.catalog_path)
    again = load_index(con, own_demo)  # from the file
    con.close()
    assert again.matrix.nnz == first.matrix.nnz and list(again.ids) == list(first.ids)
    from reelradar.catalog.db import write_catalog

    with write_catalog(own_demo.catalog_path, start_from_current=True) as w:
        w.execute("DELETE FROM title WHERE id = 'demo:bosch-legacy'")
    con = open_catalog(own_demo.catalog_path)
    rebuilt = load_index(con, own_demo)
    con.close()
    assert rebuilt.position("demo:bosch-legacy") is None and len(rebuilt) == len(first) - 1


class TestContentModel(RecommenderContract):
    @pytest.fixture(autouse=True)
    def _index(self, index) -> None:
        self.index = index

    def make_data(self):
        return contract_interactions(FILMS)

    def make_recommender(self) -> ContentModel:
        return ContentModel(self.index)


class TestForYou(RecommenderContract):
    @pytest.fixture(autouse=True)
    def _index(self, index) -> None:
        self.index = index

    def make_data(self):
        return contract_interactions(FILMS)

    def make_recommender(self) -> ForYou:
        return ForYou(self.index)


def test_a_large_catalog_keeps_its_best_known_titles_in_the_index(own_demo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from reelradar.recommend import features

    con = open_catalog(own_demo.catalog_path)
    try:
        ranked = [r[0] for r in con.execute(
            "SELECT t.id FROM title t LEFT JOIN title_score s ON s.title_id = t.id "
            "WHERE t.kind NOT IN ('season', 'episode') AND NOT coalesce(t.is_adult, FALSE) "
            "ORDER BY s.evidence DESC NULLS LAST, t.id").fetchall()]
        monkeypatch.setattr(features, "CONTENT_MAX", 5)
        index = features.build_index(con)
        assert sorted(index.ids) == sorted(ranked[:5])
        content_mod._LOADED.clear()
        monkeypatch.setattr(content_mod, "build_index", features.build_index)
        with pytest.raises(BadInput, match="not among the 5 best-known titles"):
            more_like_this(con, own_demo, ranked[-1])
        seed, similar = more_like_this(con, own_demo, ranked[0], limit=3)
        assert seed.id == ranked[0] and {r.id for r in similar} <= set(ranked[1:5])
    finally:
        content_mod._LOADED.clear()
        con.close()
