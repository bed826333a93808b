"""Exports as people really have them: older encodings, localised IMDb accounts, early Letterboxd ZIPs,
films sharing a name and year, Trakt backups with account files beside the history, and Netflix
viewing activity in the date orders of several countries.

The files in ``tests/data/imports/wild/`` are hand-made in the exporters' formats (no real person's data);
the ZIPs are built here from the CSVs an export of that year holds.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.users.imports import ImportReport, import_export, rematch
from reelradar.users.store import UserStore

WILD = Path(__file__).parent / "data" / "imports" / "wild"
LB_HEADER = "Date,Name,Year,Letterboxd URI"


@pytest.fixture
def user_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data")


def twice(settings: Settings, source: str, path: Path, con: duckdb.DuckDBPyConnection) -> ImportReport:
    """Import ``path`` twice; the second import must change nothing. Returns the first report."""
    first = import_export(settings, source, path, con)
    again = import_export(settings, source, path, con)
    assert (again.counts["new"], again.counts["updated"]) == (0, 0), again.counts
    assert again.counts["unchanged"] == first.counts["rows"]
    return first


def viewings(settings: Settings) -> set[tuple[str, str]]:
    """(record title, day) of every viewing stored, matched or not."""
    with closing(sqlite3.connect(settings.users_path)) as db:
        return {(title, at[:10]) for title, at in db.execute(
            "SELECT item.title, interaction.at FROM interaction JOIN item ON item.id = interaction.item_id "
            "WHERE interaction.action = 'watched'")}


def refused_in_one_line(settings: Settings, source: str, path: Path, con: duckdb.DuckDBPyConnection,
                        message: str) -> None:
    with pytest.raises(BadInput) as exc:
        import_export(settings, source, path, con)
    text = str(exc.value)
    assert "\n" not in text and str(path) in text and message in text, text


def test_an_imdb_export_in_windows_1252_is_read_and_says_so(user_settings: Settings,
                                                            demo_con: duckdb.DuckDBPyConnection,
                                                            tmp_path: Path) -> None:
    path = WILD / "imdb_ratings_2019_windows1252.csv"
    report = twice(user_settings, "imdb", path, demo_con)
    assert report.counts["rows"] == 4 and report.counts["strong"] == 4
    assert report.notes == ["imdb_ratings_2019_windows1252.csv read as Windows-1252 text (it is not UTF-8)"]
    assert report.rows[0].said["title"] == "Amélie"  # not "AmÃ©lie", not refused
    with UserStore(user_settings.users_path) as store:
        assert {i.title_id: i.rating for i in store.interactions()}["tt0211915"] == 8
    # what no encoding reads as text, and a UTF-8 file broken by one byte, are refused with their line
    binary = tmp_path / "ratings.csv"
    binary.write_bytes(path.read_bytes().split(b"\r\n")[0] + b"\r\n" + bytes(range(256)) * 4)
    refused_in_one_line(user_settings, "imdb", binary, demo_con,
                        "line 3: not text in UTF-8 or any other encoding (byte 0x80)")
    damaged = tmp_path / "damaged.csv"
    damaged.write_bytes(path.read_bytes().decode("cp1252").encode("utf-8").replace(b"Fargo", b"F\xe4rgo"))
    refused_in_one_line(user_settings, "imdb", damaged, demo_con, "line 5: not UTF-8 text (byte 0xe4)")


def test_a_localised_imdb_export_gives_kinds_and_matches_on_the_original_title(
        user_settings: Settings, demo_con: duckdb.DuckDBPyConnection) -> None:
    report = twice(user_settings, "imdb", WILD / "imdb_ratings_italian.csv", demo_con)
    kinds = {r.said["title"]: r.said["kind"] for r in report.rows}
    assert kinds == {"Il padrino": "movie", "Bosch: L'eredità": "series", "Bosch": "series", "Fargo": "movie"}
    # the catalog lacks these two tconsts: the Italian title alone finds nothing for the first
    matched = {r.said["title"]: (r.verdict, r.title_id) for r in report.rows}
    assert matched["Bosch: L'eredità"] == ("strong", "demo:bosch-legacy")  # through Original Title
    assert matched["Bosch"] == ("strong", "demo:bosch")
    assert report.counts["strong"] == 4
    # matched again (as after a rebuild), the record still has its Original Title to match on
    counts = rematch(user_settings, demo_con)
    assert (counts["strong"], counts["changed"]) == (4, 0), counts
    with UserStore(user_settings.users_path) as store:
        akas = {v.record.title: v.record.akas for v in store.items()}
    assert akas["Bosch: L'eredità"] == ["Bosch: Legacy"] and akas["Fargo"] == []


@pytest.mark.parametrize("folder", ["", "letterboxd-someone-2017-03-01-10-00-utc/"])
def test_a_2017_letterboxd_zip_with_an_empty_diary_is_read(user_settings: Settings,
                                                           demo_con: duckdb.DuckDBPyConnection, tmp_path: Path,
                                                           folder: str) -> None:
    path = tmp_path / "letterboxd-someone-2017-03-01-10-00-utc.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{folder}diary.csv", "Date,Name,Year,Letterboxd URI,Rating,Tags,Watched Date\n")
        zf.writestr(f"{folder}ratings.csv", f"{LB_HEADER},Rating\n2017-01-02,Heat,1995,https://boxd.it/2b0k,4\n"
                                            "2017-01-05,Fargo,1996,https://boxd.it/2aSE,4.5\n")
        zf.writestr(f"{folder}watched.csv", f"{LB_HEADER}\n2017-01-02,Heat,1995,https://boxd.it/2b0k\n"
                                            "2017-01-05,Fargo,1996,https://boxd.it/2aSE\n")
        zf.writestr(f"{folder}watchlist.csv", f"{LB_HEADER}\n2017-02-01,Solaris,1972,https://boxd.it/1UQS\n")
        zf.writestr(f"{folder}profile.csv", "Date Joined,Username,Given Name,Family Name,Email Address\n")
    report = twice(user_settings, "letterboxd", path, demo_con)
    assert report.counts["rows"] == 5 and report.counts["strong"] == 5
    assert sorted(r.action for r in report.rows) == ["rated", "rated", "watched", "watched", "watchlist"]
    # a diary entry of that header is a viewing on the day it was logged, not a rewatch
    diary = tmp_path / "with-a-diary.zip"
    with zipfile.ZipFile(diary, "w") as zf:
        zf.writestr("diary.csv", "Date,Name,Year,Letterboxd URI,Rating,Tags,Watched Date\n"
                                 "2017-01-03,Heat,1995,https://boxd.it/e1,4,,\n")
    viewing = import_export(user_settings, "letterboxd", diary, demo_con).rows[0]
    assert (viewing.action, viewing.title_id) == ("watched", "tt0113277")


def test_two_films_of_one_name_and_year_stay_two_records(user_settings: Settings,
                                                         demo_con: duckdb.DuckDBPyConnection,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "letterboxd-someone-2024-07-01-10-00-utc.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ratings.csv", f"{LB_HEADER},Rating\n2024-01-02,Hamlet,2000,https://boxd.it/aaaa,4\n"
                                   "2024-01-03,Hamlet,2000,https://boxd.it/bbbb,2\n")
        zf.writestr("watched.csv", f"{LB_HEADER}\n2024-01-02,Hamlet,2000,https://boxd.it/aaaa\n"
                                   "2024-01-03,Hamlet,2000,https://boxd.it/bbbb\n")
    report = twice(user_settings, "letterboxd", path, demo_con)
    assert report.counts["rows"] == 4 and report.counts["new"] == 4
    assert len({r.record for r in report.rows}) == 2  # one record per Letterboxd film, not one per name
    with UserStore(user_settings.users_path) as store:
        assert sorted(i.rating or 0 for i in store.interactions("rated")) == [2, 4]


def test_a_trakt_backup_skips_its_account_files_and_episode_ratings(user_settings: Settings,
                                                                    demo_con: duckdb.DuckDBPyConnection,
                                                                    tmp_path: Path) -> None:
    folder = WILD / "trakt-backup"
    report = twice(user_settings, "trakt", folder, demo_con)
    # history 2 (a Bosch episode, Heat), the show's rating, the film's rating
    assert report.counts["rows"] == 4 and report.counts["strong"] == 4
    skipped_files = ("skipped user/last-activities.json, user/profile.json, user/stats.json: not a list of items "
                     "(a profile, settings or statistics file)")
    skipped_ratings = "skipped 2 ratings of episodes or seasons: an episode's or a season's rating is not the show's"
    assert report.notes == [skipped_files, skipped_ratings]
    with UserStore(user_settings.users_path) as store:
        rated = {i.title_id: i.rating for i in store.interactions("rated")}
    assert rated == {"demo:bosch": 7, "tt0113277": 8}  # the episode's 10 and the season's 9 are not the show's
    # the same backup as a ZIP gives the same rows; an account file alone is refused in one line
    zipped = tmp_path / "trakt-backup.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for p in sorted(folder.rglob("*.json")):
            zf.write(p, f"backup/{p.relative_to(folder)}")
    assert import_export(user_settings, "trakt", zipped, demo_con).counts["unchanged"] == 4
    refused_in_one_line(user_settings, "trakt", folder / "user" / "profile.json", demo_con,
                        "no list of history items in it")


@pytest.mark.parametrize("name", [
    "NetflixViewingHistory.csv",  # 1/31/24: a day above 12 second, so the month comes first
    "NetflixViewingHistory_de.csv",  # 31.01.24: a day above 12 first
])
def test_netflix_viewing_activity_becomes_one_record_per_show_and_per_film(
        user_settings: Settings, demo_con: duckdb.DuckDBPyConnection, name: str) -> None:
    report = twice(user_settings, "netflix", WILD / name, demo_con)
    assert report.notes == []  # the file itself told the order of its dates
    # 8 lines: Heat twice, Star Wars, and three shows (two Bosch: Legacy episodes, two Bosch, one Ballard)
    assert report.counts["rows"] == 6
    said = [(r.said["title"], r.said["kind"], r.row) for r in report.rows]
    shows = sorted(s for s in said if s[1] == "series")
    assert [s[0] for s in shows] == ["Ballard", "Bosch", "Bosch: Legacy"]
    watched = viewings(user_settings)
    assert ("Bosch: Legacy", "2024-01-31") in watched and ("Bosch", "2023-12-14") in watched
    assert {d for t, d in watched if t == "Heat"} == {"2024-01-29", "2023-02-03"}
    # a name and no year: every match waits for the person's confirmation, and the reason says why
    legacy = next(r for r in report.rows if r.said["title"] == "Bosch: Legacy")
    assert (legacy.verdict, legacy.title_id) == ("medium", "demo:bosch-legacy")


def test_netflix_dates_that_tell_no_order_say_which_was_assumed_and_bad_ones_are_refused(
        user_settings: Settings, demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text('Title,Date\n"Heat","02/03/2024"\n"Bosch: Season 1: Chapter One: \'Tis the Season","01/03/2024"\n',
                    encoding="utf-8")
    report = twice(user_settings, "netflix", path, demo_con)
    assumed = "dates read as month/day/year: no date in the file has a day above 12 to tell day from month"
    assert report.notes == [assumed]
    assert viewings(user_settings) == {("Heat", "2024-02-03"), ("Bosch", "2024-01-03")}
    path.write_text('Title,Date\n"Heat","31/01/2024"\n"Fargo","01/31/2024"\n', encoding="utf-8")
    refused_in_one_line(user_settings, "netflix", path, demo_con,
                        "the dates disagree: line 2 puts the day first, line 3 the month")
    path.write_text('Title,Date\n"Heat","yesterday"\n', encoding="utf-8")
    refused_in_one_line(user_settings, "netflix", path, demo_con, "line 2: Date 'yesterday' is not a date")
    path.write_text('Name,When\n"Heat","1/2/24"\n', encoding="utf-8")
    refused_in_one_line(user_settings, "netflix", path, demo_con, "line 1: no column 'Title'")


def test_the_netflix_command_prints_its_report_and_notes(own_demo: Settings, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reelradar.cli import app

    path = tmp_path / "NetflixViewingHistory.csv"
    path.write_text('Title,Date\n"Bosch: Season 1: Chapter One","02.03.24"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["--data-dir", str(own_demo.data_dir), "import", "netflix", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 1 rows" in result.stdout and "1 to confirm" in result.stdout
    assert "note: dates read as day/month/year" in result.stdout
    as_json = CliRunner().invoke(app, ["--data-dir", str(own_demo.data_dir), "import", "netflix", str(path), "--json"])
    assumed = "dates read as day/month/year: no date in the file has a day above 12 to tell day from month"
    assert json.loads(as_json.stdout)["notes"] == [assumed]
