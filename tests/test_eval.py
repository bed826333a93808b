"""The offline protocol: MovieLens-format files in, a split, metrics computed right, top-N CSV out."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.errors import BadInput
from reelradar.recommend.base import Interactions, Query, Recommender
from reelradar.recommend.evaluate import Split, evaluate, fit_and_write, holdout, run_eval
from reelradar.recommend.movielens import load_links, load_ratings

DATA = Path(__file__).parent / "data" / "movielens"
RATINGS, LINKS = DATA / "ratings.csv", DATA / "links.csv"
runner = CliRunner()


def test_ratings_load_as_users_by_items_with_times() -> None:
    data = load_ratings(RATINGS)
    assert data.n_users == 40 and data.matrix.nnz == 520
    assert set(np.unique(data.matrix.data)) == {1.0}
    assert data.when is not None and data.when.nnz == 520
    assert load_ratings(RATINGS, min_rating=4.0).matrix.nnz < 520


def test_links_map_movie_ids_to_imdb_ids() -> None:
    links = load_links(LINKS)
    assert links["100"] == "tt0070047" and len(links) == 42


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("user,movie,rating,timestamp\n1,2,3,4\n", "line 1: expected the header"),
        ("userId,movieId,rating,timestamp\n1,2,3.5,100\n1,x,4,100\n", "line 3: 'x' is not a number"),
        ("userId,movieId,rating,timestamp\n1,2,3.5,100\n1,3\n", "line 3: expected 4 fields"),
    ],
)
def test_a_bad_ratings_file_is_reported_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "ratings.csv"
    bad.write_text(text)
    with pytest.raises(BadInput, match=message):
        load_ratings(bad)


def test_a_bad_links_file_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "links.csv"
    bad.write_text("movieId,imdbId,tmdbId\n1,0114709,862\n2,tt0113497,\n")
    with pytest.raises(BadInput, match="line 3"):
        load_links(bad)


def test_random_holdout_takes_a_fifth_of_each_user_and_keeps_train_and_test_apart() -> None:
    data = load_ratings(RATINGS)
    split = holdout(data, "random", 0.2, seed=1)
    assert len(split.test) == 40
    for u, held in split.test.items():
        total = data.matrix[u].nnz
        assert len(held) == max(1, round(total * 0.2))
        assert not set(held) & set(split.train.matrix[u].indices)
        assert len(held) + split.train.matrix[u].nnz == total
    assert holdout(data, "random", 0.2, seed=1).test.keys() == split.test.keys()


def test_temporal_holdout_holds_out_each_users_latest() -> None:
    data = load_ratings(RATINGS)
    split = holdout(data, "temporal", 0.2)
    for u, held in split.test.items():
        times = data.when[u].toarray().ravel()
        kept = split.train.matrix[u].indices
        assert times[held].min() >= times[kept].max()


class Fixed(Recommender):
    """Recommends items in a fixed order (for checking the metrics by hand)."""

    name = "fixed"

    def fit(self, data: Interactions) -> Fixed:
        self.n = data.n_items
        return self

    def score(self, query: Query) -> np.ndarray:
        return -np.arange(self.n, dtype=float)


def test_metrics_match_a_hand_computation() -> None:
    # one user, 30 items; trained on item 29; items 1 and 12 held out; "fixed" ranks 0, 1, 2, ...
    train = sp.csr_matrix((np.ones(1, dtype=np.float32), ([0], [29])), shape=(1, 30))
    data = Interactions(np.asarray(["u"], dtype=object), np.asarray([str(i) for i in range(30)], dtype=object), train)
    result = evaluate(Fixed(), Split(data, {0: np.asarray([1, 12])}))
    ideal = 1 + 1 / np.log2(3)
    assert result.ndcg_at_10 == pytest.approx((1 / np.log2(3)) / ideal)  # hit at rank 2 only within 10
    assert result.recall_at_20 == pytest.approx(1.0)  # both within the top 20
    assert result.coverage == pytest.approx(20 / 30)
    assert result.avg_popularity == pytest.approx(0.0)  # no training user had any of them


def test_all_models_run_side_by_side_and_ease_beats_popularity() -> None:
    report = run_eval(RATINGS, split="random", seed=3)
    names = [r.model for r in report.results]
    assert names == ["MostPopular", "ItemKNN", "EASE", "ALS (implicit)", "reelradar hybrid", "reelradar hybrid (radar)"]
    by = {r.model: r for r in report.results}
    assert by["EASE"].ndcg_at_10 > by["MostPopular"].ndcg_at_10
    assert by["reelradar hybrid (radar)"].avg_popularity < by["MostPopular"].avg_popularity
    for r in report.results:
        assert 0 <= r.ndcg_at_10 <= 1 and 0 <= r.recall_at_20 <= 1 and 0 < r.coverage <= 1 and r.novelty > 0


def test_top_n_csv_uses_the_files_ids_and_skips_training_items(tmp_path: Path) -> None:
    out = tmp_path / "top.csv"
    rows = fit_and_write(RATINGS, out, model="ease", n=5, links=LINKS)
    got = list(csv.DictReader(out.open()))
    assert rows == len(got) == 40 * 5
    assert set(got[0]) == {"userId", "movieId", "rank"}
    rated = {(r["userId"], r["movieId"]) for r in csv.DictReader(RATINGS.open())}
    assert not {(r["userId"], r["movieId"]) for r in got} & rated
    assert {r["rank"] for r in got} == {"1", "2", "3", "4", "5"}


def test_eval_cli_prints_a_table_and_json(tmp_path: Path, demo_dir: Path) -> None:
    out = tmp_path / "results.md"
    result = runner.invoke(app, ["--data-dir", str(demo_dir), "eval", str(RATINGS), "--links", str(LINKS),
                                 "--model", "popular", "--model", "hybrid", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "| MostPopular |" in result.stdout and "| reelradar hybrid |" in result.stdout
    assert "NDCG@10" in out.read_text()
    result = runner.invoke(app, ["eval", str(RATINGS), "--split", "temporal", "--model", "ease", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["split"] == "temporal" and report["results"][0]["model"] == "EASE"


def test_eval_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["eval", str(RATINGS), "--model", "svd"])
    assert result.exit_code == 2 and "unknown model 'svd'" in result.stderr
    result = runner.invoke(app, ["eval", str(RATINGS), "--split", "sideways"])
    assert result.exit_code == 2 and "unknown split" in result.stderr
