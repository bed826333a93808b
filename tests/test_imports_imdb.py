"""IMDb ratings and watchlist CSV imports (new, 2017–2023 and pre-2017 headers) on the demo catalog."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.users.formats import imdb_kind
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

DATA = Path(__file__).parent / "data" / "imports"


@pytest.fixture
def user_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path)


def test_ratings_export_matches_by_id_and_keeps_the_scale(user_settings: Settings,
                                                         demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "imdb", DATA / "imdb_ratings.csv", demo_con)
    assert report.counts == {"rows": 5, "strong": 3, "medium": 0, "none": 2, "new": 5, "updated": 0,
                             "unchanged": 0}
    by_title = {r.said["title"]: r for r in report.rows}
    assert by_title["The Godfather"].method == "id" and by_title["The Godfather"].title_id == "tt0068646"
    # Bosch's tconst is not in the demo catalog: matched by title, kind and year instead
    assert by_title["Bosch"].title_id == "demo:bosch" and by_title["Bosch"].method == "title"
    assert "episode" in by_title["Ozymandias"].reason
    assert by_title["A Film Nobody Made"].reason.startswith("no movie with this name")
    with UserStore(user_settings.users_path) as store:
        rated = {i.title_id: i for i in store.interactions("rated")}
    assert rated["tt0068646"].rating == 10 and rated["tt0068646"].scale == 10
    assert rated["tt0068646"].at and rated["tt0068646"].at.isoformat().startswith("2024-05-01")
    assert None in rated  # unmatched rows are kept, with no title id


def test_reimporting_the_same_file_changes_nothing(user_settings: Settings,
                                                   demo_con: duckdb.DuckDBPyConnection) -> None:
    import_export(user_settings, "imdb", DATA / "imdb_ratings.csv", demo_con)
    with UserStore(user_settings.users_path) as store:
        snapshot = [(v.id, v.match) for v in store.items()], store.interactions()
    again = import_export(user_settings, "imdb", DATA / "imdb_ratings.csv", demo_con)
    assert again.counts["new"] == 0 and again.counts["updated"] == 0 and again.counts["unchanged"] == 5
    with UserStore(user_settings.users_path) as store:
        assert ([(v.id, v.match) for v in store.items()], store.interactions()) == snapshot


@pytest.mark.parametrize(("name", "titles", "action"), [
    ("imdb_ratings_2019.csv", {"tt0116282", "tt0079817"}, "rated"),
    ("imdb_ratings_2015.csv", {"tt0110912", "tt0118715"}, "rated"),
    ("imdb_watchlist.csv", {"tt0069293", "tt0082096"}, "watchlist"),
])
def test_older_headers_and_the_watchlist_are_read(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                                 name: str, titles: set[str], action: str) -> None:
    report = import_export(user_settings, "imdb", DATA / name, demo_con)
    assert {r.title_id for r in report.rows if r.verdict == "strong"} == titles
    assert {r.action for r in report.rows} == {action}


@pytest.mark.parametrize(("text", "kind"), [("movie", "movie"), ("Feature Film", "movie"), ("tvSeries", "series"),
                                            ("TV Mini Series", "miniseries"), ("TV Mini-Series", "miniseries"),
                                            ("tvEpisode", "episode"), ("Serie TV", "series"), ("Hologram", None)])
def test_title_types_raw_and_display_words(text: str, kind: str | None) -> None:
    assert imdb_kind(text) == kind
