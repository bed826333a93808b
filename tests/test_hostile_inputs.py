"""Hostile files, reader by reader, in the real formats: each ends in one BadInput line naming the file
and the line (or JSON item), and no value the catalog or the user store cannot hold gets in."""

from __future__ import annotations

import copy
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from reelradar.catalog.db import open_catalog
from reelradar.cli import app
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.sources.charts_csv import read_chart_csv
from reelradar.sources.netflix import parse_file
from reelradar.users.formats import parse_imdb, parse_letterboxd, parse_trakt
from reelradar.users.imports import import_export
from reelradar.users.readers import Limits
from reelradar.users.store import UserStore

LIMITS = Limits(max_bytes=50 * 1024 * 1024, max_total=50 * 1024 * 1024, max_rows=100_000)
EDGE = "9999-12-31T23:59:59-14:00"  # the last second of the calendar, in the last time zone
SPAN = "outside 1900-01-01..2100-12-31"


def one_line(exc: pytest.ExceptionInfo[BadInput], path: Path, message: str) -> None:
    text = str(exc.value)
    assert "\n" not in text and len(text) < 400, text
    assert str(path) in text and message in text, text


# -- IMDb ratings CSV -----------------------------------------------------------------------------
IMDB_HEADER = ("Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,"
               "Num Votes,Release Date,Directors\n")
IMDB_FIELDS = {"const": "tt0211915", "rating": "8", "rated_at": "2024-03-01", "title": "Amélie", "runtime": "122",
               "year": "2001", "directors": "Jean-Pierre Jeunet"}


def imdb_file(tmp_path: Path, **change: str) -> Path:
    v = IMDB_FIELDS | change
    row = (f"{v['const']},{v['rating']},{v['rated_at']},\"{v['title']}\",https://www.imdb.com/title/tt0211915/,"
           f"Movie,8.3,{v['runtime']},{v['year']},\"Comedy, Romance\",780000,2001-04-25,\"{v['directors']}\"\n")
    path = tmp_path / "ratings.csv"
    path.write_text(IMDB_HEADER + row, encoding="utf-8")
    return path


@pytest.mark.parametrize(("field", "value", "message"), [
    ("year", "inf", "line 2: Year 'inf' is not a whole number"),
    ("year", "1e30", "line 2: Year '1e30' is not a whole number"),
    ("year", "-5000", "line 2: Year -5000 is outside 1870..2100"),
    ("year", "9" * 5000, "line 2: Year '9999"),
    ("runtime", "1e30", "line 2: Runtime (mins) '1e30' is not a whole number"),
    ("rating", "nan", "line 2: Your Rating 'nan' is not a finite number"),
    ("rated_at", EDGE, f"line 2: Date Rated '{EDGE}' is {SPAN}"),
    ("rated_at", "0001-01-01T00:00:00+14:00", f"line 2: Date Rated '0001-01-01T00:00:00+14:00' is {SPAN}"),
    ("rated_at", "0001-01-01", f"line 2: Date Rated '0001-01-01' is {SPAN}"),
    ("title", "Am\x00élie", "line 2: Title holds a NUL character"),
    ("title", "A" * 5000, "line 2: Title is 5,000 characters long, more than 1,000"),
    ("const", "tt0211915\x00", "line 2: Const 'tt0211915\\x00' is not an IMDb id"),
])
def test_imdb_hostile_values(tmp_path: Path, field: str, value: str, message: str) -> None:
    path = imdb_file(tmp_path, **{field: value})
    with pytest.raises(BadInput) as exc:
        parse_imdb(path, LIMITS)
    one_line(exc, path, message)


def test_imdb_good_values_still_read(tmp_path: Path) -> None:
    # '2001.0' is how a spreadsheet may save a year; the calendar's real days are all fine
    rows = parse_imdb(imdb_file(tmp_path, year="2001.0", rated_at="2100-12-31T23:59:59Z"), LIMITS)
    assert rows[0].record.year == 2001 and rows[0].at is not None and rows[0].at.year == 2100


# -- Letterboxd ZIP -------------------------------------------------------------------------------
LB_RATINGS = "Date,Name,Year,Letterboxd URI,Rating\n"
LB_DIARY = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"


@pytest.mark.parametrize(("member", "text", "message"), [
    ("ratings.csv", LB_RATINGS + "2024-01-01,Amélie,inf,https://boxd.it/1,4\n",
     "ratings.csv line 2: Year 'inf' is not a whole number"),
    ("ratings.csv", LB_RATINGS + "2024-01-01,Amélie,1e30,https://boxd.it/1,4\n",
     "ratings.csv line 2: Year '1e30' is not a whole number"),
    ("ratings.csv", LB_RATINGS + "2024-01-01,Amélie,-5000,https://boxd.it/1,4\n",
     "ratings.csv line 2: Year -5000 is outside 1870..2100"),
    ("ratings.csv", LB_RATINGS + f"{EDGE},Amélie,2001,https://boxd.it/1,4\n",
     f"ratings.csv line 2: Date '{EDGE}' is {SPAN}"),
    ("diary.csv", LB_DIARY + f"2024-01-01,Amélie,2001,https://boxd.it/e1,4,,,{EDGE}\n",
     f"diary.csv line 2: Watched Date '{EDGE}' is {SPAN}"),
    ("watchlist.csv", "Date,Name,Year,Letterboxd URI\n2024-01-01,Am\x00lie,2001,https://boxd.it/1\n",
     "watchlist.csv line 2: Name holds a NUL character"),
])
def test_letterboxd_hostile_values(tmp_path: Path, member: str, text: str, message: str) -> None:
    path = tmp_path / "letterboxd-fan-2024-07-01-10-00-utc.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, text)
    with pytest.raises(BadInput) as exc:
        parse_letterboxd(path, LIMITS)
    one_line(exc, path, message)


# -- Trakt JSON -----------------------------------------------------------------------------------
WATCHED = {"id": 1, "watched_at": "2024-03-01T20:00:00.000Z", "action": "watch", "type": "movie",
           "movie": {"title": "Amélie", "year": 2001, "ids": {"trakt": 1, "imdb": "tt0211915", "tmdb": 194}}}
EPISODE = {"id": 2, "watched_at": "2024-03-02T20:00:00.000Z", "action": "watch", "type": "episode",
           "episode": {"season": 1, "number": 1}, "show": {"title": "Bosch", "year": 2014, "ids": {"trakt": 3}}}
RATED = {"rated_at": "2024-03-01T20:00:00.000Z", "rating": 8, "type": "movie",
         "movie": {"title": "Amélie", "year": 2001, "ids": {"trakt": 1}}}


def changed(item: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    out = copy.deepcopy(item)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@pytest.mark.parametrize(("item", "message"), [
    (changed(WATCHED, ("watched_at",), EDGE), f"item 1: watched_at '{EDGE}' is {SPAN}"),
    (changed(WATCHED, ("watched_at",), ["2024-03-01"]), "item 1: watched_at ['2024-03-01'] is not a date"),
    (changed(WATCHED, ("watched_at",), 1709323200), "item 1: watched_at 1709323200 is not a date"),
    (changed(WATCHED, ("type",), ["movie"]), "item 1: neither a movie nor a show"),
    (changed(WATCHED, ("type",), {"movie": 1}), "item 1: neither a movie nor a show"),
    (changed(WATCHED, ("movie", "title"), ["Amélie"]), "item 1: title ['Amélie'] is not text"),
    (changed(WATCHED, ("movie", "title"), "Am\x00lie"), "item 1: title holds a NUL character"),
    (changed(WATCHED, ("movie", "year"), True), "item 1: year True is not a whole number"),
    (changed(WATCHED, ("movie", "year"), [2001]), "item 1: year [2001] is not a whole number"),
    (changed(WATCHED, ("movie", "year"), 10**30), "item 1: year '1000000000000000000000000000000' is outside"),
    (changed(WATCHED, ("movie", "year"), -5000), "item 1: year -5000 is outside 1870..2100"),
    (changed(WATCHED, ("movie", "ids", "imdb"), {"id": "tt0211915"}),
     "item 1: ids.imdb {'id': 'tt0211915'} is neither text nor a number"),
    (changed(WATCHED, ("movie", "ids", "trakt"), [1]), "item 1: ids.trakt [1] is neither text nor a number"),
    (changed(WATCHED, ("id",), {"id": 1}), "item 1: id {'id': 1} is neither text nor a number"),
    (changed(EPISODE, ("episode",), "S01E01"), "item 1: 'episode' is not an object"),
    (changed(EPISODE, ("episode", "season"), [1]), "item 1: episode.season [1] is not a whole number"),
    (changed(RATED, ("rating",), [8]), "item 1: rating [8] is not a number"),
    (changed(RATED, ("rated_at",), {"at": "2024"}), "item 1: rated_at {'at': '2024'} is not a date"),
    (changed(RATED, ("rating",), None), "item 1: no rating in a rated item"),
])
def test_trakt_fields_of_the_wrong_type(tmp_path: Path, item: dict[str, Any], message: str) -> None:
    path = tmp_path / ("ratings_movies.json" if "rated_at" in item else "history.json")
    path.write_text(json.dumps([item]), encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        parse_trakt(path, LIMITS)
    one_line(exc, path, message)


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 200_000 + "]" * 200_000, "not valid JSON (nested too deep to read)"),
    ('[{"watched_at": "2024-03-01", "type": "movie", "movie": {"year": ' + "1" * 5000 + "}}]",
     "not valid JSON (a number of thousands of digits)"),
])
def test_trakt_json_python_cannot_hold(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "history.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        parse_trakt(path, LIMITS)
    one_line(exc, path, message)


# -- Netflix TSV ----------------------------------------------------------------------------------
NETFLIX_HEADER = ["week", "category", "weekly_rank", "show_title", "season_title", "weekly_hours_viewed", "runtime",
                  "weekly_views", "cumulative_weeks_in_top_10"]
NETFLIX_ROW = {"week": "2025-07-13", "category": "TV (English)", "weekly_rank": "1", "show_title": "Ballard",
               "season_title": "Ballard: Season 1", "weekly_hours_viewed": "40000000", "runtime": "7.5",
               "weekly_views": "5300000", "cumulative_weeks_in_top_10": "1"}


def netflix_file(tmp_path: Path, header: list[str] = NETFLIX_HEADER, **change: str) -> Path:
    row = NETFLIX_ROW | change
    path = tmp_path / "all-weeks-global.tsv"
    path.write_text("\t".join(header) + "\n" + "\t".join(row.get(h, "") for h in header) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("field", "value", "message"), [
    ("cumulative_weeks_in_top_10", str(2**40), ":2: cumulative_weeks_in_top_10 1099511627776 is outside 1..2147483647"),
    ("cumulative_weeks_in_top_10", "0", ":2: cumulative_weeks_in_top_10 0 is outside 1..2147483647"),
    ("week", "0001-01-07", ":2: week 0001-01-07 is outside 1900-01-01..2100-12-31"),
    ("week", "20250713", ":2: week '20250713' is not a date (YYYY-MM-DD)"),
    ("weekly_hours_viewed", "nan", ":2: weekly_hours_viewed 'nan' is not a finite number"),
    ("weekly_hours_viewed", "inf", ":2: weekly_hours_viewed 'inf' is not a finite number"),
    ("weekly_views", "1e400", ":2: weekly_views '1e400' is not a finite number"),
    ("weekly_views", "-5", ":2: weekly_views '-5' is negative"),
    ("runtime", "-inf", ":2: runtime '-inf' is not a finite number"),
    ("weekly_rank", "1_0", ":2: weekly_rank '1_0' is not a whole number"),
    ("show_title", "Bal\x00lard", ":2: show_title holds a NUL character"),
])
def test_netflix_hostile_values(tmp_path: Path, field: str, value: str, message: str) -> None:
    path = netflix_file(tmp_path, **{field: value})
    with pytest.raises(BadInput) as exc:
        parse_file(path)
    one_line(exc, path, message)
    assert "None" not in str(exc.value)


def test_netflix_two_columns_of_one_name_and_unknown_country(tmp_path: Path) -> None:
    twice = netflix_file(tmp_path, header=[*NETFLIX_HEADER, "week"])
    with pytest.raises(BadInput) as exc:
        parse_file(twice)
    one_line(exc, twice, ":1: two columns named 'week'")
    countries = tmp_path / "all-weeks-countries.tsv"
    countries.write_text("country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\t"
                         "cumulative_weeks_in_top_10\nNowhere\tXX\t2025-07-06\tTV\t1\tBallard\tBallard: Season 1\t1\n")
    with pytest.raises(BadInput) as exc:
        parse_file(countries)
    one_line(exc, countries, ":2: country_iso2 'XX' is not a country's two-letter code")


# -- chart CSV ------------------------------------------------------------------------------------
CHART = "date,platform,country,rank,title\n2025-07-14,Max,US,1,Ballard\n"


@pytest.mark.parametrize(("text", "message"), [
    (CHART + "2025-07-14,Max,US,2," + "A" * 10_000_000 + "\n",
     ":3: a field longer than 131,072 characters"),
    (CHART + "2025-07-14,Max,US,2,Night\x00Train\n", ":3: title holds a NUL character"),
    (CHART + "2025-07-14,Max,US,2," + "A" * 5000 + "\n", ":3: title is 5,000 characters long, more than 1,000"),
    ("date,platform,country,rank,title,title\n2025-07-14,Max,US,1,Ballard,Bosch\n",
     ":1: two columns named 'title' (title): which one is meant?"),
    (CHART + "2025-07-14,Max,US,1.5,Night Train\n", ":3: rank '1.5' is not a whole number from 1 to 10"),
    (CHART + "2025-07-14,Max,US,²,Night Train\n", ":3: rank '²' is not a whole number from 1 to 10"),
    (CHART + "2025-07-14,Max,US,,Night Train\n", ":3: rank is empty"),
    ("week,platform,country,rank,title\n2025-W52,Max,US,1,Ballard\n2025-W53,Max,US,1,Ballard\n",
     ":3: week '2025-W53' does not exist: 2025 has 52 ISO weeks"),
    ("week,platform,country,rank,title\n0001-01-01,Max,US,1,Ballard\n",
     ":2: week '0001-01-01' is outside 1900-01-01..2100-12-31"),
    ("week,platform,country,rank,title\n0001-W01,Max,US,1,Ballard\n", ":2: week '0001-W01' is outside 1900..2100"),
    (CHART + "2025-07-14,Max,XX,2,Night Train\n", ":3: country 'XX' is not a country"),
    (CHART + "0001-01-01,Max,US,2,Night Train\n", ":3: date '0001-01-01' is outside 1900-01-01..2100-12-31"),
    (CHART + "2025-7-14,Max,US,2,Night Train\n", ":3: date '2025-7-14' is not a date (YYYY-MM-DD)"),
    (CHART + "2025-07-14,Max,US,2\n", ":3: 4 fields where the header has 5"),
    (CHART + "2025-07-14,Max,US,2,Night Train,extra\n", ":3: 6 fields where the header has 5"),
    (CHART + '2025-07-14,Max,US,2,"Night Train\n', ":3: unexpected end of data"),
    ("date,platform,country,rank,title,points\n2025-07-14,Max,US,1,Ballard,99999999999\n",
     ":2: points '99999999999' is not a whole number from 0 to 2,147,483,647"),
    ("date,platform,country,rank,title,year\n2025-07-14,Max,US,1,Ballard,1e30\n",
     ":2: year '1e30' is not a year from 1870 to 2100"),
])
def test_chart_csv_hostile_rows(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "chart.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        read_chart_csv(path)
    one_line(exc, path, message)
    assert "Binder Error" not in str(exc.value) and "None" not in str(exc.value)


def test_chart_csv_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "chart.csv"
    path.write_bytes(CHART.encode() + "2025-07-14,Max,US,2,Amélie\n".encode("latin-1"))
    with pytest.raises(BadInput) as exc:
        read_chart_csv(path)
    one_line(exc, path, ":3: not UTF-8 text (byte 0xe9)")


def test_chart_csv_first_bad_row_is_named_whatever_the_size(tmp_path: Path) -> None:
    path = tmp_path / "chart.csv"
    good = "".join(f"2025-07-{1 + i % 28:02d},Max,US,{1 + i % 10},Title {i}\n" for i in range(200_000))
    path.write_text("date,platform,country,rank,title\n" + good + "2025-07-14,Max,XX,1,A\n" + good
                    + "2025-07-14,Max,US,11,B\n", encoding="utf-8")
    with pytest.raises(BadInput) as exc:
        read_chart_csv(path)
    one_line(exc, path, ":200002: country 'XX' is not a country")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_chart_csv_any_line_ending_reads_and_names_lines(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "chart.csv"
    lines = ["date;platform;country;rank;title", "2025-07-14;Max;US;1;Ballard", "2025-07-14;Max;US;2;Bosch"]
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    assert read_chart_csv(path).rows.num_rows == 2
    path.write_bytes(newline.join([*lines, "2025-07-14;Max;US;12;Bosch"]).encode())
    with pytest.raises(BadInput) as exc:
        read_chart_csv(path)
    one_line(exc, path, ":4: rank '12' is not a whole number")


def test_chart_csv_names_win_over_aliases_and_uk_is_gb(tmp_path: Path) -> None:
    path = tmp_path / "chart.csv"
    path.write_text("name,date,platform,country,rank,title\nwrong,2025-07-14,Max,UK,1,Ballard\n", encoding="utf-8")
    rows = read_chart_csv(path).rows.to_pylist()
    assert [(r["raw_title"], r["country"]) for r in rows] == [("Ballard", "GB")]


# -- a bad file loses nothing, and the CLI says one line ----------------------------------------
@pytest.fixture
def user_settings(tmp_path: Path, demo_con: duckdb.DuckDBPyConnection) -> Settings:
    settings = load_settings(data_dir=tmp_path / "data")
    import_export(settings, "imdb", Path(__file__).parent / "data" / "imports" / "imdb_watchlist.csv", demo_con)
    return settings


def test_a_hostile_export_leaves_the_store_as_it_was(user_settings: Settings, demo_con: duckdb.DuckDBPyConnection,
                                                     tmp_path: Path) -> None:
    def state() -> tuple[object, ...]:
        with UserStore(user_settings.users_path) as store:
            return tuple(store.interactions()), tuple((v.id, v.match) for v in store.items())

    before = state()
    good = IMDB_HEADER + "tt0211915,8,2024-03-01,Amélie,u,Movie,8.3,122,2001,Comedy,1,2001-04-25,J\n"
    imdb = tmp_path / "ratings.csv"
    imdb.write_text(good + "tt0120737,9,2024-03-02,LOTR,u,Movie,8.9,178,inf,Fantasy,1,2001-12-19,P\n")
    trakt = tmp_path / "history.json"
    trakt.write_text(json.dumps([WATCHED, changed(WATCHED, ("watched_at",), EDGE)]))
    for source, path in (("imdb", imdb), ("trakt", trakt)):
        with pytest.raises(BadInput):
            import_export(user_settings, source, path, demo_con)
        assert state() == before  # the good first row was not kept either


def cli(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), *args])


def test_cli_refuses_a_chart_dated_year_one_and_charts_still_work(own_demo: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "old.csv"
    bad.write_text("date,platform,country,rank,title\n0001-01-01,Max,US,1,Ballard\n")
    staged = own_demo.staged_dir / "chart_entry"
    before = sorted(staged.glob("*.parquet")) if staged.is_dir() else []
    result = cli(own_demo, "import", "chart", str(bad))
    assert result.exit_code == 2, result.output
    said = f"reelradar: {bad}:2: date '0001-01-01' is outside 1900-01-01..2100-12-31; nothing was imported"
    assert result.stderr.strip().splitlines() == [said + " from this file"]
    assert (sorted(staged.glob("*.parquet")) if staged.is_dir() else []) == before
    con = open_catalog(own_demo.catalog_path)
    try:
        assert con.execute("SELECT count(*) FROM chart_entry WHERE period_start < DATE '1900-01-01'").fetchone() == (0,)
    finally:
        con.close()
    assert cli(own_demo, "charts").exit_code == 0


@pytest.mark.parametrize(("command", "name", "text", "message"), [
    (("import", "imdb"), "ratings.csv", IMDB_HEADER + "tt0211915,8,2024-03-01,A,u,Movie,8.3,122,inf,C,1,2001,J\n",
     "line 2: Year 'inf' is not a whole number"),
    (("import", "trakt"), "history.json", "[" * 200_000, "not valid JSON"),
    (("update", "netflix", "--from"), "all-weeks-global.tsv",
     "\t".join(NETFLIX_HEADER) + "\n2025-07-13\tTV (English)\t1\tBallard\tN/A\tnan\t7.5\t1\t1\n",
     ":2: weekly_hours_viewed 'nan' is not a finite number"),
])
def test_cli_prints_one_line_and_exits_2(own_demo: Settings, tmp_path: Path, command: tuple[str, ...], name: str,
                                         text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli(own_demo, *command, str(path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"reelradar: {path}") and message in lines[0], lines


def test_a_chart_row_of_year_one_staged_before_dates_were_checked_is_left_out(own_demo) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa

    from reelradar.catalog.charts_store import CHART_SCHEMA
    from reelradar.catalog.ensure import build_demo
    from reelradar.sources.staged import stage

    good = {"source": "csv", "platform": "Max", "country": "US", "rank": 1, "raw_title": "Ballard", "points": 10,
            "entry_key": "csv:ballard", "import_name": "old"}
    rows = [{**good, "period_start": date(2025, 7, 14), "period_end": date(2025, 7, 14)},
            {**good, "raw_title": "Old", "entry_key": "csv:old", "period_start": date(1, 1, 1),
             "period_end": date(1, 1, 1)}]
    table = pa.Table.from_pylist([{n: r.get(n) for n in CHART_SCHEMA.names} for r in rows], CHART_SCHEMA)
    stage(own_demo.staged_dir, "chart_entry", "old", table)
    build_demo(own_demo)
    result = CliRunner().invoke(app, ["--data-dir", str(own_demo.data_dir), "charts", "--platform", "Max"])
    assert result.exit_code == 0, result.output
    assert "Ballard" in result.stdout and "Old" not in result.stdout
