"""Letterboxd ZIP imports: ratings, diary with rewatches, watched, watchlist and likes, by name and year."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

DATA = Path(__file__).parent / "data" / "imports"
ZIP = DATA / "letterboxd-filmfan-2024-07-01-10-00-utc.zip"


@pytest.fixture
def user_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path)


def test_the_zip_agrees_with_the_csvs_beside_it() -> None:
    import zipfile

    with zipfile.ZipFile(ZIP) as zf:
        for name in zf.namelist():
            assert zf.read(name) == (DATA / "letterboxd" / name).read_bytes(), name


def test_every_file_of_the_export_is_read(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "letterboxd", ZIP, demo_con)
    assert report.counts["rows"] == 17  # 6 ratings, 4 diary, 2 watched without diary, 3 watchlist, 2 likes
    assert report.counts["strong"] == 15 and report.counts["medium"] == 1 and report.counts["none"] == 1
    with UserStore(user_settings.users_path) as store:
        got = store.interactions()
    rated = {i.title_id: i.rating for i in got if i.action == "rated"}
    assert rated["tt0068646"] == 5 and rated["tt0211915"] == 4.5 and rated["tt0079817"] == 3.5  # "Rocky 2"
    assert rated["tt1707386"] == 3  # Les Misérables of 2012, not the 1995 or 1998 one
    assert all(i.scale == 5 for i in got if i.action == "rated")
    godfather_views = sorted(i.at for i in got if i.action == "watched" and i.title_id == "tt0068646")
    assert godfather_views == [datetime(2022, 1, 2), datetime(2023, 6, 9)]  # the diary's rewatch kept
    assert {i.title_id for i in got if i.action == "watchlist"} == {"tt0069293", "tt0082096", "tt0375679"}
    assert {i.title_id for i in got if i.action == "liked"} == {"tt0068646", "tt0211915"}
    watched = {i.title_id for i in got if i.action == "watched"}
    assert "tt0116282" in watched and "tt0076759" in watched  # Fargo (watched.csv), "Star Wars" (diary)


def test_unmatched_and_ambiguous_rows_say_why(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "letterboxd", ZIP, demo_con)
    hamlet = next(r for r in report.rows if r.said["title"] == "Hamlet")
    assert hamlet.verdict == "medium" and hamlet.reason.startswith("ambiguous")
    missing = next(r for r in report.rows if r.verdict == "none")
    assert missing.said == {"title": "A Film That Does Not Exist", "year": 2020, "kind": "movie",
                            "ids": {"letterboxd": "https://boxd.it/zzzz"}}
    assert missing.reason == "no movie with this name within a year of 2020"
    with UserStore(user_settings.users_path) as store:
        assert sum(1 for i in store.interactions() if i.title_id is None) == 2  # kept for a later link


def test_a_manual_link_wins_over_a_later_import(user_settings: Settings,
                                                demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "letterboxd", ZIP, demo_con)
    hamlet = next(r for r in report.rows if r.said["title"] == "Hamlet")
    with UserStore(user_settings.users_path) as store:
        store.link(hamlet.record, "tt0099726")
        store.unlink(next(r.record for r in report.rows if r.said["title"] == "Heat"))
    again = import_export(user_settings, "letterboxd", ZIP, demo_con)
    assert again.counts["new"] == 0
    hamlet2 = next(r for r in again.rows if r.said["title"] == "Hamlet")
    assert (hamlet2.title_id, hamlet2.method) == ("tt0099726", "manual")
    assert all(r.title_id is None for r in again.rows if r.said["title"] == "Heat")
    with UserStore(user_settings.users_path) as store:
        watched = [i.title_id for i in store.interactions("watched")]
    assert "tt0099726" in watched and "tt0113277" not in watched


def test_actions_for_one_title_agree_with_all_interactions(user_settings: Settings,
                                                           demo_con: duckdb.DuckDBPyConnection) -> None:
    # the title page asks for one title's actions; the answer must be what the whole history says,
    # manual links and unlinks included
    report = import_export(user_settings, "letterboxd", ZIP, demo_con)
    with UserStore(user_settings.users_path) as store:
        store.link(next(r.record for r in report.rows if r.said["title"] == "Hamlet"), "tt0099726")
        store.unlink(next(r.record for r in report.rows if r.said["title"] == "Heat"))
        every = store.interactions()
        linked = {i.title_id for i in every if i.title_id}
        assert len(linked) >= 3
        ids = linked | {"tt0113277", "no-such-title"}
        for title_id in ids:
            assert store.actions_for(title_id) == {i.action for i in every if i.title_id == title_id}, title_id


def test_a_large_catalog_resolves_the_export_alike(tmp_path: Path, demo_con: duckdb.DuckDBPyConnection,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog too large to index whole (the full IMDb one) looks each export's candidates up through its
    search index first: the same rows match the same titles."""
    from reelradar.resolve import candidates, link

    sa, sb = load_settings(data_dir=tmp_path / "a"), load_settings(data_dir=tmp_path / "b")
    whole = import_export(sa, "letterboxd", ZIP, demo_con)
    monkeypatch.setattr(candidates, "FULL_INDEX_MAX", 0)
    link._INDEX.clear()
    assert isinstance(link.resolver_for(demo_con).index, candidates.GrowingIndex)
    growing = import_export(sb, "letterboxd", ZIP, demo_con)
    link._INDEX.clear()
    assert growing.counts == whole.counts
    with UserStore(sa.users_path) as a, UserStore(sb.users_path) as b:
        assert sorted((i.title_id or "", i.action) for i in a.interactions()) == sorted(
            (i.title_id or "", i.action) for i in b.interactions())


def test_two_films_of_one_name_and_year_stay_two(user_settings: Settings, tmp_path: Path,
                                                 demo_con: duckdb.DuckDBPyConnection) -> None:
    import zipfile

    export = tmp_path / "letterboxd-two.zip"
    with zipfile.ZipFile(export, "w") as zf:
        zf.writestr("ratings.csv", "Date,Name,Year,Letterboxd URI,Rating\n"
                                   "2024-01-02,Dhamaka,2021,https://boxd.it/aaaa,4\n"
                                   "2024-01-03,Dhamaka,2021,https://boxd.it/bbbb,2\n"
                                   "2024-01-04,Fargo,1996,https://boxd.it/cccc,5\n")
        zf.writestr("watched.csv", "Date,Name,Year,Letterboxd URI\n"
                                   "2024-01-02,Dhamaka,2021,https://boxd.it/aaaa\n"
                                   "2024-01-03,Dhamaka,2021,https://boxd.it/bbbb\n")
    first = import_export(user_settings, "letterboxd", export, demo_con)
    assert first.counts["rows"] == 5 and first.counts["new"] == 5
    with UserStore(user_settings.users_path) as store:
        ratings = sorted(i.rating for i in store.interactions("rated") if i.xids.get("letterboxd", "").endswith(("aaaa", "bbbb")))
    assert ratings == [2, 4]  # two records, each with its own rating
    again = import_export(user_settings, "letterboxd", export, demo_con)
    assert again.counts["updated"] == 0 and again.counts["new"] == 0  # a second import changes nothing
