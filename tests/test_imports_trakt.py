"""Trakt JSON imports: history (films and episodes), ratings, watchlist, watched; folder, file or ZIP."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

TRAKT = Path(__file__).parent / "data" / "imports" / "trakt"


@pytest.fixture
def user_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data")


def test_a_backup_folder_is_read_by_the_shape_of_its_items(user_settings: Settings,
                                                          demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "trakt", TRAKT, demo_con)
    # history 4 (two Ballard episodes), ratings 2 films + 1 show, watchlist 2; episode ratings, the
    # watched summary (history has the viewings) and the collection are not imported
    assert report.counts["rows"] == 9 and report.counts["strong"] == 9
    with UserStore(user_settings.users_path) as store:
        got = store.interactions()
    assert [i.at.date().isoformat() for i in got if i.title_id == "demo:ballard"] == ["2025-07-20", "2025-07-21"]
    rated = {i.title_id: (i.rating, i.scale) for i in got if i.action == "rated"}
    assert rated == {"tt0118715": (9, 10), "tt0113277": (7, 10), "demo:bosch-legacy": (8, 10)}
    assert {i.title_id for i in got if i.action == "watchlist"} == {"tt0211915", "demo:bosch"}
    heat = next(r for r in report.rows if r.said["title"] == "Heat")
    assert heat.method == "title" and heat.said["ids"]["tmdb_movie"] == "949"


def test_one_file_and_a_zip_give_the_same_rows(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                               tmp_path: Path) -> None:
    one = import_export(user_settings, "trakt", TRAKT / "ratings_movies.json", demo_con)
    assert [r.title_id for r in one.rows] == ["tt0118715", "tt0113277"]
    z = tmp_path / "trakt.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(TRAKT.glob("*.json")):
            zf.write(p, f"backup/{p.name}")
    from_zip = import_export(user_settings, "trakt", z, demo_con)
    assert from_zip.counts["rows"] == 9 and from_zip.counts["new"] == 7  # the two ratings were there


def test_without_history_the_watched_summary_counts(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "only-watched"
    folder.mkdir()
    shutil.copy(TRAKT / "watched_movies.json", folder)
    report = import_export(user_settings, "trakt", folder, demo_con)
    assert [(r.action, r.title_id) for r in report.rows] == [("watched", "tt0113277")]


def test_a_fact_stated_twice_in_one_backup_is_kept_once_and_a_reimport_changes_nothing(
        user_settings: Settings, demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """A backup folder holding ratings.json (every kind) and ratings_movies.json, from two days: the same
    film's rating is stated twice, with two dates and two values."""
    folder = tmp_path / "backup"
    folder.mkdir()
    movie = {"title": "Heat", "year": 1995, "ids": {"trakt": 693, "tmdb": 949}}
    (folder / "ratings.json").write_text(json.dumps(
        [{"rated_at": "2025-01-02T10:00:00.000Z", "rating": 7, "type": "movie", "movie": movie}]))
    (folder / "ratings_movies.json").write_text(json.dumps(
        [{"rated_at": "2025-03-04T10:00:00.000Z", "rating": 9, "type": "movie", "movie": movie}]))
    first = import_export(user_settings, "trakt", folder, demo_con)
    assert first.counts["new"] == 1 and first.counts["updated"] == 0
    again = import_export(user_settings, "trakt", folder, demo_con)
    assert (again.counts["new"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 2)
    with UserStore(user_settings.users_path) as store:
        rated = [i for i in store.interactions() if i.action == "rated"]
    assert [(i.title_id, i.rating) for i in rated] == [("tt0113277", 9)]  # the later statement wins
