"""Bad exports: one line naming the file and line, nothing imported, earlier data untouched."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

DATA = Path(__file__).parent / "data" / "imports"
RATINGS = (DATA / "imdb_ratings.csv").read_text(encoding="utf-8")


@pytest.fixture
def user_settings(tmp_path: Path, demo_con: duckdb.DuckDBPyConnection) -> Settings:
    """A store that already holds an earlier import, which a bad file must leave as it was."""
    settings = load_settings(data_dir=tmp_path / "data", import_max_mb=1)
    import_export(settings, "imdb", DATA / "imdb_watchlist.csv", demo_con)
    return settings


def state(settings: Settings) -> tuple[object, ...]:
    with UserStore(settings.users_path) as store:
        return tuple(store.interactions()), tuple((v.id, v.match) for v in store.items())


def refused(settings: Settings, con: duckdb.DuckDBPyConnection, source: str, path: Path, message: str) -> None:
    before = state(settings)
    with pytest.raises(BadInput) as exc:
        import_export(settings, source, path, con)
    text = str(exc.value)
    assert "\n" not in text and str(path) in text and message in text, text
    assert state(settings) == before


def test_a_damaged_utf8_file_names_the_line(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                            tmp_path: Path) -> None:
    # UTF-8 up to one Latin-1 byte is a damaged file, not another encoding (a whole Latin-1 file is read:
    # test_import_formats_wild.py)
    bad = tmp_path / "damaged.csv"
    bad.write_bytes(RATINGS.encode("utf-8").replace(b"Jean-Pierre", b"Jean-Pi\xe8rre"))
    refused(user_settings, demo_con, "imdb", bad, "line 3: not UTF-8 text (byte 0xe8)")  # after Amélie's é


def test_a_renamed_column_is_named(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                   tmp_path: Path) -> None:
    bad = tmp_path / "renamed.csv"
    bad.write_text(RATINGS.replace("Const,", "IMDb ID,", 1), encoding="utf-8")
    refused(user_settings, demo_con, "imdb", bad, "line 1: no column 'Const'")


def test_a_truncated_csv_stops_at_its_last_line(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                                tmp_path: Path) -> None:
    bad = tmp_path / "cut.csv"
    bad.write_text(RATINGS[: RATINGS.index("Jean-Pierre") - 40], encoding="utf-8")
    refused(user_settings, demo_con, "imdb", bad, "line 3:")


def test_a_bad_value_names_its_line(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                    tmp_path: Path) -> None:
    bad = tmp_path / "rating.csv"
    bad.write_text(RATINGS.replace("tt0211915,8,", "tt0211915,eight,"), encoding="utf-8")
    refused(user_settings, demo_con, "imdb", bad, "line 3: Your Rating 'eight' is not a number")


def test_a_huge_file_is_refused_before_it_is_read(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "huge.csv"
    bad.write_text(RATINGS + RATINGS.splitlines()[1] * 12000, encoding="utf-8")
    refused(user_settings, demo_con, "imdb", bad, "more than the limit")


def test_a_zip_bomb_stops_at_the_limit_while_unpacking(user_settings: Settings,
                                                       demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ratings.csv", "Date,Name,Year,Letterboxd URI,Rating\n" + "0" * (50 * 1024 * 1024))
    assert bomb.stat().st_size < 200_000
    refused(user_settings, demo_con, "letterboxd", bomb, "once unpacked")


def test_a_truncated_zip_is_refused(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                    tmp_path: Path) -> None:
    data = (DATA / "letterboxd-filmfan-2024-07-01-10-00-utc.zip").read_bytes()
    bad = tmp_path / "cut.zip"
    bad.write_bytes(data[: len(data) // 2])
    refused(user_settings, demo_con, "letterboxd", bad, "not a readable ZIP")


def test_a_zip_without_letterboxd_files_is_refused(user_settings: Settings,
                                                   demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    bad = tmp_path / "other.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("notes.txt", "hello")
    refused(user_settings, demo_con, "letterboxd", bad, "no Letterboxd export files")


def test_a_truncated_json_names_its_line(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                         tmp_path: Path) -> None:
    text = (DATA / "trakt" / "history.json").read_text(encoding="utf-8")
    bad = tmp_path / "history.json"
    bad.write_text(text[: len(text) // 2], encoding="utf-8")
    refused(user_settings, demo_con, "trakt", bad, "not valid JSON")


def test_an_item_that_is_neither_film_nor_show_is_named(user_settings: Settings,
                                                        demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    bad = tmp_path / "ratings.json"
    bad.write_text('[{"rated_at": "2024-01-01T00:00:00Z", "rating": 8, "type": "person", "person": {}}]')
    refused(user_settings, demo_con, "trakt", bad, "item 1: neither a movie nor a show")


def test_a_failure_while_writing_rolls_everything_back(user_settings: Settings,
                                                       demo_con: duckdb.DuckDBPyConnection,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from reelradar.users import imports

    calls = {"n": 0}
    real = imports.put_interactions

    def fail_on_third(*args: object, **kwargs: object) -> dict[str, str]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise BadInput("disk full (simulated)")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "BATCH", 1)  # a batch per row: the third fails after two were written
    monkeypatch.setattr(imports, "put_interactions", fail_on_third)
    before = state(user_settings)
    with pytest.raises(BadInput, match="simulated"):
        import_export(user_settings, "letterboxd", DATA / "letterboxd-filmfan-2024-07-01-10-00-utc.zip", demo_con)
    assert calls["n"] == 3 and state(user_settings) == before  # two rows were written, then rolled back
