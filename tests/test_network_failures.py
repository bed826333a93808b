"""No network, a refused connection, a server that only fails: each update says so in one line on
stderr with the next step, exits 4, and never calls a connection that never opened "interrupted".
Servers are real ones on 127.0.0.1; a name under .invalid never resolves (no request leaves the host)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelradar.cli import app
from reelradar.config import Settings
from reelradar.errors import Unreachable
from reelradar.http import HttpClient
from reelradar.sources.tmdb import UpdateReport
from reelradar.testing import Response, local_server

UNRESOLVABLE = "http://nonexistent.invalid"


def closed_port() -> str:
    """A base URL on 127.0.0.1 where nothing listens: the connection is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def run(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
        **env: str):
    monkeypatch.setenv("REELRADAR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("REELRADAR_HTTP_RETRIES", "1")
    monkeypatch.setenv("REELRADAR_HTTP_BACKOFF", "0.01")
    for key, value in env.items():
        monkeypatch.setenv(f"REELRADAR_{key.upper()}", value)
    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), *args])


def stderr_lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [text for text in result.stderr.splitlines() if text.strip()]


@pytest.mark.parametrize("base", [closed_port(), UNRESOLVABLE], ids=["refused", "dns"])
def test_netflix_offline_is_one_line_pointing_at_from(own_demo: Settings, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    result = run(own_demo, tmp_path, monkeypatch, ["update", "netflix"], netflix_base_url=base + "/top10")
    assert result.exit_code == 4, result.output
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert "cannot reach" in lines[0] and "--from FILE" in lines[0]
    assert "interrupted" not in lines[0] and "resume" not in lines[0]


def test_netflix_server_failing_every_file_says_so_once(own_demo: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with local_server(lambda req: Response(500, b"oops")) as (base, seen):
        result = run(own_demo, tmp_path, monkeypatch, ["update", "netflix"], netflix_base_url=base)
    assert result.exit_code == 4, result.output
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert "none of the 3 Netflix Top 10 files could be downloaded" in lines[0] and "500" in lines[0]
    assert len(seen) == 3


@pytest.mark.parametrize("base", [closed_port(), UNRESOLVABLE], ids=["refused", "dns"])
def test_tmdb_offline_fails_in_one_line_without_rows(own_demo: Settings, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    result = run(own_demo, tmp_path, monkeypatch, ["update", "tmdb"], tmdb_api_key="k3y",
                 tmdb_api_url=base + "/3", tmdb_files_url=base + "/p")
    assert result.exit_code == 4, result.output
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert "cannot reach" in lines[0] and "nothing was changed" in lines[0] and "resume" not in lines[0]
    assert "rows:" not in result.output


def test_tmdb_whose_every_request_fails_exits_non_zero(own_demo: Settings, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with local_server(lambda req: Response(500, b"oops")) as (base, seen):
        result = run(own_demo, tmp_path, monkeypatch, ["update", "tmdb"], tmdb_api_key="k3y",
                     tmdb_api_url=base + "/3", tmdb_files_url=base + "/p")
    assert result.exit_code == 4, result.output
    lines = stderr_lines(result)
    assert len(lines) == 1 and "nothing was changed" in lines[0], lines
    assert "rows:" not in result.output and seen  # it did ask, and said it got nothing
    assert "k3y" not in result.output


def test_wikidata_offline_is_one_line(own_demo: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(own_demo, tmp_path, monkeypatch, ["update", "wikidata"],
                 wikidata_sparql_url=closed_port() + "/sparql")
    assert result.exit_code == 4, result.output
    lines = stderr_lines(result)
    assert len(lines) == 1 and "cannot reach" in lines[0] and "rows:" not in result.output, lines


def test_imdb_offline_points_at_from_dir(own_demo: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(own_demo, tmp_path, monkeypatch, ["update", "imdb"], imdb_base_url=UNRESOLVABLE + "/")
    assert result.exit_code == 4, result.output
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    assert "cannot reach nonexistent.invalid" in lines[0] and "--from DIR" in lines[0]


def test_unreachable_host_is_tried_twice_not_backed_off(tmp_path: Path) -> None:
    c = HttpClient(tmp_path / "cache", retries=4, backoff=1.0)
    c.sleep = lambda seconds: None  # waits are recorded in c.stats.waits
    with c, pytest.raises(Unreachable) as err:
        c.get(closed_port() + "/a")
    assert "connection refused" in err.value.message and err.value.retryable
    assert c.stats.requests == 2 and c.stats.waits == [0.5]  # one quick second try, not four growing ones


def test_500_keeps_its_retries_with_backoff(tmp_path: Path) -> None:
    c = HttpClient(tmp_path / "cache", retries=3, backoff=1.0)
    c.sleep = lambda seconds: None
    with local_server(lambda req: Response(500)) as (base, seen), c, pytest.raises(Exception, match="4 attempts"):
        c.get(f"{base}/a")
    assert len(seen) == 4 and len(c.stats.waits) == 3


def test_report_without_rows_prints_no_rows_line(capsys: pytest.CaptureFixture[str]) -> None:
    from reelradar.cli.where import print_report

    print_report(UpdateReport(source="tmdb", rows={"title": 0, "offer": 0},
                              failed={f"tv:{n}": "cannot reach host" for n in range(50)}), json=False)
    err = capsys.readouterr().err
    assert "rows:" not in err
    assert "failed tv:0 and 49 more: cannot reach host" in err and err.count("failed tv:") == 1
