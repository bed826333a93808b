"""Reading export files defensively: size limits checked while reading, strict UTF-8, CSV headers by
name with known aliases, ZIP members read with a byte budget (a ZIP bomb stops at the limit).

Every problem is one ``BadInput`` line naming the file and, where it applies, the line.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
    rows: list[CsvRow] = []
    try:
        for raw in reader:
            if not raw or all(not v.strip() for v in raw):
                continue
            if len(raw) != len(header):
                raise BadInput(f"{name} line {reader.line_num}: {len(raw)} fields where the header has "
                               f"{len(header)}: truncated or damaged file, nothing imported")
            if len(rows) >= max_rows:
                raise BadInput(f"{name}: more than {max_rows:,} rows, the limit (import_max_rows)")
            rows.append(CsvRow(reader.line_num, {c: raw[i].strip() for c, i in pos.items()}))
    except csv.Error as exc:
        raise BadInput(f"{name} line {reader.line_num}: {exc}: truncated or damaged file, nothing imported") from None
    return header, rows


def iter_files(root: Path, suffix: str) -> Iterator[Path]:
    """Files under ``root`` (a folder, searched two levels deep) ending in ``suffix``, sorted."""
    found = sorted(p for p in root.glob(f"*{suffix}") if p.is_file())
    found += sorted(p for p in root.glob(f"*/*{suffix}") if p.is_file())
    yield from found
