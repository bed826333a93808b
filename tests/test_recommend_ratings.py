"""Ratings read on their scale and against the person's own midpoint (recommend/opinion.py): a low rating
is evidence against a title, never a seed or a "like …" reason, and its neighbours rank lower."""

from __future__ import annotations

from reelradar.model import Interaction
from reelradar.recommend.base import Query
from reelradar.recommend.hybrid import ForYou
from reelradar.recommend.opinion import Verdict, opinions
from reelradar.recommend.service import history_of, recommend_for
from reelradar.story.taste import liked_titles
from reelradar.users.actions import history_marks

BOSCH, BALLARD, LEGACY = "demo:bosch", "demo:ballard", "demo:bosch-legacy"
# Eastwood and crime films of the demo catalog, far from the Bosch universe
OTHERS = ["tt1205489", "tt0327056", "tt0105695", "tt0405159"]


def reasons_of(result, title_id: str) -> list[str]:
    return [r.text for item in result.items if item.id == title_id for r in item.reasons]


def all_reasons(result) -> list[str]:
    return [r.text for item in result.items for r in item.reasons]


def rated(title_id: str, rating: float, scale: float = 10) -> Interaction:
    return Interaction("rated", title_id, rating, scale)


def test_a_low_rating_is_no_seed_nor_a_like_and_a_high_one_seeds(demo_con, demo_settings, index) -> None:
    history = [rated(BOSCH, 2), rated(LEGACY, 9)]
    weights = history_of(index, history).weights
    assert weights[index.position(BOSCH)] < 0 < weights[index.position(LEGACY)]
    result = recommend_for(demo_con, demo_settings, history, limit=10)
    assert BOSCH not in [r.id for r in result.items]
    assert not any(t.startswith("like Bosch (") for t in all_reasons(result))
    ballard = reasons_of(result, BALLARD)
    assert any(t.startswith("like Bosch: Legacy (you rated it 9/10)") for t in ballard)
    assert "you rated Bosch 2/10: less of this" in ballard
    # the same title rated 9/10 seeds, named by its rating
    high = recommend_for(demo_con, demo_settings, [rated(BOSCH, 9)], limit=5)
    assert high.items[0].id == BALLARD
    assert any(t.startswith("like Bosch (you rated it 9/10)") for t in reasons_of(high, BALLARD))
    assert not any("less of this" in t for t in all_reasons(high))


def test_someone_who_rates_everything_high_does_not_like_their_lowest(demo_con, demo_settings, index) -> None:
    # median 9/10: an 8/10 is under the person's own midpoint, so neither a like nor held against
    history = [rated(BOSCH, 8), *(rated(t, r) for t, r in zip(OTHERS, (10, 10, 9, 9)))]
    said = opinions(history)
    assert said[BOSCH].verdict is Verdict.NEUTRAL and said[OTHERS[2]].verdict is Verdict.LIKE
    assert history_of(index, history).weights[index.position(BOSCH)] == 0
    result = recommend_for(demo_con, demo_settings, history, limit=10)
    assert not any(t.startswith("like Bosch (") for t in all_reasons(result))
    assert BOSCH not in liked_titles(history_marks(history))


def test_someone_who_rates_everything_low_still_has_likes(demo_con, demo_settings) -> None:
    # median 3/10: a 6/10 is at or above it and above the middle of the scale, so a like; 4/10 is at or
    # above it but not above the middle (neutral); 2/10 is below both (a dislike)
    history = [rated(BOSCH, 6), *(rated(t, r) for t, r in zip(OTHERS, (2, 3, 3, 4)))]
    said = opinions(history)
    assert [said[t].verdict for t in (BOSCH, OTHERS[3], OTHERS[0])] == [Verdict.LIKE, Verdict.NEUTRAL, Verdict.DISLIKE]
    result = recommend_for(demo_con, demo_settings, history, limit=10)
    assert result.items[0].id in (BALLARD, LEGACY)
    assert any(t.startswith("like Bosch (you rated it 6/10)") for t in all_reasons(result))
    assert BOSCH in liked_titles(history_marks(history))


def test_the_bar_is_the_usual_midpoint_until_five_ratings_on_a_scale() -> None:
    # four ratings on 10 make no midpoint of the person's yet, nor three on 5 (each scale on its own):
    # from 7/10 and 3.5★ up is liked, the middle and under disliked, between neutral
    history = [rated("a", 10), rated("b", 10), rated("d", 6), rated("e", 7),
               rated("f", 2.5, 5), rated("g", 3, 5), rated("h", 3.5, 5)]
    said = {k: o.verdict for k, o in opinions(history).items()}
    assert said == {"a": Verdict.LIKE, "b": Verdict.LIKE, "d": Verdict.NEUTRAL, "e": Verdict.LIKE,
                    "f": Verdict.DISLIKE, "g": Verdict.NEUTRAL, "h": Verdict.LIKE}
    assert set(liked_titles(history_marks(history))) == {"a", "b", "e", "h"}
    # a fifth on 10 makes the person's median (10/10) the bar there: a 7/10 is no longer a like
    more = [*history, rated("c", 10)]
    assert set(liked_titles(history_marks(more))) == {"a", "b", "c", "h"}
    # the latest rating decides, whatever else was done with the title
    again = [*more, rated("x", 2), Interaction("watched", "x"), Interaction("liked", "x")]
    assert "x" not in liked_titles(history_marks(again))


def test_a_disliked_title_pulls_its_neighbours_down(demo_con, demo_settings, index) -> None:
    liked = [rated(OTHERS[0], 9), rated(OTHERS[1], 9)]  # Gran Torino, Mystic River: crime, but no Bosch
    model = ForYou(index)

    def rank(history: list[Interaction], title_id: str) -> int:
        h = history_of(index, history)
        scores = model.score(Query(history=h.weights, exclude=h.exclude))
        return int((scores > scores[index.position(title_id)]).sum())

    disliked = [rated(BOSCH, 2), *liked]
    assert rank(disliked, BALLARD) > rank(liked, BALLARD) + 100
    assert rank(disliked, LEGACY) > rank(liked, LEGACY) + 100
    scores = model.score(Query(history=history_of(index, disliked).weights))
    plain = model.score(Query(history=history_of(index, liked).weights))
    assert scores[index.position(BALLARD)] < plain[index.position(BALLARD)]
    # liked as much as Bosch is disliked, Bosch: Legacy keeps Ballard on the list, and it says why it fell
    result = recommend_for(demo_con, demo_settings, [*disliked, rated(LEGACY, 9)], limit=10)
    assert BOSCH not in [r.id for r in result.items]
    assert "you rated Bosch 2/10: less of this" in reasons_of(result, BALLARD)
