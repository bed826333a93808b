"""The demo catalog: real CC0 films, and a series slice whose every fact has a source and a date."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from reelradar.catalog.query import title_card
from reelradar.cli import app


def test_films_are_the_wikidata_catalog_credited_cc0(demo_con: duckdb.DuckDBPyConnection) -> None:
    n, demo = demo_con.execute("SELECT count(*), bool_or(demo) FROM title WHERE kind = 'movie'").fetchone()
    assert n == 17470 and demo is False  # 17,472 rows, two repeat an IMDb id
    credit = demo_con.execute("SELECT credit, license FROM source_info WHERE source = 'wikidata'").fetchone()
    assert credit == ("Wikidata contributors, CC0", "CC0 1.0")
    # critics scores keep their review counts; Metascore's count is not in the data and stays unknown
    assert demo_con.execute(
        "SELECT count(*) FROM rating WHERE metric = 'critic_pct' AND count IS NULL AND title_id LIKE 'tt%'"
    ).fetchone() == (0,)
    assert demo_con.execute("SELECT count(count) FROM rating WHERE metric = 'metascore'").fetchone() == (0,)


def test_every_fact_carries_source_and_date(demo_con: duckdb.DuckDBPyConnection) -> None:
    for table, date_col in (("rating", "as_of"), ("chart_entry", "as_of"), ("offer", "as_of"), ("title", "fetched_at")):
        missing = demo_con.execute(f"SELECT count(*) FROM {table} WHERE source IS NULL OR {date_col} IS NULL").fetchone()
        assert missing == (0,), table
    for table in ("credit", "relation", "work", "person"):
        assert demo_con.execute(f"SELECT count(*) FROM {table} WHERE source IS NULL").fetchone() == (0,), table


def test_series_slice_has_no_invented_ids_or_counts(demo_con: duckdb.DuckDBPyConnection) -> None:
    assert demo_con.execute("SELECT count(*) FROM title_xid WHERE title_id LIKE 'demo:%'").fetchone() == (0,)
    rows = demo_con.execute(
        "SELECT id, demo, year, end_year, episode_count FROM title WHERE id LIKE 'demo:%' ORDER BY id"
    ).fetchall()
    assert rows == [
        ("demo:ballard", True, 2025, None, 10),
        ("demo:bosch", True, 2014, 2021, 68),
        ("demo:bosch-legacy", True, 2022, 2025, 30),
    ]
    ballard = demo_con.execute(
        "SELECT source, metric, value, count, as_of::VARCHAR FROM rating WHERE title_id = 'demo:ballard' ORDER BY metric"
    ).fetchall()
    assert ballard == [
        ("rotten_tomatoes", "critic_pct", 100.0, None, "2025-07-14"),
        ("imdb", "user_mean", 7.8, None, "2025-07-14"),
    ]


def test_ballard_card_has_characters_relations_and_where_to_watch(demo_con: duckdb.DuckDBPyConnection) -> None:
    card = title_card(demo_con, "demo:ballard")
    roles = {(c.name, c.character) for c in card.credits if c.role == "actor"}
    assert ("Maggie Q", "Renée Ballard") in roles and ("Titus Welliver", "Harry Bosch") in roles
    assert any(c.name == "Michael Connelly" and c.role == "author" for c in card.credits)
    rels = {(r.kind, r.direction, r.other_title, r.note) for r in card.relations}
    assert ("spin_off_of", "out", "Bosch", None) in rels
    assert ("shares_character", "out", "Bosch", "Harry Bosch") in rels
    assert ("adapted_from", "out", "Renée Ballard novels by Michael Connelly", None) in rels
    assert [(o.provider, o.monetization, o.country) for o in card.offers] == [("Prime Video", "flatrate", None)]
    assert [(c.platform, c.rank, c.points) for c in card.charts] == [("Prime Video", 1, 10)]
    assert card.pick is not None and card.pick.awareness is None  # no comparable evidence: unknown, not guessed


def test_titus_welliver_plays_harry_bosch_in_all_three(demo_con: duckdb.DuckDBPyConnection) -> None:
    rows = demo_con.execute(
        """SELECT t.title FROM credit c JOIN title t ON t.id = c.title_id
           WHERE c.person_id = 'demo:p:titus-welliver' AND c."character" = 'Harry Bosch' ORDER BY t.year"""
    ).fetchall()
    assert rows == [("Bosch",), ("Bosch: Legacy",), ("Ballard",)]


def test_show_and_why_through_the_cli(demo_dir) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    out = runner.invoke(app, ["--data-dir", str(demo_dir), "show", "bosch"]).stdout
    assert out.startswith("Bosch (2014–2021) · series · demo:bosch")
    assert "Ballard is spin off of this" in out and "Harry Bosch" in out
    why = runner.invoke(app, ["--data-dir", str(demo_dir), "why", "the godfather"])
    assert why.exit_code == 0, why.output
    assert "The Godfather" in why.stdout and "Rotten Tomatoes" in why.stdout and "percentile" in why.stdout
    assert runner.invoke(app, ["--data-dir", str(demo_dir), "why", "Bosch"]).exit_code == 3  # no scores at all
