"""Reading export files defensively: size limits checked while reading, strict UTF-8, CSV headers by
name with known aliases, ZIP members read with a byte budget (a ZIP bomb stops at the limit). A large
CSV is read as a stream (``open_text``, ``csv_rows``), never held whole.

Every problem is one ``BadInput`` line naming the file and, where it applies, the line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from reelradar.errors import BadInput

CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # per file, uncompressed
    max_total: int  # all files of one import, uncompressed
    max_rows: int  # rows or items per file
    max_members: int = 10_000  # entries in one ZIP


def read_file(path: Path, limits: Limits) -> bytes:
    """The bytes of ``path``, refusing a file over the limit (checked while reading, not only by size)."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise BadInput(f"{path}: {size:,} bytes, more than the limit of {limits.max_bytes:,} (import_max_mb)")
        with path.open("rb") as fh:
            return _read_limited(fh, limits.max_bytes, str(path))
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise BadInput(f"{path}: permission denied") from None


def _read_limited(fh: Any, limit: int, name: str) -> bytes:
    buf = bytearray()
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > limit:
            raise BadInput(f"{name}: more than {limit:,} bytes once unpacked, the limit (import_max_mb): "
                           "not imported")


class ZipReader:
    """Members of a ZIP read under the limits: per member and in total, whatever the headers claim."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits, self.total = path, limits, 0
        if not path.is_file():
            raise BadInput(f"{path}: no such file")
        if path.stat().st_size > limits.max_bytes:
            raise BadInput(f"{path}: more than the limit of {limits.max_bytes:,} bytes (import_max_mb)")
        try:
            self.zf = zipfile.ZipFile(path)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadInput(f"{path}: not a readable ZIP file ({exc}): truncated or not an export?") from None
        if len(infos) > limits.max_members:
            raise BadInput(f"{path}: {len(infos):,} entries, more than the limit of {limits.max_members:,}")
        self.names = [i.filename for i in infos if not i.is_dir()]

    def find(self, suffix: str) -> str | None:
        """The member whose path ends with ``suffix`` (exports are sometimes zipped inside a folder)."""
        for name in self.names:
            if name == suffix or name.endswith("/" + suffix):
                return name
        return None

    def read(self, name: str) -> bytes:
        where = f"{self.path}:{name}"
        try:
            with self.zf.open(name) as fh:
                data = _read_limited(fh, self.limits.max_bytes, where)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as exc:
            raise BadInput(f"{where}: cannot be unpacked ({exc}): truncated or damaged ZIP") from None
        self.total += len(data)
        if self.total > self.limits.max_total:
            raise BadInput(f"{self.path}: more than {self.limits.max_total:,} bytes once unpacked (import_max_mb)")
        return data

    def close(self) -> None:
        self.zf.close()


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is fine); anything else is refused with the line where it breaks."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(f"{name} line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                       "export it again or save it as UTF-8") from None


@dataclass
class CsvRow:
    line: int  # line number in the file where the row ends (the header is line 1)
    values: dict[str, str]  # canonical column name -> text ("" when empty)


def read_csv(text: str, name: str, columns: Mapping[str, Sequence[str]], required: Sequence[str],
             max_rows: int) -> tuple[list[str], list[CsvRow]]:
    """Rows of a CSV by canonical column names. ``columns`` maps each canonical name to the header
    spellings exports have used; a required column that is missing stops the import."""
    header, rows = csv_rows(io.StringIO(text, newline=""), name, columns, required, max_rows)
    return header, list(rows)


def csv_rows(lines: Iterable[str], name: str, columns: Mapping[str, Sequence[str]], required: Sequence[str],
             max_rows: int) -> tuple[list[str], Iterator[CsvRow]]:
    """``read_csv`` as a stream: the header is read and checked at once, the rows as they are asked for
    (each refused with its line when ragged or damaged)."""
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(f"{name}: empty file, no header") from None
    except csv.Error as exc:
        raise BadInput(f"{name} line 1: {exc}") from None
    lookup = {h.strip().lower(): i for i, h in enumerate(header)}
    pos: dict[str, int] = {}
    for canon, spellings in columns.items():
        for s in spellings:
            if s.lower() in lookup:
                pos[canon] = lookup[s.lower()]
                break
    missing = [c for c in required if c not in pos]
    if missing:
        want = columns[missing[0]][0]
        raise BadInput(f"{name} line 1: no column {want!r} (the header has: {', '.join(header)})")
    return header, _csv_values(reader, name, len(header), pos, max_rows)


def _csv_values(reader: Any, name: str, width: int, pos: dict[str, int], max_rows: int) -> Iterator[CsvRow]:
    count = 0
    try:
        for raw in reader:
            if not raw or all(not v.strip() for v in raw):
                continue
            if len(raw) != width:
                raise BadInput(f"{name} line {reader.line_num}: {len(raw)} fields where the header has "
                               f"{width}: truncated or damaged file, nothing imported")
            if count >= max_rows:
                raise BadInput(f"{name}: more than {max_rows:,} rows, the limit (import_max_rows)")
            count += 1
            yield CsvRow(reader.line_num, {c: raw[i].strip() for c, i in pos.items()})
    except csv.Error as exc:
        raise BadInput(f"{name} line {reader.line_num}: {exc}: truncated or damaged file, nothing imported") from None


class _Limited(io.RawIOBase):
    """A file read through a byte budget: past ``limit`` bytes it is refused, whatever its size said."""

    def __init__(self, fh: io.BufferedReader, limit: int, name: str) -> None:
        self.fh, self.limit, self.name, self.seen = fh, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.fh.readinto(buffer) or 0
        self.seen += n
        if self.seen > self.limit:
            raise BadInput(f"{self.name}: more than {self.limit:,} bytes, the limit (import_max_mb): not imported")
        return n


@contextmanager
def open_text(path: Path, limits: Limits) -> Iterator[TextIO]:
    """``path`` as UTF-8 text read as it is used (a BOM is fine), under the same limits as ``read_file``,
    so a large export is never held whole. Bytes that are not UTF-8 are refused with their line."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise BadInput(f"{path}: {size:,} bytes, more than the limit of {limits.max_bytes:,} (import_max_mb)")
        fh = path.open("rb")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise BadInput(f"{path}: permission denied") from None
    with fh:
        text = io.TextIOWrapper(io.BufferedReader(_Limited(fh, limits.max_bytes, name), CHUNK),
                                encoding="utf-8-sig", errors="strict", newline="")
        try:
            yield text
        except UnicodeDecodeError:
            # the decoder works a chunk ahead of the rows: read the bytes again to name the line
            fh.seek(0)
            decode(_read_limited(fh, limits.max_bytes, name), name)
            raise


def iter_files(root: Path, suffix: str) -> Iterator[Path]:
    """Files under ``root`` (a folder, searched two levels deep) ending in ``suffix``, sorted."""
    found = sorted(p for p in root.glob(f"*{suffix}") if p.is_file())
    found += sorted(p for p in root.glob(f"*/*{suffix}") if p.is_file())
    yield from found
