"""Simkl backups (the JSON of /sync/all-items, and the CSV of its website): statuses, ratings on Simkl's scale
of 10, ids."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

SIMKL = Path(__file__).parent / "data" / "imports" / "simkl" / "all-items.json"


@pytest.fixture
def user_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data")


def test_statuses_become_watched_watchlist_and_ratings(user_settings: Settings,
                                                       demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "simkl", SIMKL, demo_con)
    assert sorted((r.action, r.said["title"]) for r in report.rows) == [
        ("rated", "Ballard"), ("rated", "Heat"), ("rated", "The Big Lebowski"),
        ("watched", "Ballard"), ("watched", "Bosch"), ("watched", "Heat"), ("watched", "The Big Lebowski"),
        ("watchlist", "Amélie"), ("watchlist", "Bosch: Legacy")]
    assert any("1 title marked watching, on hold or dropped with no episode watched" in n for n in report.notes)
    heat = next(r for r in report.rows if r.said["title"] == "Heat")
    assert heat.said["ids"]["imdb"] == "tt0113277" and heat.said["ids"]["tmdb_movie"] == "949"
    assert heat.title_id == "tt0113277" and heat.method == "id"
    with UserStore(user_settings.users_path) as store:
        rated = {i.title_id: (i.rating, i.scale) for i in store.interactions() if i.action == "rated"}
    assert rated == {"tt0113277": (8, 10), "tt0118715": (10, 10), "demo:ballard": (9, 10)}


def test_a_second_import_changes_nothing(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection) -> None:
    import_export(user_settings, "simkl", SIMKL, demo_con)
    again = import_export(user_settings, "simkl", SIMKL, demo_con)
    assert (again.counts["new"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 9)


def test_bad_files_are_one_line_and_change_nothing(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                                   tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_bytes(SIMKL.read_bytes()[:300])
    with pytest.raises(BadInput, match=r"cut.json line \d+: not valid JSON"):
        import_export(user_settings, "simkl", cut, demo_con)
    data = json.loads(SIMKL.read_text())
    data["movies"][0]["user_rating"] = 11
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(BadInput, match="movies item 1: user_rating"):
        import_export(user_settings, "simkl", bad, demo_con)
    other = tmp_path / "profile.json"
    other.write_text('{"user": {"name": "x"}}')
    with pytest.raises(BadInput, match="not a Simkl backup"):
        import_export(user_settings, "simkl", other, demo_con)
    with UserStore(user_settings.users_path) as store:
        assert store.interactions() == []


# -- the website's CSV ------------------------------------------------------------------------------

SIMKL_CSV = SIMKL.parent / "simkl-backup.csv"


def test_the_website_csv_is_read_by_the_backup_rules(user_settings: Settings,
                                                     demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "simkl", SIMKL_CSV, demo_con)
    assert sorted((r.action, r.said["title"]) for r in report.rows) == [
        ("rated", "Ballard"), ("rated", "Heat"), ("rated", "The Big Lebowski"),
        ("watched", "Ballard"), ("watched", "Bosch"), ("watched", "Heat"), ("watched", "The Big Lebowski"),
        ("watched", "The Lantern Valley"), ("watchlist", "Amélie"), ("watchlist", "Bosch: Legacy")]
    assert any("1 title marked watching, on hold or dropped with no episode watched" in n for n in report.notes)
    heat = next(r for r in report.rows if r.said["title"] == "Heat" and r.action == "watched")
    assert heat.said["ids"] == {"simkl": "53536", "tmdb_movie": "949", "imdb": "tt0113277"}
    assert heat.title_id == "tt0113277" and heat.method == "id"
    with UserStore(user_settings.users_path) as store:
        items = store.interactions()
    rated = {i.title_id: (i.rating, i.scale) for i in items if i.action == "rated"}
    assert rated == {"tt0113277": (8, 10), "tt0118715": (10, 10), "demo:ballard": (9, 10)}
    # WatchedDate is day first: 14-11-2020 is the 14th of November
    assert any(i.title_id == "tt0113277" and i.action == "watched" and str(i.at).startswith("2020-11-14 22:31:05")
               for i in items)


def test_a_second_csv_import_changes_nothing(user_settings: Settings,
                                             demo_con: duckdb.DuckDBPyConnection) -> None:
    import_export(user_settings, "simkl", SIMKL_CSV, demo_con)
    again = import_export(user_settings, "simkl", SIMKL_CSV, demo_con)
    assert (again.counts["new"], again.counts["updated"], again.counts["unchanged"]) == (0, 0, 10)


def test_a_broken_csv_is_one_line_and_changes_nothing(user_settings: Settings,
                                                      demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    cut = tmp_path / "cut.csv"
    cut.write_bytes(SIMKL_CSV.read_bytes()[:200])
    with pytest.raises(BadInput, match=r"cut.csv line 3: \d+ fields where the header has 12") as exc:
        import_export(user_settings, "simkl", cut, demo_con)
    assert "\n" not in str(exc.value)
    bad = tmp_path / "bad.csv"
    bad.write_text(SIMKL_CSV.read_text(encoding="utf-8").replace(",8,,,949,", ",11,,,949,"), encoding="utf-8")
    with pytest.raises(BadInput, match="bad.csv line 2: Rating '11' is outside 1–10"):
        import_export(user_settings, "simkl", bad, demo_con)
    with UserStore(user_settings.users_path) as store:
        assert store.interactions() == []


def test_the_csv_after_the_json_of_one_account_adds_only_what_the_json_lacks(
        user_settings: Settings, demo_con: duckdb.DuckDBPyConnection) -> None:
    import_export(user_settings, "simkl", SIMKL, demo_con)
    csv = import_export(user_settings, "simkl", SIMKL_CSV, demo_con)
    assert [r.said["title"] for r in csv.rows if r.change == "new"] == ["The Lantern Valley"]
