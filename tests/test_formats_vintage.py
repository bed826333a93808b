"""Older vintages of the files people have: Netflix's 28-day most-popular list, the 2021 per-country
categories, chart CSVs with kinds the reader does not know, and what an IMDb build leaves out.

Every file is written here by hand, in the real format, with made-up figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelradar.catalog.db import open_catalog
from reelradar.catalog.imdb_load import ImdbOptions, update_imdb
from reelradar.cli import app
from reelradar.cli.charts import _mapping
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.sources.charts_csv import read_chart_csv
from reelradar.sources.netflix import parse_file

IMDB_DATA = Path(__file__).parent / "data" / "imdb"
FETCHED = datetime(2021, 11, 30, tzinfo=UTC)


def tsv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- Netflix most-popular, first 28 days ------------------------------------------------------------

def popular_28(tmp_path: Path) -> Path:
    return tsv(tmp_path / "most-popular.tsv",
               "category\trank\tshow_title\tseason_title\thours_viewed_first_28_days",
               "Films (English)\t1\tThe Long Harbour\tN/A\t231340000",
               "Films (English)\t2\tQuiet Orchard\tN/A\t205000000",
               "TV (English)\t1\tCity of Lanterns\tCity of Lanterns: Season 1\t625490000")


def test_older_most_popular_file_loads_hours_and_leaves_views_unknown(tmp_path: Path) -> None:
    parsed = parse_file(popular_28(tmp_path), fetched_at=FETCHED)
    rows = {r["raw_title"]: r for r in parsed.rows.to_pylist()}
    assert parsed.kind == "popular" and len(rows) == 3
    assert rows["The Long Harbour"]["hours"] == 231_340_000 and rows["The Long Harbour"]["views"] is None
    assert rows["City of Lanterns"]["rank"] == 1 and rows["City of Lanterns"]["title_kind"] == "series"
    # its own list: 28 days of hours is not the 91-day list of views
    assert rows["Quiet Orchard"]["category"] == "Films (English) (most popular, first 28 days)"
    assert "first 28 days" in parsed.vintage and "views unknown" in parsed.vintage


def test_current_most_popular_file_says_its_vintage(tmp_path: Path) -> None:
    path = tsv(tmp_path / "most-popular.tsv",
               "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days",
               "Films (English)\t1\tThe Long Harbour\tN/A\t500000000\t2.0000\t250000000")
    parsed = parse_file(path, fetched_at=FETCHED)
    row = parsed.rows.to_pylist()[0]
    assert (row["views"], row["category"]) == (250_000_000, "Films (English) (most popular, first 91 days)")
    assert "first 91 days: hours and views" in parsed.vintage


def test_most_popular_file_without_any_hours_column_is_still_refused(tmp_path: Path) -> None:
    path = tsv(tmp_path / "most-popular.tsv", "category\trank\tshow_title\tseason_title\thours_viewed",
               "Films (English)\t1\tThe Long Harbour\tN/A\t1")
    with pytest.raises(BadInput, match="header lacks"):
        parse_file(path, fetched_at=FETCHED)


# -- Netflix per-country, 2021 categories ---------------------------------------------------------

COUNTRY_HEADER = ("country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\t"
                  "cumulative_weeks_in_top_10")


def test_2021_per_country_categories_read_as_later_ones(tmp_path: Path) -> None:
    path = tsv(tmp_path / "all-weeks-countries.tsv", COUNTRY_HEADER,
               "South Korea\tKR\t2021-10-03\tTV (English)\t1\tRed Light Game\tRed Light Game: Season 1\t2",
               "South Korea\tKR\t2021-10-03\tFilms (English)\t1\tThe Long Harbour\tN/A\t1",
               "South Korea\tKR\t2022-10-02\tTV\t1\tRed Light Game\tRed Light Game: Season 1\t3")
    parsed = parse_file(path, fetched_at=FETCHED)
    rows = parsed.rows.to_pylist()
    assert sorted({r["category"] for r in rows}) == ["Films", "TV"]  # one chart per kind across the years
    assert {r["title_kind"] for r in rows if r["category"] == "Films"} == {"movie"}
    assert {r["title_kind"] for r in rows if r["category"] == "TV"} == {"series"}
    assert len({r["entry_key"] for r in rows if r["category"] == "TV"}) == 1  # one series, one entry
    assert "2021" in parsed.vintage


def test_per_country_file_split_by_language_keeps_its_categories(tmp_path: Path) -> None:
    path = tsv(tmp_path / "all-weeks-countries.tsv", COUNTRY_HEADER,
               "Spain\tES\t2021-10-03\tFilms (English)\t1\tThe Long Harbour\tN/A\t1",
               "Spain\tES\t2021-10-03\tFilms (Non-English)\t1\tEl Faro\tN/A\t1")
    rows = parse_file(path, fetched_at=FETCHED).rows.to_pylist()
    assert sorted(r["category"] for r in rows) == ["Films (English)", "Films (Non-English)"]


# -- chart CSVs: kinds the reader does not know -----------------------------------------------------

def daily_chart(tmp_path: Path) -> Path:
    lines = ["Date,Rank,Title,Type,Country"]
    kinds = ["Movie", "TV Show", "Stand-Up Comedy", "Movie", "Concert/Performance", "TV Show", "Stand-Up Comedy"]
    for day in (1, 2):
        for rank, kind in enumerate(kinds, 1):
            lines.append(f"2024-03-0{day},{rank},Title {rank},{kind},US")
    return tsv(tmp_path / "netflix-daily.csv", *lines)


def test_unknown_kinds_are_kept_with_kind_unknown_and_counted(tmp_path: Path) -> None:
    parsed = read_chart_csv(daily_chart(tmp_path), platform="Netflix")
    rows = parsed.rows.to_pylist()
    assert len(rows) == 14  # nothing refused
    kinds = {r["raw_title"]: r["title_kind"] for r in rows}
    assert kinds["Title 1"] == "movie" and kinds["Title 2"] == "series" and kinds["Title 3"] is None
    assert parsed.unknown_kinds == {"Stand-Up Comedy": 4, "Concert/Performance": 2}
    said = ("6 rows with a kind not known (Stand-Up Comedy 4, Concert/Performance 2): "
            "kept with kind unknown (known kinds: movie, series, miniseries)")
    assert parsed.notes == [said]


def test_empty_kind_mapping_means_no_kind_column(tmp_path: Path) -> None:
    assert _mapping(["kind="]) == {"kind": ""}
    parsed = read_chart_csv(daily_chart(tmp_path), platform="Netflix", columns=_mapping(["kind="]))
    assert {r["title_kind"] for r in parsed.rows.to_pylist()} == {None}
    assert parsed.notes == []


def test_a_file_of_known_kinds_has_nothing_to_say(tmp_path: Path) -> None:
    path = tsv(tmp_path / "chart.csv", "date,rank,title,kind", "2024-03-01,1,Title 1,film", "2024-03-01,2,Title 2,TV")
    parsed = read_chart_csv(path, platform="Netflix")
    rows = sorted(parsed.rows.to_pylist(), key=lambda r: r["rank"])  # the reader keeps no row order
    assert [r["title_kind"] for r in rows] == ["movie", "series"] and parsed.notes == []


def test_a_mapping_without_a_field_is_still_refused() -> None:
    with pytest.raises(BadInput, match="is not FIELD=NAME"):
        _mapping(["=Type"])


# -- IMDb: rows of titles left out of the build -----------------------------------------------------

def test_ratings_of_titles_left_out_are_not_counted_as_dropped(tmp_path: Path) -> None:
    settings = load_settings(None, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    build = update_imdb(settings, from_dir=IMDB_DATA, options=ImdbOptions(skip_adult=True), progress=False)
    assert build.load.dropped["adult titles"] == 1 and build.load.dropped["video games"] == 1
    assert not [why for why in build.load.dropped if "rating" in why or "alternative" in why or "credit" in why]
    assert build.load.of_titles_left_out["ratings"] >= 1


def test_update_imdb_prints_ratings_of_titles_left_out_apart(tmp_path: Path) -> None:
    from reelradar.cli.app import app

    out = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "update", "imdb", "--from",
                                   str(IMDB_DATA), "--skip-adult"])
    assert out.exit_code == 0, out.output
    assert "left out: 1 adult titles" in out.output
    assert "ratings of titles left out of the build" in out.output
    assert "rating rows of titles left out" not in out.output


def popular_91(tmp_path: Path) -> Path:
    return tsv(tmp_path / "most-popular-91.tsv",
               "category\trank\tshow_title\tseason_title\thours_viewed_first_91_days\truntime\tviews_first_91_days",
               "Films (English)\t1\tThe Long Harbour\tN/A\t500000000\t2.0000\t250000000",
               "TV (English)\t1\tCity of Lanterns\tCity of Lanterns: Season 1\t900000000\t8.0000\t112500000")


def popular_rows(s: Settings) -> dict[str, set[tuple[str, str, int | None, int | None]]]:
    """The catalog's most-popular chart rows, by import: category, title, hours and views."""
    con = open_catalog(s.catalog_path)
    try:
        got = con.execute("SELECT import_name, category, raw_title, hours, views FROM chart_entry "
                          "WHERE category LIKE '%most popular%'").fetchall()
    finally:
        con.close()
    out: dict[str, set[tuple[str, str, int | None, int | None]]] = {}
    for name, *row in got:
        out.setdefault(name, set()).add(tuple(row))  # type: ignore[arg-type]
    return out


def test_both_most_popular_vintages_are_kept_side_by_side(own_demo: Settings, tmp_path: Path) -> None:
    def load(path: Path) -> dict:  # type: ignore[type-arg]
        out = CliRunner().invoke(app, ["--data-dir", str(own_demo.data_dir), "update", "netflix", "--from",
                                       str(path), "--json"])
        assert out.exit_code == 0, out.output
        return json.loads(out.output)

    old, new = popular_28(tmp_path), popular_91(tmp_path)
    assert list(load(old)) == ["netflix-popular-28d"]
    assert list(load(new)) == ["netflix-popular"]
    rows = popular_rows(own_demo)
    assert {r[1] for r in rows["netflix-popular-28d"]} == {"The Long Harbour", "Quiet Orchard", "City of Lanterns"}
    assert all(r[0].endswith("(most popular, first 28 days)") and r[3] is None for r in rows["netflix-popular-28d"])
    assert ("Films (English) (most popular, first 91 days)", "The Long Harbour", 500_000_000, 250_000_000) \
        in rows["netflix-popular"]
    assert len(rows["netflix-popular"]) == 2
    staged = own_demo.staged_dir / "chart_entry"
    assert (staged / "netflix-popular-28d.parquet").is_file() and (staged / "netflix-popular.parquet").is_file()
    # the 28-day file again: the same rows, and the 91-day list untouched
    load(old)
    assert popular_rows(own_demo) == rows
