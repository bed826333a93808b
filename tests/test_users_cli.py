"""The CLI over a person's data: imports with --json audit rows, why-match, link, unlink, profile."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reelradar.config import Settings

DATA = Path(__file__).parent / "data" / "imports"
runner = CliRunner()


def run(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    from reelradar.cli import app

    return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args])


def test_import_json_lists_every_row_with_what_it_became(own_demo: Settings) -> None:
    result = run(own_demo, "import", "letterboxd", str(DATA / "letterboxd-filmfan-2024-07-01-10-00-utc.zip"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["rows"] == len(report["rows"]) == 17
    star_wars = next(r for r in report["rows"] if r["said"]["title"] == "Star Wars")
    assert star_wars["said"] == {"title": "Star Wars", "year": 1977, "kind": "movie", "ids": {}}
    assert (star_wars["title_id"], star_wars["tconst"], star_wars["verdict"]) == ("tt0076759", "tt0076759", "strong")
    assert {c["name"] for c in star_wars["components"]} == {"title", "year", "kind"}
    assert all("record" in r and "distance" in r for r in report["rows"])


def test_report_why_match_link_and_unlink(own_demo: Settings) -> None:
    result = run(own_demo, "import", "letterboxd", str(DATA / "letterboxd-filmfan-2024-07-01-10-00-utc.zip"))
    assert result.exit_code == 0, result.output
    assert "15 matched, 1 to confirm, 1 not matched" in result.stdout
    assert "letterboxd-filmfan-2024-07-01-10-00-utc.zip" in result.stdout or "ratings.csv line" in result.stdout
    assert "'A Film That Does Not Exist' (2020): no movie with this name" in result.stdout
    why = run(own_demo, "why-match", "Hamlet")
    assert why.exit_code == 0, why.output
    assert "verdict medium" in why.stdout and "ambiguous" in why.stdout and "runner-up: Hamlet" in why.stdout
    linked = run(own_demo, "link", "Hamlet", "tt0099726")
    assert linked.exit_code == 0, linked.output
    why = run(own_demo, "why-match", "Hamlet", "--json")
    data = json.loads(why.stdout)
    assert data["match"]["title_id"] == "tt0099726" and data["match"]["method"] == "manual"
    assert data["record"]["override"] == "link"
    assert run(own_demo, "unlink", "Hamlet").exit_code == 0
    assert json.loads(run(own_demo, "why-match", "Hamlet", "--json").stdout)["match"]["title_id"] is None


def test_profile_shows_and_sets(own_demo: Settings) -> None:
    shown = run(own_demo, "profile")
    assert "offer types: flatrate, free, ads" in shown.stdout
    run(own_demo, "profile", "--country", "us", "--service", "Prime Video", "--offer-type", "flatrate",
        "--offer-type", "rent")
    data = json.loads(run(own_demo, "profile", "--json").stdout)
    assert data == {"name": "default", "country": "US", "services": ["Prime Video"], "offer_types": ["flatrate", "rent"]}


def test_a_bad_file_is_one_line_and_exit_2(own_demo: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "ratings.csv"
    bad.write_text("Title,Year\nFargo,1996\n")
    result = run(own_demo, "import", "imdb", str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "no column 'Const'" in result.stderr
    assert run(own_demo, "why-match", "#1").exit_code == 3  # nothing was imported


def test_rematch_keeps_manual_links_and_reports_counts(own_demo: Settings) -> None:
    run(own_demo, "import", "imdb", str(DATA / "imdb_ratings.csv"))
    assert run(own_demo, "link", "A Film Nobody Made", "tt0116282").exit_code == 0
    result = run(own_demo, "rematch", "--json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts == {"strong": 3, "none": 1, "manual": 1}  # nothing changed: same catalog
