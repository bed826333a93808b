"""Hot means now: breakouts are kept to the freshest chart data loaded (across every platform), each
answer says the chart day it stands on and how old it is, and breakout reasons never contradict
themselves. Charts are small files in the real Netflix TSV and chart CSV formats, loaded as a person
would (``update netflix --from``, ``import chart``) into a private demo catalog."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reelradar.analytics.hot import age_words, breakout_reason
from reelradar.analytics.picks import hot_picks
from reelradar.api import create_app
from reelradar.cli import app
from reelradar.config import Settings

runner = CliRunner()
GLOBAL_HEADER = ("week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\t"
                 "weekly_views\tcumulative_weeks_in_top_10")
COUNTRIES_HEADER = ("country_name\tcountry_iso2\tweek\tcategory\tweekly_rank\tshow_title\tseason_title\t"
                    "cumulative_weeks_in_top_10")
COUNTRIES = {"DE": "Germany", "FR": "France"}


def run(s: Settings, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["--data-dir", str(s.data_dir), *args])
    assert result.exit_code == 0, result.output
    return result


def global_file(path: Path, weeks: dict[date, list[str]]) -> Path:
    """A Netflix all-weeks-global file: per Sunday, the TV (English) chart as season titles, #1 first."""
    lines = [GLOBAL_HEADER]
    seen: dict[str, int] = {}
    for week, seasons in weeks.items():
        for rank, season in enumerate(seasons, 1):
            seen[season] = seen.get(season, 0) + 1
            lines.append(f"{week}\tTV (English)\t{rank}\t{season.rsplit(': ', 1)[0]}\t{season}\t10000000\t8.0\t"
                         f"1250000\t{seen[season]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def countries_file(path: Path, weeks: dict[date, list[str]]) -> Path:
    """A Netflix all-weeks-countries file: the same TV chart in Germany and France each week."""
    lines = [COUNTRIES_HEADER]
    seen: dict[tuple[str, str], int] = {}
    for week, seasons in weeks.items():
        for iso, name in COUNTRIES.items():
            for rank, season in enumerate(seasons, 1):
                seen[(iso, season)] = seen.get((iso, season), 0) + 1
                lines.append(f"{name}\t{iso}\t{week}\tTV\t{rank}\t{season.rsplit(': ', 1)[0]}\t{season}\t"
                             f"{seen[(iso, season)]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def daily_csv(path: Path, platform: str, last_day: date) -> Path:
    """A daily US chart CSV of 14 days to ``last_day``: Ballard (a demo series) enters at #1 on day 8."""
    lines = ["date,platform,country,rank,title,year,kind"]
    for i in range(14):
        day = last_day - timedelta(days=13 - i)
        if i >= 7:
            lines.append(f"{day},{platform},US,1,Ballard,2025,series")
        lines.append(f"{day},{platform},US,{2 if i >= 7 else 1},Night Train,,movie")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


OLD_COUNTRIES = {date(2022, 11, 13): ["Old Lighthouse: Season 1"],
                 date(2022, 11, 20): ["Winter Orchard: Season 1", "Paper Kites: Season 1", "Old Lighthouse: Season 1"]}


def fresh_global(last: date) -> dict[date, list[str]]:
    """Two weeks to ``last``: Night Signal enters at #1, Steady Ship drops to #2."""
    return {last - timedelta(days=7): ["Steady Ship: Season 1"],
            last: ["Night Signal: Season 1", "Steady Ship: Season 1"]}


def load(s: Settings, tmp_path: Path, global_last: date) -> None:
    """The per-country file ending in 2022 and a global one ending on ``global_last``."""
    run(s, "update", "netflix", "--from", str(countries_file(tmp_path / "all-weeks-countries.tsv", OLD_COUNTRIES)))
    run(s, "update", "netflix", "--from", str(global_file(tmp_path / "all-weeks-global.tsv", fresh_global(global_last))))


def titles(items: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [p["title"] for p in items]


def reading(s: Settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(s.catalog_path), read_only=True)


def last_sunday(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_hot_lists_only_the_freshest_charts_and_says_what_it_left_out(own_demo: Settings, tmp_path: Path) -> None:
    load(own_demo, tmp_path, date(2026, 7, 19))
    con = reading(own_demo)
    try:
        hot = hot_picks(con, own_demo, today=date(2026, 12, 2))
    finally:
        con.close()
    # Winter Orchard and Paper Kites broke out in Germany and France in 2022: not now, so not shown
    assert [p.title for p in hot.items] == ["Night Signal"]
    assert hot.left_out_text() == ("left out: 2 breakouts of charts that end 2022-11-20 (Netflix, per country); "
                                   "newest chart data: 2026-07-19")
    text = run(own_demo, "picks", "--mode", "hot").stdout
    assert "Winter Orchard" not in text and "Night Signal" in text
    assert "left out: 2 breakouts of charts that end 2022-11-20 (Netflix, per country)" in text


def test_every_hot_answer_says_its_date_and_how_old_it_is(own_demo: Settings, tmp_path: Path) -> None:
    load(own_demo, tmp_path, date(2026, 7, 19))
    con = reading(own_demo)
    try:
        old = hot_picks(con, own_demo, today=date(2026, 12, 2))
        recent = hot_picks(con, own_demo, today=date(2026, 7, 28))
    finally:
        con.close()
    assert (old.as_of, old.age_days, old.stale) == (date(2026, 7, 19), 136, True)
    assert old.as_of_text() == "as of 2026-07-19, 4 months ago"
    # nine days is within chart_stale_days (14): the date alone, no age
    assert (recent.age_days, recent.stale, recent.as_of_text()) == (9, False, "as of 2026-07-19")
    assert [age_words(d) for d in (0, 1, 5, 20, 136, 800)] == [
        "today", "yesterday", "5 days ago", "2 weeks ago", "4 months ago", "2 years ago"]


def test_the_age_limit_is_a_setting(own_demo: Settings, tmp_path: Path) -> None:
    load(own_demo, tmp_path, date(2026, 7, 19))
    con = reading(own_demo)
    try:
        lenient = hot_picks(con, own_demo.model_copy(update={"chart_stale_days": 200}), today=date(2026, 12, 2))
    finally:
        con.close()
    assert not lenient.stale and lenient.as_of_text() == "as of 2026-07-19"


def test_json_says_as_of_age_and_stale(own_demo: Settings, tmp_path: Path) -> None:
    week = last_sunday(date.today() - timedelta(days=140))
    load(own_demo, tmp_path, week)
    answer = json.loads(run(own_demo, "picks", "--mode", "hot", "--json").stdout)
    assert answer["as_of"] == week.isoformat()
    assert answer["age_days"] == (date.today() - week).days and answer["stale"] is True
    assert answer["as_of_text"].startswith(f"as of {week}, ") and answer["as_of_text"].endswith("months ago")
    assert titles(answer["items"]) == ["Night Signal"]
    assert answer["left_out"] == [{"platform": "Netflix", "level": "countries", "ends": "2022-11-20", "breakouts": 2,
                                   "text": "2 breakouts of charts that end 2022-11-20 (Netflix, per country)"}]
    with TestClient(create_app(own_demo)) as client:
        api = client.get("/api/v1/picks", params={"mode": "hot"}).json()
    assert (api["as_of"], api["age_days"], api["stale"]) == (week.isoformat(), answer["age_days"], True)
    assert titles(api["items"]) == ["Night Signal"] and api["left_out"][0]["breakouts"] == 2


def breaking_section(html: str) -> str:
    found = re.search(r'<section class="list" id="list-breaking".*?</section>', html, re.DOTALL)
    assert found, "no breaking-out section on the home page"
    return found.group(0)


def test_home_page_says_how_old_the_charts_are_instead_of_right_now(own_demo: Settings, tmp_path: Path) -> None:
    week = last_sunday(date.today() - timedelta(days=140))
    load(own_demo, tmp_path, week)
    with TestClient(create_app(own_demo)) as client:
        section = breaking_section(client.get("/").text)
    age = age_words((date.today() - week).days)
    assert f"Breaking out as of {week} ({age})" in section and "months ago" in age
    assert "right now" not in section
    assert "Night Signal" in section and "Winter Orchard" not in section
    assert "Left out: 2 breakouts of charts that end 2022-11-20 (Netflix, per country)" in section


def test_home_page_says_right_now_when_the_charts_are_recent(own_demo: Settings, tmp_path: Path) -> None:
    week = last_sunday(date.today())
    load(own_demo, tmp_path, week)
    with TestClient(create_app(own_demo)) as client:
        section = breaking_section(client.get("/").text)
    assert f"right now (chart data as of {week})" in section and "ago" not in section
    assert "Night Signal" in section


@pytest.mark.parametrize(("behind", "kept"), [(3, True), (365, False)])
def test_freshness_is_one_rule_across_platforms(own_demo: Settings, tmp_path: Path, behind: int, kept: bool) -> None:
    """A daily Max chart a few days behind the newest Netflix week is now; one that stopped a year before
    is not, though it is the newest Max data there is."""
    load(own_demo, tmp_path, date(2026, 7, 19))
    run(own_demo, "import", "chart", str(daily_csv(tmp_path / "max.csv", "Max", date(2026, 7, 19) - timedelta(days=behind))))
    con = reading(own_demo)
    try:
        hot = hot_picks(con, own_demo, today=date(2026, 7, 20))
    finally:
        con.close()
    assert ("Ballard" in [p.title for p in hot.items]) is kept
    max_left_out = [x for x in hot.left_out if x.platform == "Max"]
    assert bool(max_left_out) is not kept
    if not kept:
        assert max_left_out[0].text() == "1 breakout of charts that end 2025-07-19 (Max, per country)"


def climbing_catalog(s: Settings, tmp_path: Path) -> None:
    """Slow Burn climbs from #10 to #2 worldwide and from #9 to #2 in Germany and France; Night Signal
    enters at #1 worldwide."""
    last = date(2026, 7, 19)
    filler = [f"Filler {i}: Season 1" for i in range(1, 9)]
    run(s, "update", "netflix", "--from", str(global_file(tmp_path / "all-weeks-global.tsv", {
        last - timedelta(days=7): [*filler, "Quiet Days: Season 1", "Slow Burn: Season 1"],
        last: ["Night Signal: Season 1", "Slow Burn: Season 1", *filler]})))
    run(s, "update", "netflix", "--from", str(countries_file(tmp_path / "all-weeks-countries.tsv", {
        last - timedelta(days=7): [*filler, "Slow Burn: Season 1"],
        last: [filler[0], "Slow Burn: Season 1", *filler[1:]]})))


def test_breakout_reasons_never_contradict_themselves(own_demo: Settings, tmp_path: Path) -> None:
    climbing_catalog(own_demo, tmp_path)
    con = reading(own_demo)
    try:
        reasons = {p.title: p.reasons[0].text for p in hot_picks(con, own_demo, today=date(2026, 7, 20)).items}
        cur = con.execute("SELECT * FROM chart_momentum WHERE level = 'world' AND raw_title = 'Slow Burn'")
        world = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    finally:
        con.close()
    new = reasons["Night Signal"]
    assert new.startswith("#1 worldwide on Netflix, new entry: 10 chart points in its first week in the top 10, "
                          "to 2026-07-19 — Netflix Top 10")
    assert "before" not in new and "in both" not in new and "momentum" not in new
    climber = reasons["Slow Burn"]
    # Slow Burn's strongest breakout is per country (18 points against 4); its world chart climb is one too
    assert climber.startswith("#2 at best on Netflix, charting in 2 of 2 countries, up from #9; 2nd week on the chart")
    assert ("18 chart points in the week to 2026-07-19 against 4 in the week before, over the same 2 countries in "
            "both weeks (momentum +0.94)") in climber
    # a world chart is one chart: no country count, nothing "charted in both"
    assert world["breakout"] and breakout_reason(world, "Netflix Top 10") == (
        "#2 worldwide on Netflix, up from #10; 2nd week on the chart · 9 chart points in the week to 2026-07-19 "
        "against 1 in the week before (momentum +0.85) — Netflix Top 10")
    assert not any("chart charted in both" in text for text in reasons.values())
