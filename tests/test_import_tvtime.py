"""TV Time data exports (the GDPR ZIP of CSVs, its folder, or one CSV), in the real files' columns:
shows watched once each on their latest episode, followed shows on the watchlist, films by name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

TVTIME = Path(__file__).parent / "data" / "imports" / "tvtime"


@pytest.fixture
def user_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data")


def _zip(tmp_path: Path) -> Path:
    z = tmp_path / "tvtime-gdpr-data.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(TVTIME.glob("*.csv")):
            zf.write(p, f"gdpr-data/{p.name}")
    return z


def test_shows_are_one_watched_each_and_films_each_viewing(user_settings: Settings,
                                                           demo_con: duckdb.DuckDBPyConnection,
                                                           tmp_path: Path) -> None:
    report = import_export(user_settings, "tvtime", _zip(tmp_path), demo_con)
    got = {(r.action, r.said["title"]): r for r in report.rows}
    assert set(got) == {("watched", "Bosch"), ("watched", "Ballard"), ("watchlist", "Bosch: Legacy"),
                        ("watched", "Heat"), ("watched", "The Big Lebowski"), ("watchlist", "Amélie")}
    assert report.counts["rows"] == 7  # Heat twice; Lost was unfollowed unwatched
    assert got[("watched", "Bosch")].said["ids"] == {"tvdb": "277928"}
    # TV Time gives a show's name and TheTVDB id, no year: a show matched by name alone is only possible
    assert (got[("watched", "Bosch")].verdict, got[("watched", "Bosch")].title_id) == ("medium", "demo:bosch")
    assert got[("watched", "Heat")].verdict == "strong"
    assert any("5 episodes of 2 shows watched" in n for n in report.notes)
    assert any("1 show you unfollowed" in n for n in report.notes)
    with UserStore(user_settings.users_path) as store:
        seen = store.interactions()
    bosch = [i for i in seen if i.xids.get("tvdb") == "277928"]
    assert [i.at.isoformat(" ") for i in bosch] == ["2021-06-01 20:00:00"]  # the rewatch of S1E1, its latest
    assert sorted(i.at.date().isoformat() for i in seen if i.title_id == "tt0113277") == ["2020-11-14", "2023-01-02"]
    heat = [r for r in report.rows if r.said["title"] == "Heat"]
    assert len(heat) == 2 and all(r.change == "new" for r in heat)


def test_a_second_import_changes_nothing(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                         tmp_path: Path) -> None:
    z = _zip(tmp_path)
    import_export(user_settings, "tvtime", z, demo_con)
    again = import_export(user_settings, "tvtime", TVTIME, demo_con)  # the unpacked folder: the same facts
    assert again.counts["new"] == 0 and again.counts["updated"] == 0 and again.counts["unchanged"] == 7


def test_one_csv_of_the_export_is_read_alone(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection) -> None:
    report = import_export(user_settings, "tvtime", TVTIME / "followed_tv_show.csv", demo_con)
    assert [(r.action, r.said["title"]) for r in report.rows] == [
        ("watchlist", "Bosch"), ("watchlist", "Bosch: Legacy"), ("watchlist", "Ballard")]


def test_a_damaged_file_is_one_line_and_changes_nothing(user_settings: Settings,
                                                        demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "seen_episode.csv").write_text("created_at,tv_show_name,episode_season_number,episode_number\n"
                                             "2019-03-12 21:40:00,Bosch,1,3\nyesterday,Bosch,1,4\n")
    with pytest.raises(BadInput, match=r"seen_episode.csv line 3: created_at 'yesterday' is not a date"):
        import_export(user_settings, "tvtime", folder, demo_con)
    (folder / "seen_episode.csv").unlink()
    (folder / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(BadInput, match="no TV Time export files in it"):
        import_export(user_settings, "tvtime", folder, demo_con)
    with UserStore(user_settings.users_path) as store:
        assert store.interactions() == []
