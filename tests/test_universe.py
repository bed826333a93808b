"""The Bosch universe from the demo slice: relations, shared characters and who plays them, works."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from reelradar.analytics.universe import plot_universe, universe, universe_lines
from reelradar.cli import app
from reelradar.errors import BadInput, NotFound


def test_ballard_universe_has_its_relations_shared_character_and_works(demo_con: duckdb.DuckDBPyConnection) -> None:
    u = universe(demo_con, "demo:ballard")
    assert u.name == "Bosch universe" and not u.truncated
    assert [n.label for n in u.titles()] == ["Bosch", "Bosch: Legacy", "Ballard"]
    assert {(w.label, w.author) for w in u.works()} == {("Harry Bosch novels", "Michael Connelly"),
                                                       ("Renée Ballard novels", "Michael Connelly")}
    edges = {(e.src, e.dst, e.kind, e.note) for e in u.edges}
    assert ("demo:ballard", "demo:bosch", "spin_off_of", None) in edges
    assert ("demo:bosch-legacy", "demo:bosch", "sequel_of", None) in edges
    assert ("demo:ballard", "demo:bosch", "shares_character", "Harry Bosch") in edges
    assert ("demo:ballard", "demo:w:renee-ballard-novels", "adapted_from", None) in edges
    harry = u.characters[0]
    assert harry.name == "Harry Bosch"
    assert [(a.title, a.actor) for a in harry.appearances] == [
        ("Bosch", "Titus Welliver"), ("Bosch: Legacy", "Titus Welliver"), ("Ballard", "Titus Welliver")]
    assert all(a.source for a in harry.appearances)  # every appearance names its source
    assert ("demo:bosch", "Eric Overmyer", "creator") in {(c.title_id, c.name, c.role) for c in u.creators}


def test_the_same_universe_from_any_of_its_titles(demo_con: duckdb.DuckDBPyConnection) -> None:
    assert {n.id for n in universe(demo_con, "demo:bosch").titles()} == {n.id for n in universe(demo_con, "demo:ballard").titles()}


def test_text_names_relations_character_actor_author_and_sources(demo_con: duckdb.DuckDBPyConnection) -> None:
    text = "\n".join(universe_lines(universe(demo_con, "demo:ballard")))
    assert "Ballard — spin-off of → Bosch — news report" in text
    assert "in Ballard, played by Titus Welliver — news report" in text
    assert "Harry Bosch novels by Michael Connelly (novel series) — behind Bosch, Bosch: Legacy" in text


def test_max_nodes_bounds_the_walk(demo_con: duckdb.DuckDBPyConnection) -> None:
    u = universe(demo_con, "demo:ballard", max_nodes=2)
    assert u.truncated and len(u.nodes) == 2
    assert "raise --max" in universe_lines(u)[0]


def test_a_title_without_relations_is_a_universe_of_one(demo_con: duckdb.DuckDBPyConnection) -> None:
    film = demo_con.execute("SELECT id FROM title WHERE id NOT IN (SELECT src FROM relation) AND "
                            "id NOT IN (SELECT dst FROM relation) AND kind = 'movie' LIMIT 1").fetchone()[0]  # type: ignore[index]
    u = universe(demo_con, film)
    assert [n.id for n in u.titles()] == [film] and u.edges == [] and u.characters == []
    with pytest.raises(NotFound):
        universe(demo_con, "tt-no-such-title")


def test_plot_draws_an_image(demo_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    u = universe(demo_con, "demo:ballard")
    png = plot_universe(u, tmp_path / "bosch.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    svg = plot_universe(u, tmp_path / "bosch.svg").read_text()
    assert "Titus Welliver" in svg and "Harry Bosch novels" in svg and "spin-off of" in svg
    with pytest.raises(BadInput):
        plot_universe(u, tmp_path / "bosch.txt")


def test_cli_universe_and_where_on_the_demo(demo_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["--data-dir", str(demo_dir), "universe", "Ballard", "--plot", str(tmp_path / "u.png")])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("Bosch universe: 3 titles around Ballard")
    assert "Harry Bosch:" in out.stdout and "played by Titus Welliver" in out.stdout
    assert (tmp_path / "u.png").exists()
    data = json.loads(runner.invoke(app, ["--data-dir", str(demo_dir), "universe", "Ballard", "--json"]).stdout)
    assert data["name"] == "Bosch universe" and data["characters"][0]["name"] == "Harry Bosch"
    out = runner.invoke(app, ["--data-dir", str(demo_dir), "where", "Ballard"])
    assert out.exit_code == 0, out.output
    assert "Prime Video · subscription · country not stated by the source — news report, 2025-07-14" in out.stdout
