"""Chart CSVs (FlixPatrol style): fields, mapping, ties, duplicates, weeks and bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reelradar.errors import BadInput
from reelradar.sources.charts_csv import read_chart_csv

DATA = Path(__file__).parent / "data" / "charts"


def test_daily_chart_rows_ties_duplicates_and_world() -> None:
    parsed = read_chart_csv(DATA / "prime.csv")
    rows = parsed.rows.to_pylist()
    assert parsed.duplicates == 1  # "Nobody Knows This Film" twice in one chart and day: kept once
    assert len(rows) == 9
    assert {r["platform"] for r in rows} == {"Prime Video"}
    day1 = sorted((r["rank"], r["raw_title"]) for r in rows if r["period_start"] == date(2025, 7, 14))
    assert day1 == [(1, "Ballard"), (2, "Night Train"), (2, "Old Friend"), (4, "Nobody Knows This Film")]  # tie, no #3
    world = [r for r in rows if r["country"] == "world"]
    assert len(world) == 1 and world[0]["points"] == 10
    ballard = next(r for r in rows if r["raw_title"] == "Ballard")
    assert ballard["title_year"] == 2025 and ballard["title_kind"] == "series"
    assert ballard["period_start"] == ballard["period_end"]
    assert {r["points"] for r in rows if r["rank"] == 2} == {9}
    assert parsed.import_name == "chart-several-prime"


def test_platform_and_country_for_the_whole_file_and_column_mapping() -> None:
    parsed = read_chart_csv(DATA / "mapped.csv", platform="Max", columns={"country": "Region"})
    rows = parsed.rows.to_pylist()
    assert sorted((r["rank"], r["raw_title"], r["country"], r["platform"]) for r in rows) == [
        (1, "Ballard", "US", "Max"), (2, "Old Friend", "US", "Max")]
    assert parsed.import_name == "chart-max-mapped"


def test_iso_weeks_run_monday_to_sunday() -> None:
    rows = read_chart_csv(DATA / "weekly.csv", platform="Disney+").rows.to_pylist()
    w28 = next(r for r in rows if r["raw_title"] == "Ballard")
    assert (w28["period_start"], w28["period_end"]) == (date(2025, 7, 7), date(2025, 7, 13))
    assert {r["period_start"].weekday() for r in rows} == {0}


def test_rank_eleven_names_file_and_line() -> None:
    with pytest.raises(BadInput, match=r"rank11\.csv:3: rank '11' is not a whole number from 1 to 10"):
        read_chart_csv(DATA / "rank11.csv", platform="Max")


def test_wrong_header_says_what_is_missing() -> None:
    with pytest.raises(BadInput, match=r"wrong-header\.csv:1: wrong header: no platform \(or --platform\)"):
        read_chart_csv(DATA / "wrong-header.csv")
    # 'day', 'position' and 'name' are known aliases; with a platform the same file reads
    rows = read_chart_csv(DATA / "wrong-header.csv", platform="Max", columns={"country": "where"}).rows
    assert rows.num_rows == 1


def test_missing_rank_column_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("date,title\n2025-07-14,Ballard\n")
    with pytest.raises(BadInput, match=r"c\.csv:1: wrong header: no rank column"):
        read_chart_csv(f, platform="Max")


def test_bad_date_names_the_line() -> None:
    with pytest.raises(BadInput, match=r"bad-date\.csv:3: date '2025-07-32' is not a date"):
        read_chart_csv(DATA / "bad-date.csv", platform="Max")


def test_bad_country_and_unknown_mapping(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("date,country,rank,title\n2025-07-14,US,1,A\n2025-07-14,Atlantis,2,B\n")
    with pytest.raises(BadInput, match=r"c\.csv:3: country 'Atlantis' is not a country \(a name, a two- or"):
        read_chart_csv(f, platform="Max")
    with pytest.raises(BadInput, match="--country 'Atlantis' is not a country"):
        read_chart_csv(f, platform="Max", country="Atlantis")
    with pytest.raises(BadInput, match="unknown chart field 'position'"):
        read_chart_csv(f, platform="Max", columns={"position": "rank"})
    with pytest.raises(BadInput, match="no column 'Pos' for rank"):
        read_chart_csv(f, platform="Max", columns={"rank": "Pos"})


def test_countries_by_name_or_three_letter_code(tmp_path: Path) -> None:
    # FlixPatrol's exports name countries; ISO's names, common names and everyday ones all work
    f = tmp_path / "named.csv"
    f.write_text("date,country,rank,title\n"
                 "2025-07-14,United States,1,A\n2025-07-14,South Korea,1,B\n2025-07-14,Russia,1,C\n"
                 "2025-07-14,Türkiye,1,D\n2025-07-14,Turkey,2,E\n2025-07-14,DEU,1,F\n2025-07-14,fr,1,G\n"
                 "2025-07-14,Worldwide,1,H\n2025-07-14,Côte d'Ivoire,1,I\n2025-07-14,Ivory Coast,2,J\n")
    rows = read_chart_csv(f, platform="Netflix").rows.to_pylist()
    assert {r["raw_title"]: r["country"] for r in rows} == {
        "A": "US", "B": "KR", "C": "RU", "D": "TR", "E": "TR", "F": "DE", "G": "FR", "H": "world", "I": "CI",
        "J": "CI"}
    assert read_chart_csv(f, platform="Netflix", country="United Kingdom").rows.column("country").to_pylist() == \
        ["GB"] * 10
