"""Smoke tests of `reelradar like` and `reelradar recommend` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.model import Interaction, Profile
from reelradar.users.store import UserStore

DATA = Path(__file__).parent / "data" / "movielens"
runner = CliRunner()


def test_like_ballard_lists_the_bosch_series_with_reasons_and_sources(demo_dir: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(demo_dir), "like", "Ballard", "--limit", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "More like Ballard (2025):"
    assert lines[1].startswith("1. Bosch") and "series" in lines[1]
    second = next(k for k, text in enumerate(lines) if text.startswith("2. "))
    assert lines[second].startswith("2. Bosch")
    assert "   - Harry Bosch (Titus Welliver) appears [" in result.stdout
    assert "based on Michael Connelly's novels" in result.stdout
    assert "   facts: " in result.stdout


def test_like_json_has_items_with_scores_and_reasons(demo_dir: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(demo_dir), "like", "ballard", "--kind", "movie", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["like"]["id"] == "demo:ballard" and len(out["items"]) == 10
    assert all(i["kind"] == "movie" and i["reasons"] for i in out["items"])
    assert [i["score"] for i in out["items"]] == sorted((i["score"] for i in out["items"]), reverse=True)


def test_like_bad_filter_is_one_line(demo_dir: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(demo_dir), "like", "Ballard", "--kind", "podcast"])
    assert result.exit_code == 2 and "unknown kind 'podcast'" in result.stderr


def test_recommend_reads_the_history_and_profile_from_the_user_store(own_demo) -> None:
    with UserStore(own_demo.users_path) as store:
        store.add_interaction(Interaction("rated", "demo:bosch", 9, 10, source="manual"))
        store.add_interaction(Interaction("dismissed", "tt0327056", source="manual"))
        store.save_profile(Profile(services=["Prime Video"]))
    result = runner.invoke(app, ["--data-dir", str(own_demo.data_dir), "recommend", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    ids = [i["id"] for i in out["items"]]
    assert out["history"] == 2 and set(ids[:2]) == {"demo:ballard", "demo:bosch-legacy"}
    assert "demo:bosch" not in ids and "tt0327056" not in ids
    assert any(r["text"].startswith("watch on Prime Video") for r in out["items"][0]["reasons"])
    # the titles no source places on a service are kept, marked, and counted
    assert {i["availability"]["status"] for i in out["items"][2:]} == {"unknown"}
    assert out["services"]["yours"] == 2 and out["services"]["text"].startswith("on your services (Prime Video)")


def test_recommend_without_history_says_so(demo_dir: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(demo_dir), "recommend", "--limit", "3", "--mode", "radar"])
    assert result.exit_code == 0, result.output
    assert "no history imported" in result.stderr
    assert result.stdout.startswith("1. ")


def test_recommend_blends_a_ratings_file(own_demo) -> None:
    with UserStore(own_demo.users_path) as store:
        store.add_interaction(Interaction("liked", "tt0114709", source="manual"))  # Toy Story
    result = runner.invoke(app, ["--data-dir", str(own_demo.data_dir), "recommend", "--ratings", str(DATA / "ratings.csv"),
                                 "--links", str(DATA / "links.csv"), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["collaborative"].endswith("ratings.csv")
    assert any(i["parts"].get("collaborative", 0) > 0 for i in out["items"])
    result = runner.invoke(app, ["--data-dir", str(own_demo.data_dir), "recommend", "--ratings", str(DATA / "ratings.csv")])
    assert result.exit_code == 2 and "links file" in result.stderr
