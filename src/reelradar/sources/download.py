"""Download one file over HTTP, politely and safely: streamed to disk with a progress bar, skipped when
the server says it has not changed (ETag / Last-Modified kept beside the file), resumed with a Range
request after an interruption, checked (gzip files are decompressed as they arrive, so a truncated or
corrupt body is caught before use) and only then renamed over the previous copy. A failed download
leaves the previous file exactly as it was.

A host that cannot be reached at all is ``Unreachable`` (tried once: nothing was sent, so nothing can
resume); "run again to resume" is said only when part of the file is kept.

Files beside ``dest``: ``dest.meta.json`` (validators of the complete file), ``dest.part`` (an
interrupted download) and ``dest.part.json`` (the validators the partial body belongs to).
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from reelradar import __version__
from reelradar.catalog.db import fsync_file
from reelradar.errors import SourceFailure
from reelradar.http import connect_timeout, host_of, unreachable

log = logging.getLogger(__name__)

USER_AGENT = f"reelradar/{__version__} (+https://pypi.org/project/reelradar/)"
CHUNK = 1 << 20


@dataclass
class FetchResult:
    """What ``fetch_file`` did: ``changed`` is False when the server said the local copy is current."""

    path: Path
    changed: bool
    status: int
    size: int
    resumed: bool = False
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None


class GzipCheck:
    """Decompress a gzip stream chunk by chunk, keeping nothing: a corrupt or truncated body fails."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._d = zlib.decompressobj(wbits=31)
        self._members = 0
        self._pending = False  # bytes seen after the last complete member

    def feed(self, data: bytes) -> None:
        if data:
            self._pending = True
        while data:
            try:
                self._d.decompress(data)
            except zlib.error as exc:
                raise SourceFailure(f"{self.name} is not a valid gzip file ({exc})", retryable=True) from None
            if not self._d.eof:
                return
            # A member ended; IMDb files are one member, but concatenated members are valid gzip too.
            self._members += 1
            data = self._d.unused_data
            self._d = zlib.decompressobj(wbits=31)
            self._pending = bool(data)

    def finish(self) -> None:
        if self._members == 0 or self._pending:
            raise SourceFailure(f"{self.name} is a truncated gzip file (it ends in the middle of its data)",
                                retryable=True)


def check_gzip_file(path: Path) -> None:
    """Raise SourceFailure unless ``path`` is a complete, valid gzip file."""
    check = GzipCheck(str(path))
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            check.feed(chunk)
    check.finish()


def _read_json(path: Path) -> dict[str, str]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _write_json(path: Path, value: dict[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=1), encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def _progress(label: str, total: int | None, enabled: bool) -> Iterator[object]:
    """A Rich progress bar on stderr (nothing when disabled or not a terminal)."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def fetch_file(
    url: str,
    dest: Path,
    *,
    user_agent: str = USER_AGENT,
    timeout: float = 60.0,
    check_gzip: bool | None = None,
    progress: bool = True,
    client: httpx.Client | None = None,
) -> FetchResult:
    """Download ``url`` to ``dest`` unless the local copy is current; resume an interrupted download.

    ``check_gzip`` (default: when ``dest`` ends in ``.gz``) decompresses the body as it arrives and
    refuses a truncated or corrupt file. Raises SourceFailure (``retryable`` for network errors, 5xx,
    429 and broken bodies; a partial body is kept so the next call resumes it).
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    meta_path = dest.with_name(dest.name + ".meta.json")
    part = dest.with_name(dest.name + ".part")
    part_meta_path = dest.with_name(dest.name + ".part.json")
    gz = dest.name.endswith(".gz") if check_gzip is None else check_gzip
    own_client = client is None
    http = client or httpx.Client(timeout=connect_timeout(timeout), follow_redirects=True)
    try:
        for attempt in (1, 2):  # a second attempt only after the server refused our Range (416)
            headers = {"User-Agent": user_agent, "Accept-Encoding": "identity"}
            offset = part.stat().st_size if part.exists() else 0
            part_meta = _read_json(part_meta_path) if offset else {}
            validator = part_meta.get("etag") or part_meta.get("last_modified")
            if offset and validator and part_meta.get("url") == url:
                # If-Range: the server sends the rest only if the file is still the one we started.
                headers["Range"] = f"bytes={offset}-"
                headers["If-Range"] = validator
            else:
                offset = 0
                meta = _read_json(meta_path) if dest.exists() else {}
                if meta.get("url") == url:
                    if meta.get("etag"):
                        headers["If-None-Match"] = meta["etag"]
                    if meta.get("last_modified"):
                        headers["If-Modified-Since"] = meta["last_modified"]
            try:
                with http.stream("GET", url, headers=headers) as resp:
                    if resp.status_code == 416 and attempt == 1:
                        _drop_part(part, part_meta_path)
                        continue
                    return _receive(resp, url, dest, part, part_meta_path, meta_path, offset, gz, progress)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                raise unreachable(host_of(url), exc) from None
            except httpx.TimeoutException:
                raise SourceFailure(f"download of {url} timed out after {timeout:g} s: try again later",
                                    retryable=True) from None
            except httpx.HTTPError as exc:
                kept = part.stat().st_size if part.exists() else 0
                if not kept:  # nothing to resume from: "run again" is all there is to say
                    raise SourceFailure(f"download of {url} failed ({exc or type(exc).__name__}): try again later",
                                        retryable=True) from None
                raise SourceFailure(
                    f"download of {url} was interrupted ({exc}); {kept:,} bytes kept: run again to resume",
                    retryable=True,
                ) from None
        raise SourceFailure(f"{url} refused to resume the download twice", retryable=True)
    finally:
        if own_client:
            http.close()


def _drop_part(part: Path, part_meta_path: Path) -> None:
    for p in (part, part_meta_path):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _receive(resp: httpx.Response, url: str, dest: Path, part: Path, part_meta_path: Path, meta_path: Path,
             offset: int, gz: bool, progress: bool) -> FetchResult:
    now = datetime.now(UTC)
    status = resp.status_code
    if status == 304:
        meta = _read_json(meta_path)
        return FetchResult(path=dest, changed=False, status=304, size=dest.stat().st_size,
                           etag=meta.get("etag"), last_modified=meta.get("last_modified"), fetched_at=now)
    if status == 429 or status >= 500:
        raise SourceFailure(f"{url} answered HTTP {status}: try again later", retryable=True)
    if status not in (200, 206):
        raise SourceFailure(f"{url} answered HTTP {status}", retryable=False)
    etag, last_modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
    resumed = status == 206
    if resumed:
        start = _range_start(resp.headers.get("Content-Range"))
        if start != offset:
            _drop_part(part, part_meta_path)
            raise SourceFailure(f"{url} resumed at byte {start} instead of {offset}: run again", retryable=True)
    else:
        offset = 0
    length = resp.headers.get("Content-Length")
    total = offset + int(length) if length and length.isdigit() else None
    check = GzipCheck(url) if gz else None
    if check and resumed:
        with part.open("rb") as f:  # the kept bytes are checked too: the whole file must decompress
            while chunk := f.read(CHUNK):
                check.feed(chunk)
    _write_json(part_meta_path, {"url": url, "etag": etag, "last_modified": last_modified})
    received = offset
    with part.open("ab" if resumed else "wb") as out, _progress(dest.name, total, progress) as advance:
        if offset and progress:
            advance(offset)  # type: ignore[operator]
        for chunk in resp.iter_bytes():  # as received: an interruption loses nothing already read
            out.write(chunk)
            received += len(chunk)
            if check:
                try:
                    check.feed(chunk)
                except SourceFailure:
                    out.close()
                    _drop_part(part, part_meta_path)
                    raise
            advance(len(chunk))  # type: ignore[operator]
    if total is not None and received < total:
        raise SourceFailure(
            f"download of {url} ended after {received:,} of {total:,} bytes; kept: run again to resume",
            retryable=True,
        )
    if check:
        try:
            check.finish()
        except SourceFailure:
            _drop_part(part, part_meta_path)
            raise
    fsync_file(part)
    os.replace(part, dest)
    with contextlib.suppress(FileNotFoundError):
        part_meta_path.unlink()
    if last_modified:
        # The file's modification time says when the upstream file was published (as wget -N does).
        with contextlib.suppress(TypeError, ValueError, OSError):
            stamp = email.utils.parsedate_to_datetime(last_modified).timestamp()
            os.utime(dest, (stamp, stamp))
    _write_json(meta_path, {"url": url, "etag": etag, "last_modified": last_modified, "size": received,
                            "fetched_at": now.isoformat(timespec="seconds")})
    log.info("downloaded %s (%d bytes%s)", url, received, ", resumed" if resumed else "")
    return FetchResult(path=dest, changed=True, status=status, size=received, resumed=resumed, etag=etag,
                       last_modified=last_modified, fetched_at=now)


def _range_start(content_range: str | None) -> int | None:
    # "bytes 100-199/200"
    if not content_range or not content_range.startswith("bytes "):
        return None
    first = content_range[6:].split("-", 1)[0]
    return int(first) if first.isdigit() else None
