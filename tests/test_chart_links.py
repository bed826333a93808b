"""Chart entries linked to catalog titles on evidence, or to none: the age of a title against the week
it first charted, runtime, language, availability and ids; "possibly" for medium matches; manual links
and unlinks that survive rebuilds and re-imports; why-match, charts unresolved and the import report."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from reelradar.catalog.charts_store import place_chart_titles
from reelradar.catalog.db import open_catalog, schema_sql
from reelradar.catalog.ensure import build_demo
from reelradar.cli import app
from reelradar.config import Settings
from reelradar.resolve.charts import ENTRY_SQL, ChartRecord, ChartResolver, chart_records
from reelradar.resolve.link import Record, Resolver
from reelradar.sources.netflix import parse_file

runner = CliRunner()
HEADER = ("week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\t"
          "cumulative_weeks_in_top_10\n")


def run(s: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--data-dir", str(s.data_dir), *args])


def sunday(year: int, month: int, day: int) -> date:
    d = date(year, month, day)
    return d + timedelta(days=(6 - d.weekday()) % 7)


def global_file(path: Path, rows: list[tuple[date, str, str, str | None, float | None]]) -> Path:
    """A Netflix global weekly file: (week's Sunday, category, title, season or None, runtime hours or None),
    each entry charting one week at the rank of its row."""
    lines = [HEADER]
    for i, (week, category, title, season, runtime) in enumerate(rows):
        lines.append(f"{week}\t{category}\t{i % 10 + 1}\t{title}\t{season or 'N/A'}\t1000000\t"
                     f"{runtime if runtime else ''}\t{'500000' if runtime else ''}\t1\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def matches(s: Settings) -> dict[str, tuple[str, str | None, str | None]]:
    """entry -> (verdict, linked title, candidate)."""
    con = open_catalog(s.catalog_path)
    try:
        return {e: (v, t, c) for e, v, t, c in con.execute(
            "SELECT entry, verdict, title_id, candidate_id FROM chart_match").fetchall()}
    finally:
        con.close()


def rows_of(s: Settings, raw: str) -> set[str | None]:
    con = open_catalog(s.catalog_path)
    try:
        return {r[0] for r in con.execute("SELECT DISTINCT title_id FROM chart_entry WHERE raw_title = ?",
                                          [raw]).fetchall()}
    finally:
        con.close()


def test_a_name_alone_never_links_an_old_namesake(own_demo: Settings, tmp_path: Path) -> None:
    # Venom (2018) and Hustle (2022) on Netflix's chart; the demo catalog has only Venom (1981), Hustle (1975)
    f = global_file(tmp_path / "g.tsv", [(sunday(2021, 10, 10), "Films (English)", "Venom", None, None),
                                         (sunday(2022, 6, 12), "Films (English)", "Hustle", None, None)])
    result = run(own_demo, "update", "netflix", "--from", str(f), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["netflix-global"]
    assert (report["entries"], report["strong"], report["medium"]) == (2, 0, 2)
    found = matches(own_demo)
    assert found["netflix:movie:venom"] == ("medium", None, "tt0084854")
    assert rows_of(own_demo, "Venom") == {"netflix:movie:venom"}  # the chart's own title, not the 1981 film
    shown = run(own_demo, "show", "tt0084854")
    assert "chart: #" not in shown.stdout  # nothing counted for the 1981 film ...
    assert "possibly charted" in shown.stdout and "40 years before it first charted" in shown.stdout  # ... said
    own = run(own_demo, "show", "netflix:movie:venom")
    assert "possibly Venom (1981) (tt0084854)?" in own.stdout and "link --chart netflix:movie:venom" in own.stdout


def test_the_right_title_among_namesakes_is_strong(own_demo: Settings, tmp_path: Path) -> None:
    # Frozen: films of 1996, 2010 and 2013 in the demo; the chart's runtime (101 min) and week fit 2013's
    f = global_file(tmp_path / "g.tsv", [(sunday(2013, 12, 8), "Films (English)", "Frozen", None, 1.6833),
                                         (sunday(2012, 3, 4), "Films (English)", "Hamlet", None, None),
                                         (sunday(2013, 10, 6), "Films (English)", "Her", None, 2.5),
                                         (sunday(2013, 10, 13), "Films (Non-English)", "Gravity", None, None)])
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0
    found = matches(own_demo)
    assert found["netflix:movie:frozen"] == ("strong", "tt2294629", "tt2294629")
    assert rows_of(own_demo, "Frozen") == {"tt2294629"}
    assert found["netflix:movie:hamlet"][:2] == ("strong", "tt1964758")  # 2011, the year before it charted
    assert found["netflix:movie:her"][0] == "medium"  # 150 minutes against Her's 126: another film
    assert found["netflix:movie:gravity"][0] == "medium"  # a non-English chart; Gravity is in English
    why = run(own_demo, "why-match", "--chart", "Frozen", "--json")
    assert why.exit_code == 0, why.output
    comps = {c["name"]: c for c in json.loads(why.stdout)["match"]["components"]}
    assert comps["age"]["penalty"] == 0 and comps["runtime"]["note"] == "runtime 101 vs 101 min"
    assert {"title", "kind", "language"} <= set(comps)


def test_a_title_released_after_it_charted_is_never_it(own_demo: Settings, tmp_path: Path) -> None:
    f = global_file(tmp_path / "g.tsv", [(sunday(2009, 5, 3), "Films (English)", "Gravity", None, None)])
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0
    verdict, linked, _ = matches(own_demo)["netflix:movie:gravity"]
    assert verdict == "none" and linked is None


def test_an_offer_on_the_platform_backs_an_old_title(own_demo: Settings, tmp_path: Path) -> None:
    f = global_file(tmp_path / "g.tsv", [(sunday(2022, 6, 12), "Films (English)", "Hustle", None, None)])
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0
    con = duckdb.connect(str(own_demo.catalog_path))
    try:
        con.execute("INSERT INTO offer (title_id, country, provider, monetization, source, as_of) VALUES "
                    "('tt0073133', 'US', 'Netflix', 'flatrate', 'tmdb', DATE '2022-06-01')")
        place_chart_titles(con)
        row = con.execute("SELECT verdict, title_id, components FROM chart_match "
                          "WHERE entry = 'netflix:movie:hustle'").fetchone()
    finally:
        con.close()
    assert row is not None and row[:2] == ("strong", "tt0073133")
    notes = [c["note"] for c in json.loads(row[2])]
    assert "offered on Netflix in US (tmdb, 2022-06-01)" in notes


def test_manual_links_survive_rebuilds_and_reimports(own_demo: Settings, tmp_path: Path) -> None:
    f = global_file(tmp_path / "g.tsv", [(sunday(2021, 10, 10), "Films (English)", "Venom", None, None),
                                         (sunday(2013, 12, 8), "Films (English)", "Frozen", None, 1.6833)])
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0
    assert "netflix:movie:venom" in run(own_demo, "search", "venom", "--json").stdout  # the chart's own title
    missing = run(own_demo, "link", "--chart", "Venom", "tt9999999")
    assert missing.exit_code == 3 and len(missing.stderr.strip().splitlines()) == 1
    assert run(own_demo, "link", "--chart", "netflix:movie:venom", "tt0084854").exit_code == 0
    assert run(own_demo, "unlink", "--chart", "Frozen").exit_code == 0
    found = run(own_demo, "search", "venom", "--json").stdout
    assert "netflix:movie:venom" not in found and "tt0084854" in found  # linked: the created title is gone
    for _ in range(2):
        assert rows_of(own_demo, "Venom") == {"tt0084854"}
        assert rows_of(own_demo, "Frozen") == {"netflix:movie:frozen"}
        assert "chart: #" in run(own_demo, "show", "tt0084854").stdout
        build_demo(own_demo)  # a full rebuild: staged rows and links come back
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0  # and a re-import
    assert rows_of(own_demo, "Venom") == {"tt0084854"}
    why = run(own_demo, "why-match", "--chart", "netflix:movie:venom")
    assert "linked by hand to tt0084854" in why.stdout and "automatic match" in why.stdout


def test_charts_unresolved_lists_candidates_and_distances(own_demo: Settings, tmp_path: Path) -> None:
    f = global_file(tmp_path / "g.tsv", [(sunday(2021, 10, 10), "Films (English)", "Venom", None, None),
                                         (sunday(2021, 10, 10), "Films (English)", "A Name Nobody Has", None, None),
                                         (sunday(2013, 12, 8), "Films (English)", "Frozen", None, 1.6833)])
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0
    listed = run(own_demo, "charts", "unresolved", "--json")
    assert listed.exit_code == 0, listed.output
    entries = {e["entry"]: e for e in json.loads(listed.stdout)}
    assert set(entries) == {"netflix:movie:venom", "netflix:movie:a-name-nobody-has"}
    venom = entries["netflix:movie:venom"]
    assert venom["match"]["verdict"] == "medium" and venom["candidates"][0]["id"] == "tt0084854"
    assert 0.1 <= venom["candidates"][0]["distance"] <= 0.3
    assert entries["netflix:movie:a-name-nobody-has"]["candidates"] == []
    table = run(own_demo, "charts", "unresolved")
    assert "Venom (1981) tt0084854" in table.stdout


def test_a_chart_csv_id_links_and_a_name_fitting_many_stays_apart(own_demo: Settings, tmp_path: Path) -> None:
    csv = tmp_path / "prime.csv"
    csv.write_text("date,country,rank,title,kind,imdb_id\n"
                   "2023-05-01,US,1,The Godfather,movie,tt0068646\n"
                   "2023-05-01,US,2,Hamlet,movie,\n"
                   "2023-05-01,US,3,Nobody Knows This Film,movie,\n", encoding="utf-8")
    result = run(own_demo, "import", "chart", str(csv), "--platform", "Prime Video", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["strong"], report["medium"], report["none"]) == (1, 1, 1)
    assert rows_of(own_demo, "The Godfather") == {"tt0068646"}
    assert rows_of(own_demo, "Hamlet") == {None}  # five Hamlets, none of them new in 2023: not guessed
    text = run(own_demo, "import", "chart", str(csv), "--platform", "Prime Video")
    assert "1 linked to a catalog title on evidence" in text.stderr and "1 possibly" in text.stderr


def test_an_id_no_catalog_title_carries_rules_out_titles_with_another(demo_con: duckdb.DuckDBPyConnection) -> None:
    r = Resolver(demo_con)
    # a remake or sequel with its own IMDb id, no year, named like a catalog film
    m = r.match(Record("The Godfather", None, "movie", {"imdb": "tt9999999"}))
    assert m.verdict == "none" and "tt0068646" in m.reason
    # without an id, a name and no year are at most medium
    no_year = r.match(Record("The Godfather", None, "movie"))
    assert no_year.verdict == "medium" and "no year" in no_year.reason
    assert r.match(Record("The Godfather", 1972, "movie")).verdict == "strong"


def test_a_large_catalog_gives_the_same_matches(own_demo: Settings, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A catalog too large to index whole finds each entry's candidates through its search index: the
    verdicts are the same as with the whole index."""
    f = global_file(tmp_path / "g.tsv", [(sunday(2013, 12, 8), "Films (English)", "Frozen", None, 1.6833),
                                         (sunday(2021, 10, 10), "Films (English)", "Venom", None, None),
                                         (sunday(2012, 3, 4), "Films (English)", "Hamlet", None, None),
                                         (sunday(2021, 3, 7), "Films (Non-English)",
                                          "The Distant House // La Casa Lejana", None, None)])
    assert run(own_demo, "update", "netflix", "--from", str(f)).exit_code == 0
    whole = matches(own_demo)
    monkeypatch.setattr("reelradar.resolve.candidates.FULL_INDEX_MAX", 0)
    build_demo(own_demo)
    assert matches(own_demo) == whole
    assert whole["netflix:movie:frozen"][1] == "tt2294629"


def _chart_catalog(titles: list[tuple[str, str, str, int, int | None, int | None]]) -> duckdb.DuckDBPyConnection:
    """An in-memory catalog of (id, kind, title, year, runtime, season count)."""
    con = duckdb.connect()
    con.execute(schema_sql())
    for tid, kind, title, year, runtime, seasons in titles:
        con.execute("INSERT INTO title (id, kind, title, year, runtime_min, season_count, source) "
                    "VALUES (?, ?, ?, ?, ?, ?, 'imdb')", [tid, kind, title, year, runtime, seasons])
    return con


def _entry(title: str, kind: str, first: date, **said: object) -> ChartRecord:
    return ChartRecord(title=title, kind=kind, entry=f"netflix:{kind}:{title}", source="netflix", platform="Netflix",
                       first_period=first, last_period=first, rows=1, **said)  # type: ignore[arg-type]


def test_a_chart_name_in_part_another_kind_or_seasons_missing_is_not_strong() -> None:
    """Found by benchmarks/resolve/charts.py: a spin-off sharing the main title, a short of the name, a
    series with far fewer seasons than charted were strong links; a year in the name counted as age."""
    con = _chart_catalog([("tt1", "series", "Love Is Blind: Brazil", 2021, None, 3),
                          ("tt2", "short", "Seasons", 2023, 12, None),
                          ("tt3", "series", "Grey's Anatomy", 2005, None, 3),
                          ("tt4", "movie", "Major", 2022, 150, None),
                          ("tt5", "movie", "Death Wish", 2018, 107, None),
                          ("tt6", "series", "Disenchantment", 2018, None, 3)])
    r = ChartResolver(con)
    spin_off = r.match(_entry("Love Is Blind", "series", date(2021, 7, 4), first_season=1, max_season=1))
    assert (spin_off.verdict, spin_off.title_id) == ("medium", "tt1") and "agrees only in part" in spin_off.reason
    short = r.match(_entry("Seasons", "movie", date(2023, 5, 1)))
    assert (short.verdict, short.title_id) == ("medium", "tt2") and "a short, not a movie" in short.reason
    assert r.match(_entry("Seasons", "movie", date(2023, 5, 1), runtime_min=13)).verdict == "strong"
    # a runtime that agrees does not make a name that agrees in part the title charted
    in_part = r.match(_entry("Major: The Return", "movie", date(2022, 7, 4), runtime_min=150))
    assert (in_part.verdict, in_part.title_id) == ("medium", "tt4") and "agrees only in part" in in_part.reason
    greys = r.match(_entry("Grey's Anatomy", "series", date(2021, 3, 1), first_season=17, max_season=17))
    assert greys.verdict == "medium" and "the catalog knows only 3" in greys.reason
    # one season more than the catalog knows is a catalog lagging behind: still strong
    assert r.match(_entry("Disenchantment", "series", date(2021, 3, 1), first_season=4, max_season=4)).verdict == "strong"
    dubbed = r.match(ChartRecord(**{**_entry("Major (Hindi)", "movie", date(2022, 7, 4)).__dict__, "akas": ["Major"]}))
    assert (dubbed.verdict, dubbed.title_id) == ("strong", "tt4")
    # a runtime within a few minutes is one cut; further apart, another film of the name
    assert r.match(_entry("Major", "movie", date(2022, 7, 4), runtime_min=146)).verdict == "strong"
    far = r.match(_entry("Major", "movie", date(2022, 7, 4), runtime_min=137))
    assert far.verdict == "medium" and "runtime 137 vs 150 min: too far apart" in far.reason
    named_year = r.match(_entry("Death Wish (2018)", "movie", date(2025, 12, 8)))
    assert (named_year.verdict, named_year.title_id) == ("strong", "tt5")
    assert not any(c.name == "age" for c in named_year.components)


def test_a_dubbed_version_is_named_without_its_language(tmp_path: Path) -> None:
    f = global_file(tmp_path / "g.tsv", [(sunday(2022, 7, 3), "Films (Non-English)", "Major (Hindi)", None, None),
                                         (sunday(2022, 7, 3), "Films (English)", "Beast", None, None)])
    con = duckdb.connect()
    rows = parse_file(f).rows  # noqa: F841  (read by the SQL below)
    con.execute(f"CREATE TABLE chart_entry AS SELECT *, {ENTRY_SQL} AS entry FROM rows")
    akas = {r.title: r.akas for r in chart_records(con)}
    assert akas == {"Major (Hindi)": ["Major"], "Beast": []}


def test_too_few_votes_for_a_worldwide_top_10_is_not_strong() -> None:
    """A namesake of the right age with a handful of votes, counted months after the entry was in the
    worldwide top 10, is at most medium; votes counted too soon, unknown votes, a country chart or an
    offer on the platform leave the verdict to the other evidence, and many votes never link alone."""
    con = _chart_catalog([("tt1", "movie", "The Quiet Hours", 2024, 98, None),
                          ("tt2", "movie", "Night Tide", 2024, 101, None),
                          ("tt3", "movie", "Red Harbour", 2024, 95, None)])
    con.execute("INSERT INTO rating (title_id, source, metric, value, scale, count, as_of) VALUES "
                "('tt1', 'imdb', 'user_mean', 6.1, 10, 37, DATE '2026-11-30'), "
                "('tt2', 'imdb', 'user_mean', 7.2, 10, 48210, DATE '2026-11-30'), "
                "('tt3', 'imdb', 'user_mean', 5.0, 10, 12, DATE '2024-06-20')")
    first = date(2024, 6, 9)
    world = {"countries": ["world"]}
    r = ChartResolver(con)
    entries = [_entry(t, "movie", first, **world) for t in ("The Quiet Hours", "Night Tide", "Red Harbour")]
    r.prepare_all(entries)
    few = r.match(entries[0])
    assert (few.verdict, few.title_id) == ("medium", "tt1")
    assert "only 37 votes (imdb, 2026-11-30)" in few.reason and "worldwide top 10" in few.reason
    assert [c.weight for c in few.components if c.name == "audience"] == [0.0]  # shown, never weighed
    assert r.match(entries[1]).verdict == "strong"  # many votes: the other evidence decides
    assert r.match(entries[2]).verdict == "strong"  # 12 votes counted 11 days after it charted: too soon to tell
    country = _entry("The Quiet Hours", "movie", first, countries=["IS"])
    r.prepare_all([country])
    assert r.match(country).verdict == "strong"  # a country's chart: a small audience may be the right one
    con.execute("INSERT INTO offer (title_id, provider, country, monetization, source, as_of) "
                "VALUES ('tt1', 'Netflix', 'US', 'flatrate', 'tmdb', DATE '2024-06-10')")
    r = ChartResolver(con)
    r.prepare_all(entries[:1])
    assert r.match(entries[0]).verdict == "strong"  # an offer on the platform ties it to the chart
