"""Simkl backups (the JSON of /sync/all-items): statuses, ratings on Simkl's scale of 10, ids."""

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
