"""Generated files for every reader (IMDb CSV, Letterboxd ZIP, Trakt JSON, Netflix TSV, chart CSV): each
either returns rows the catalog and the user store can hold, or raises BadInput with one line, never
another exception. Bounded to a few seconds per reader so that it runs with the suite."""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelradar.errors import BadInput
from reelradar.sources.charts_csv import read_chart_csv
from reelradar.sources.netflix import parse_file
from reelradar.users.formats import ImportRow, parse_imdb, parse_letterboxd, parse_trakt
from reelradar.users.readers import Limits
from reelradar.validate import DATE_FIRST, DATE_LAST, YEAR_FIRST, YEAR_LAST

T = TypeVar("T")
LIMITS = Limits(max_bytes=1024 * 1024, max_total=1024 * 1024, max_rows=1000)
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values that broke readers before, mixed with anything Hypothesis makes up.
HOSTILE = ["", " ", "inf", "-inf", "nan", "1e30", "1e400", "-5000", "0", "-1", "9" * 30, "1_0", "²", "1.5", "2001.0",
           "0001-01-01", "0001-01-07", "9999-12-31", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
           "2025-W53", "2025-W00", "0001-W01", "\x00", "A\x00B", '"', "'", "N/A", "XX", "US", "world", "\t", "\n", ",",
           "tt0211915", "tt", "2001", "2024-03-01", "2025-07-13", "2025-07-14", "1", "10", "11", "Movie", "TV"]
field = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12), st.integers().map(str), st.floats().map(str))


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def mutated(good: list[str]) -> st.SearchStrategy[list[str]]:
    """A good row with one to three of its fields replaced by generated values (a row of random fields
    would be refused at its first field, and never reach the others)."""
    changes = st.lists(st.tuples(st.integers(0, len(good) - 1), field), min_size=1, max_size=3)

    def apply(pairs: list[tuple[int, str]]) -> list[str]:
        row = list(good)
        for i, value in pairs:
            row[i] = value
        return row

    return changes.map(apply)


def rows_of(good: list[str]) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.one_of(st.just(good), mutated(good)), min_size=1, max_size=4)


def a_file(header: list[str], rows: st.SearchStrategy[list[list[str]]], delimiter: str = ",") -> st.SearchStrategy[bytes]:
    """Well-formed files of generated values, or the header followed by any bytes."""
    return st.one_of(rows.map(lambda r: csv_text(header, r, delimiter).encode("utf-8", "surrogatepass")),
                     st.binary(max_size=200).map(lambda b: (delimiter.join(header) + "\n").encode() + b))


def refused_or(call: Callable[[], T]) -> T | None:
    """What the reader returns, or None when it refused the input with one BadInput line."""
    try:
        return call()
    except BadInput as exc:
        assert "\n" not in str(exc)
        return None


def holdable(rows: list[ImportRow]) -> None:
    for r in rows:
        assert r.record.year is None or YEAR_FIRST <= r.record.year <= YEAR_LAST
        assert r.at is None or (isinstance(r.at, datetime) and DATE_FIRST <= r.at.date() <= DATE_LAST)
        assert r.rating is None or math.isfinite(r.rating)
        assert r.record.title is None or "\x00" not in r.record.title


def holdable_chart(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        assert isinstance(r["period_start"], date) and DATE_FIRST <= r["period_start"] <= DATE_LAST
        assert r["rank"] is None or 1 <= r["rank"] <= 10
        assert all(r[k] is None or math.isfinite(r[k]) for k in ("hours", "views", "runtime_hours"))
        assert "\x00" not in r["raw_title"]


IMDB_HEADER = ["Const", "Your Rating", "Date Rated", "Title", "URL", "Title Type", "IMDb Rating", "Runtime (mins)",
               "Year", "Genres", "Num Votes", "Release Date", "Directors"]

IMDB_ROW = ["tt0211915", "8", "2024-03-01", "Amélie", "https://www.imdb.com/title/tt0211915/", "Movie", "8.3", "122",
            "2001", "Comedy, Romance", "780000", "2001-04-25", "Jean-Pierre Jeunet"]


@FUZZ
@given(data=a_file(IMDB_HEADER, rows_of(IMDB_ROW)))
def test_imdb_csv(work: Path, data: bytes) -> None:
    path = work / "ratings.csv"
    path.write_bytes(data)
    rows = refused_or(lambda: parse_imdb(path, LIMITS))
    if rows is not None:
        holdable(rows)


LB_FILES = {"ratings.csv": (["Date", "Name", "Year", "Letterboxd URI", "Rating"],
                            ["2024-01-01", "Amélie", "2001", "https://boxd.it/1", "4"]),
            "diary.csv": (["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"],
                          ["2024-01-01", "Amélie", "2001", "https://boxd.it/e1", "4", "Yes", "", "2023-12-31"]),
            "watched.csv": (["Date", "Name", "Year", "Letterboxd URI"],
                            ["2024-01-01", "Amélie", "2001", "https://boxd.it/1"]),
            "watchlist.csv": (["Date", "Name", "Year", "Letterboxd URI"],
                              ["2024-01-01", "Amélie", "2001", "https://boxd.it/1"])}
lb_member = st.sampled_from(sorted(LB_FILES)).flatmap(
    lambda name: st.tuples(st.just(name), a_file(LB_FILES[name][0], rows_of(LB_FILES[name][1]))))


@FUZZ
@given(members=st.lists(lb_member, min_size=1, max_size=3, unique_by=lambda m: m[0]), raw=st.none() | st.binary())
def test_letterboxd_zip(work: Path, members: list[tuple[str, bytes]], raw: bytes | None) -> None:
    path = work / "letterboxd-fan-2024-07-01-10-00-utc.zip"
    if raw is not None:
        path.write_bytes(raw)  # not a ZIP at all
    else:
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members:
                zf.writestr(name, data)
    rows = refused_or(lambda: parse_letterboxd(path, LIMITS))
    if rows is not None:
        holdable(rows)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(HOSTILE) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


def maybe(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, json_value)


media = st.fixed_dictionaries({}, optional={
    "title": maybe(st.text(max_size=10)), "year": maybe(st.integers(1800, 2200)),
    "ids": maybe(st.fixed_dictionaries({}, optional={"trakt": maybe(st.integers()), "imdb": maybe(st.just("tt1")),
                                                     "tmdb": json_value, "slug": json_value}))})
moment = maybe(st.sampled_from(["2024-03-01T20:00:00.000Z", "2024-03-01", *HOSTILE]))
item = st.fixed_dictionaries({}, optional={
    "id": json_value, "watched_at": moment, "rated_at": moment, "listed_at": moment, "last_watched_at": moment,
    "plays": json_value, "rating": maybe(st.integers(0, 11)), "type": maybe(st.sampled_from(["movie", "show",
                                                                                            "episode", "season"])),
    "movie": maybe(media), "show": maybe(media), "episode": maybe(st.fixed_dictionaries(
        {}, optional={"season": json_value, "number": json_value}))})


@FUZZ
@given(name=st.sampled_from(["history.json", "ratings_movies.json", "watchlist.json", "watched_movies.json"]),
       items=st.lists(item | json_value, max_size=4), raw=st.none() | st.binary(max_size=100))
def test_trakt_json(work: Path, name: str, items: list[Any], raw: bytes | None) -> None:
    path = work / name
    path.write_bytes(raw if raw is not None else json.dumps(items).encode())
    rows = refused_or(lambda: parse_trakt(path, LIMITS))
    if rows is not None:
        holdable(rows)


NETFLIX_FILES = [
    (["week", "category", "weekly_rank", "show_title", "season_title", "weekly_hours_viewed", "runtime",
      "weekly_views", "cumulative_weeks_in_top_10"],
     ["2025-07-13", "TV (English)", "1", "Ballard", "Ballard: Season 1", "40000000", "7.5", "5300000", "1"]),
    (["country_name", "country_iso2", "week", "category", "weekly_rank", "show_title", "season_title",
      "cumulative_weeks_in_top_10"],
     ["Germany", "DE", "2025-07-06", "TV", "1", "Bosch: Legacy", "Bosch: Legacy: Season 3", "1"]),
    (["category", "rank", "show_title", "season_title", "hours_viewed_first_91_days", "runtime",
      "views_first_91_days"],
     ["Films (English)", "1", "Red Notice", "N/A", "364000000", "1.9", "230900000"]),
]


def netflix_file(header: list[str], good: list[str]) -> st.SearchStrategy[bytes]:
    """Tab-separated rows (Netflix quotes nothing); a generated field may hold a tab or a line break."""
    text = rows_of(good).map(lambda rows: "".join("\t".join(r) + "\n" for r in [header, *rows]))
    return st.one_of(text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.binary(max_size=200).map(lambda b: ("\t".join(header) + "\n").encode() + b))


@FUZZ
@given(data=st.sampled_from(NETFLIX_FILES).flatmap(lambda f: netflix_file(*f)))
def test_netflix_tsv(work: Path, data: bytes) -> None:
    path = work / "all-weeks.tsv"
    path.write_bytes(data)
    parsed = refused_or(lambda: parse_file(path))
    if parsed is not None:
        holdable_chart(parsed.rows.to_pylist())


CHART_FILES = [(["date", "platform", "country", "rank", "title", "year", "kind", "points"],
                ["2025-07-14", "Max", "US", "1", "Ballard", "2025", "series", "10"]),
               (["week", "platform", "country", "rank", "title", "imdb_id"],
                ["2025-W28", "Disney+", "United States", "2", "Old Friend", "tt0211915"])]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.sampled_from(CHART_FILES).flatmap(lambda f: a_file(f[0], rows_of(f[1]))))
def test_chart_csv(work: Path, data: bytes) -> None:
    path = work / "chart.csv"
    path.write_bytes(data)
    parsed = refused_or(lambda: read_chart_csv(path))
    if parsed is not None:
        holdable_chart(parsed.rows.to_pylist())
