from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reelradar.cli import app

runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, list(args))


def test_picks_top_series_lists_ballard_with_sources_and_dates(demo_dir: Path) -> None:
    result = run("--data-dir", str(demo_dir), "picks", "--kind", "series", "--mode", "top")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert "Ballard (2025)" in first
    reason = result.stdout.splitlines()[1]
    assert "Critics liked it — 100% positive, review count not reported (Rotten Tomatoes, 2025-07-14" in reason
    assert "2025-07-14" in reason
    assert "7.8/10" in reason and "IMDb" in reason
    assert "#1 on Prime Video" in reason


def test_picks_json_is_parseable_and_sorted(demo_dir: Path) -> None:
    result = run("--data-dir", str(demo_dir), "picks", "--mode", "radar", "--limit", "7", "--json")
    assert result.exit_code == 0, result.output
    picks = json.loads(result.stdout)["items"]
    assert len(picks) == 7
    acclaim = [p["acclaim"] for p in picks]
    assert acclaim == sorted(acclaim, reverse=True)
    for p in picks:
        assert p["awareness"] is not None and p["awareness"] <= 0.35
        assert p["evidence"] >= 20
        assert "under the radar" in p["reason"]
