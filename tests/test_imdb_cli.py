"""``reelradar update imdb`` (from a folder and from a server on 127.0.0.1) and ``reelradar search``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.sources.imdb import FILES
from reelradar.testing import Request, Response, local_server

DATA = Path(__file__).parent / "data" / "imdb"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_update_from_folder_then_search(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    result = run("--data-dir", data, "update", "imdb", "--from", str(DATA), "--skip-adult", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows"]["title"] == 23 and report["load"]["dropped"]["adult titles"] == 1
    result = run("--data-dir", data, "search", "the office", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [(h["id"], h["year"], h["kind"]) for h in hits] == [("tt9000003", 2005, "series"), ("tt9000004", 2001, "series")]
    result = run("--data-dir", data, "search", "ballard", "--kind", "series")
    assert result.exit_code == 0 and "tt9000001" in result.stdout and "tt9000002" not in result.stdout
    result = run("--data-dir", data, "show", "balard")
    assert result.exit_code == 0 and "Ballard (2025)" in result.stdout and "IMDb" in result.stdout


def test_update_with_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "d"), "update", "imdb", "--from", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "nowhere" in result.stderr


def test_search_rejects_an_unknown_kind(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "d"), "search", "x", "--kind", "game")
    assert result.exit_code == 2 and "unknown kind" in result.stderr


def test_update_downloads_then_skips_unchanged_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = {f"/{name}": (DATA / name).read_bytes() for name in FILES}

    def handle(req: Request) -> Response:
        body = bodies.get(req.path)
        if body is None:
            return Response(404)
        etag = f'"{len(body)}"'
        if req.headers.get("if-none-match") == etag:
            return Response(304, headers={"ETag": etag})
        return Response(200, body, {"ETag": etag, "Last-Modified": "Tue, 24 Nov 2026 07:00:00 GMT"})

    with local_server(handle) as (url, seen):
        monkeypatch.setenv("REELRADAR_IMDB_BASE_URL", url)
        monkeypatch.setenv("REELRADAR_CACHE_DIR", str(tmp_path / "cache"))
        args = ("--data-dir", str(tmp_path / "data"), "update", "imdb", "--json")
        first = run(*args)
        assert first.exit_code == 0, first.output
        assert sorted(json.loads(first.stdout)["downloaded"]) == sorted(FILES)
        second = run(*args)
        assert second.exit_code == 0, second.output
        assert sorted(json.loads(second.stdout)["unchanged"]) == sorted(FILES)
    assert len(seen) == 14 and all(r.headers.get("if-none-match") for r in seen[7:])
    ratings = run("--data-dir", str(tmp_path / "data"), "why", "tt9000001", "--json")
    assert ratings.exit_code == 0, ratings.output
    # the ratings' date is the file's publication date from Last-Modified
    assert "2026-11-24" in ratings.stdout


def test_server_failure_leaves_the_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    assert run("--data-dir", str(data), "update", "imdb", "--from", str(DATA)).exit_code == 0
    before = (data / "catalog.duckdb").read_bytes()
    with local_server(lambda req: Response(500, b"down")) as (url, _):
        monkeypatch.setenv("REELRADAR_IMDB_BASE_URL", url)
        monkeypatch.setenv("REELRADAR_CACHE_DIR", str(tmp_path / "cache"))
        result = run("--data-dir", str(data), "update", "imdb")
    assert result.exit_code == 4 and "HTTP 500" in result.stderr and "title.basics" in result.stderr
    assert (data / "catalog.duckdb").read_bytes() == before
