"""Score properties (DESIGN §5), checked on the real Ibis expressions run by DuckDB."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reelradar.analytics.scores import compute_scores, wilson_lower
from reelradar.catalog.db import write_catalog
from reelradar.catalog.load import insert_table
from reelradar.config import Settings, load_settings

BACKEND = ibis.duckdb.connect()


def wilson(positive: int, n: int, z: float = 1.645) -> float:
    return float(BACKEND.execute(wilson_lower(ibis.literal(positive, "int64"), ibis.literal(float(n)), z)))


@hsettings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_bound_in_unit_interval_and_below_observed_share(case: tuple[int, int]) -> None:
    positive, n = case
    lb = wilson(positive, n)
    assert 0.0 <= lb <= 1.0
    assert lb <= positive / n + 1e-12


def test_wilson_known_values() -> None:
    assert wilson(8, 8) == pytest.approx(0.747, abs=0.001)
    assert wilson(285, 300) == pytest.approx(0.925, abs=0.002)
    assert wilson(8, 8) < wilson(285, 300)  # a small perfect sample does not win


@hsettings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.05, max_value=1.0), st.integers(1, 5000), st.integers(1, 5000))
def test_more_evidence_never_lowers_the_bound(share: float, n1: int, n2: int) -> None:
    small, large = sorted((n1, n2))
    lb_small = wilson(round(share * small), small)
    lb_large = wilson(round(share * large), large)
    # same observed share (up to rounding of counts), more reviews: the bound does not fall
    if round(share * small) / small == round(share * large) / large:
        assert lb_large >= lb_small - 1e-12


def build(tmp_path: Path, titles: list[dict], ratings: list[dict], s: Settings) -> duckdb.DuckDBPyConnection:
    path = tmp_path / "catalog.duckdb"
    with write_catalog(path) as con:
        insert_table(con, "title", pa.Table.from_pylist([{"source": "test", **t} for t in titles]))
        rows = [{"source": "test", "scale": 100.0, "as_of": date(2025, 1, 1), **r} for r in ratings]
        insert_table(con, "rating", pa.Table.from_pylist(rows))
        compute_scores(con, s)
    return duckdb.connect(str(path), read_only=True)


def film(i: int, year: int = 2005) -> dict:
    return {"id": f"t{i}", "kind": "movie", "title": f"Film {i}", "year": year}


def test_eight_of_eight_ranks_below_285_of_300(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, min_cohort=2)
    titles = [film(1), film(2)] + [film(i) for i in range(3, 25)]
    ratings = [
        {"title_id": "t1", "metric": "critic_pct", "value": 100.0, "count": 8, "positive": 8},
        {"title_id": "t2", "metric": "critic_pct", "value": 95.0, "count": 300, "positive": 285},
    ] + [{"title_id": f"t{i}", "metric": "critic_pct", "value": 60.0, "count": 50, "positive": 30} for i in range(3, 25)]
    con = build(tmp_path, titles, ratings, s)
    q = dict(con.execute("SELECT title_id, quality FROM score_part").fetchall())
    pct = dict(con.execute("SELECT title_id, percentile FROM score_part").fetchall())
    assert q["t1"] == pytest.approx(0.747, abs=0.001)
    assert q["t1"] < q["t2"]
    assert pct["t1"] < pct["t2"] == 1.0


def test_bayesian_mean_lies_between_prior_and_observed(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, min_cohort=5)
    votes = [10, 100, 1000, 5000, 20, 300, 7, 40000]
    means = [9.5, 4.0, 7.0, 8.2, 2.5, 6.6, 9.9, 7.4]
    titles = [film(i) for i in range(len(votes))]
    ratings = [
        {"title_id": f"t{i}", "source": "imdb", "metric": "user_mean", "value": m, "scale": 10.0, "count": v}
        for i, (v, m) in enumerate(zip(votes, means))
    ]
    con = build(tmp_path, titles, ratings, s)
    rows = con.execute("SELECT value / scale, prior_mean, quality, count, prior_m FROM score_part").fetchall()
    observed_mean = sum(m / 10 for m in means) / len(means)
    for share, prior, quality, count, m in rows:
        assert prior == pytest.approx(observed_mean)
        assert min(share, prior) - 1e-9 <= quality <= max(share, prior) + 1e-9
        # the weight of the observed mean grows with votes
        assert abs(quality - share) <= abs(prior - share) * m / (count + m) + 1e-9


def test_unknown_count_is_scored_as_the_floor_and_said(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, min_cohort=2, unknown_count_floor=5)
    titles = [film(1), film(2), film(3)]
    ratings = [
        {"title_id": "t1", "metric": "critic_pct", "value": 100.0, "count": None},
        {"title_id": "t2", "metric": "critic_pct", "value": 100.0, "count": 5, "positive": 5},
        {"title_id": "t3", "metric": "critic_pct", "value": 100.0, "count": 50, "positive": 50},
    ]
    con = build(tmp_path, titles, ratings, s)
    rows = dict(con.execute("SELECT title_id, quality FROM score_part").fetchall())
    assert rows["t1"] == pytest.approx(rows["t2"])
    assert rows["t1"] < rows["t3"]
    known = dict(con.execute("SELECT title_id, count_known FROM score_part").fetchall())
    assert known == {"t1": False, "t2": True, "t3": True}
    # unknown counts are not evidence of awareness
    evidence = dict(con.execute("SELECT title_id, evidence FROM title_score").fetchall())
    assert evidence["t1"] == 0 and evidence["t3"] == 50


def test_awareness_unknown_without_evidence_and_cohorts_fall_back(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, min_cohort=3)
    titles = [film(i, 1995 if i < 4 else 2015) for i in range(1, 5)] + [
        {"id": "s1", "kind": "series", "title": "Show", "year": 2020}
    ]
    ratings = [
        {"title_id": f"t{i}", "metric": "critic_pct", "value": 50.0 + i * 10, "count": 10 * i, "positive": 5 * i + i * i}
        for i in range(1, 5)
    ] + [{"title_id": "s1", "metric": "metascore", "value": 90.0, "source": "metacritic"}]
    con = build(tmp_path, titles, ratings, s)
    cohorts = dict(con.execute("SELECT title_id, cohort FROM score_part").fetchall())
    assert cohorts["t1"] == "movie 1990s"  # 3 films of the 1990s: a cohort of its own
    assert cohorts["t4"] == "movie"  # one film of the 2010s: falls back to all films
    assert cohorts["s1"] is None  # one metascore in the catalog: not comparable
    aware = dict(con.execute("SELECT title_id, awareness FROM title_score").fetchall())
    assert aware["s1"] is None
    assert aware["t1"] is not None


def test_counts_below_the_floor_rank_as_least_known(tmp_path: Path) -> None:
    """Thousands of titles with a handful of votes must not make 500 votes look well known."""
    s = load_settings(data_dir=tmp_path, min_cohort=3, awareness_min_count=20)
    votes = [3, 5, 8, 12, 500, 5000, 50000]
    titles = [film(i) for i in range(len(votes))]
    ratings = [
        {"title_id": f"t{i}", "source": "imdb", "metric": "user_mean", "value": 7.0, "scale": 10.0, "count": v}
        for i, v in enumerate(votes)
    ]
    con = build(tmp_path, titles, ratings, s)
    aware = dict(con.execute("SELECT title_id, awareness FROM title_score").fetchall())
    assert [aware[f"t{i}"] for i in range(4)] == [0.0] * 4
    assert aware["t4"] == 0.0 and aware["t5"] == 0.5 and aware["t6"] == 1.0  # ranked among the three above 20
    cohorts = dict(con.execute("SELECT title_id, cohort FROM awareness_part").fetchall())
    assert cohorts["t0"] == "fewer than 20" and cohorts["t6"] == "movie 2000s"
