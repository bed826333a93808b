"""User mistakes give one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.config import Settings

runner = CliRunner()


def fails(args: list[str], code: int, *words: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == code, (result.exit_code, result.output)
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("reelradar: ")
    assert "Traceback" not in result.output
    for word in words:
        assert word in err, err
    return err


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "afile"
    f.write_text("x")
    fails(["--data-dir", str(f), "picks"], 2, "is a file, not a folder")


def test_unknown_title(demo_dir: Path) -> None:
    fails(["--data-dir", str(demo_dir), "show", "zzqqxxv no such film"], 3, "no title matches")


def test_corrupt_catalog_file(tmp_path: Path) -> None:
    (tmp_path / "catalog.duckdb").write_bytes(b"\x00garbage" * 4096)
    fails(["--data-dir", str(tmp_path), "picks"], 5, "cannot be read", "reelradar demo")


def test_bad_setting_in_environment(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELRADAR_RADAR_MIN_ACCLAIM", "1.5")
    fails(["--data-dir", str(demo_dir), "picks"], 2, "radar_min_acclaim")


def test_bad_toml_and_unknown_key(demo_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("country = [unclosed\n")
    fails(["--config", str(bad), "--data-dir", str(demo_dir), "picks"], 2, "not valid TOML")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('colour = "blue"\n')
    fails(["--config", str(unknown), "--data-dir", str(demo_dir), "picks"], 2, "colour")
    fails(["--config", str(tmp_path / "none.toml"), "picks"], 2, "does not exist")


def test_bad_filters(demo_dir: Path) -> None:
    fails(["--data-dir", str(demo_dir), "picks", "--kind", "podcast"], 2, "unknown kind")
    fails(["--data-dir", str(demo_dir), "picks", "--year-from", "2010", "--year-to", "2000"], 2, "after")
    fails(["--data-dir", str(demo_dir), "picks", "--mode", "loud"], 2, "unknown mode")


def test_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_dir: Path) -> None:
    """defaults < TOML < environment < flags."""
    from reelradar.config import load_settings

    toml = tmp_path / "c.toml"
    toml.write_text(f'picks_limit = 3\nradar_max_awareness = 0.2\ndata_dir = "{tmp_path / "fromtoml"}"\n')
    s = load_settings(toml)
    assert (s.picks_limit, s.radar_max_awareness, s.data_dir) == (3, 0.2, tmp_path / "fromtoml")
    monkeypatch.setenv("REELRADAR_PICKS_LIMIT", "4")
    assert load_settings(toml).picks_limit == 4
    assert load_settings(toml, data_dir=demo_dir).data_dir == demo_dir
    assert Settings().radar_min_acclaim == 0.80


def test_missing_catalog_builds_the_demo_and_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "fresh"), "picks", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "building the demo catalog" in result.stderr
    assert (tmp_path / "fresh" / "catalog.duckdb").exists()
