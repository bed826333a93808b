"""fetch_file against a real HTTP server on 127.0.0.1: conditional GET, resume, broken bodies, errors."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from reelradar.errors import SourceFailure
from reelradar.sources.download import check_gzip_file, fetch_file
from reelradar.testing import Request, Response, local_server

BODY = gzip.compress(("tconst\tprimaryTitle\n" + "".join(f"tt{i:07d}\tTitle {i}\n" for i in range(3000))).encode())
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 23 Nov 2026 08:00:00 GMT"


def serving(body: bytes = BODY, etag: str = ETAG, *, honour_range: bool = True):
    """A handler like IMDb's CDN: validators, 304 on a match, 206 for a Range with a matching If-Range."""

    def handle(req: Request) -> Response:
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if req.headers.get("if-none-match") == etag:
            return Response(304, b"", headers)
        rng = req.headers.get("range")
        if rng and honour_range and req.headers.get("if-range") in (etag, LAST_MODIFIED):
            start = int(rng.split("=")[1].split("-")[0])
            headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
            return Response(206, body[start:], headers)
        return Response(200, body, headers)

    return handle


def test_download_then_not_modified(tmp_path: Path) -> None:
    dest = tmp_path / "title.basics.tsv.gz"
    with local_server(serving()) as (url, seen):
        first = fetch_file(f"{url}/title.basics.tsv.gz", dest, progress=False)
        second = fetch_file(f"{url}/title.basics.tsv.gz", dest, progress=False)
    assert first.changed and first.status == 200 and dest.read_bytes() == BODY
    assert not second.changed and second.status == 304 and dest.read_bytes() == BODY
    assert seen[1].headers["if-none-match"] == ETAG
    assert seen[1].headers["if-modified-since"] == LAST_MODIFIED
    assert seen[0].headers["user-agent"].startswith("reelradar/")
    # the file carries the upstream publication time (what the IMDb build uses as the ratings' date)
    assert dest.stat().st_mtime == pytest.approx(1795420800, abs=1)


def test_changed_upstream_file_is_fetched_again(tmp_path: Path) -> None:
    dest = tmp_path / "f.tsv.gz"
    with local_server(serving()) as (url, _):
        fetch_file(f"{url}/f.tsv.gz", dest, progress=False)
    newer = gzip.compress(b"tconst\tprimaryTitle\ntt1\tNew\n")
    with local_server(serving(newer, '"v2"')) as (url2, _):
        # another server, same path: validators are kept per URL, so nothing is assumed current
        result = fetch_file(f"{url2}/f.tsv.gz", dest, progress=False)
    assert result.changed and dest.read_bytes() == newer


def test_interrupted_download_resumes_with_range(tmp_path: Path) -> None:
    dest = tmp_path / "title.principals.tsv.gz"
    cut = len(BODY) // 3
    calls = {"n": 0}
    full = serving()

    def flaky(req: Request) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response(200, BODY, {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}, truncate_to=cut)
        return full(req)

    with local_server(flaky) as (url, seen):
        with pytest.raises(SourceFailure) as info:
            fetch_file(f"{url}/p.tsv.gz", dest, progress=False)
        assert info.value.retryable
        assert not dest.exists()
        kept = dest.with_name(dest.name + ".part").stat().st_size
        assert 0 < kept <= cut
        result = fetch_file(f"{url}/p.tsv.gz", dest, progress=False)
    assert seen[1].headers["range"] == f"bytes={kept}-" and seen[1].headers["if-range"] == ETAG
    assert result.resumed and result.status == 206 and dest.read_bytes() == BODY
    assert not dest.with_name(dest.name + ".part").exists()


def test_resume_refused_by_server_starts_over(tmp_path: Path) -> None:
    dest = tmp_path / "f.tsv.gz"
    part = dest.with_name(dest.name + ".part")
    part.write_bytes(BODY[:100])
    dest.with_name(dest.name + ".part.json").write_text('{"url": "x", "etag": "\\"v1\\""}')
    with local_server(serving(honour_range=False)) as (url, _):
        dest.with_name(dest.name + ".part.json").write_text(f'{{"url": "{url}/f.tsv.gz", "etag": "\\"v1\\""}}')
        result = fetch_file(f"{url}/f.tsv.gz", dest, progress=False)
    assert result.status == 200 and not result.resumed and dest.read_bytes() == BODY


def test_truncated_gzip_is_refused_and_previous_copy_kept(tmp_path: Path) -> None:
    dest = tmp_path / "f.tsv.gz"
    dest.write_bytes(BODY)
    broken = BODY[: len(BODY) - 40]  # a complete HTTP body, but the gzip inside it ends early
    with local_server(serving(broken, '"v2"')) as (url, _), pytest.raises(SourceFailure, match="truncated gzip"):
        fetch_file(f"{url}/f.tsv.gz", dest, progress=False)
    assert dest.read_bytes() == BODY
    assert not dest.with_name(dest.name + ".part").exists()


def test_corrupt_gzip_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "f.tsv.gz"
    corrupt = BODY[:20] + bytes(b ^ 0xFF for b in BODY[20:200]) + BODY[200:]
    with local_server(serving(corrupt)) as (url, _), pytest.raises(SourceFailure, match="not a valid gzip"):
        fetch_file(f"{url}/f.tsv.gz", dest, progress=False)
    assert not dest.exists()


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (503, True), (429, True), (404, False)])
def test_http_errors_leave_the_previous_file(tmp_path: Path, status: int, retryable: bool) -> None:
    dest = tmp_path / "f.tsv.gz"
    dest.write_bytes(BODY)
    with (
        local_server(lambda req: Response(status, b"oops")) as (url, _),
        pytest.raises(SourceFailure, match=f"HTTP {status}") as info,
    ):
        fetch_file(f"{url}/f.tsv.gz", dest, progress=False)
    assert info.value.retryable is retryable
    assert dest.read_bytes() == BODY


def test_timeout_is_a_retryable_failure(tmp_path: Path) -> None:
    with (
        local_server(lambda req: Response(200, BODY, delay=1.0)) as (url, _),
        pytest.raises(SourceFailure, match="timed out") as info,
    ):
        fetch_file(f"{url}/f.tsv.gz", tmp_path / "f.tsv.gz", progress=False, timeout=0.2)
    assert info.value.retryable


def test_check_gzip_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.gz", tmp_path / "bad.gz"
    good.write_bytes(BODY + gzip.compress(b"second member\n"))  # concatenated members are valid gzip
    bad.write_bytes(BODY[:-8])
    check_gzip_file(good)
    with pytest.raises(SourceFailure, match="truncated"):
        check_gzip_file(bad)
    os.remove(good)
