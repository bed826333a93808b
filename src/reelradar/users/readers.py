"""Reading export files defensively: size limits checked while reading, text in UTF-8 or (for CSVs
written before exporters moved to UTF-8) the encoding a detector finds, CSV headers by name with known
aliases, ZIP members read with a byte budget (a ZIP bomb stops at the limit). A large CSV is read as a
stream (``open_text``, ``csv_rows``), never held whole.

Encodings: a file whose every byte is UTF-8 is UTF-8 (a BOM is fine). Otherwise charset-normalizer reads
the start of the file and the bytes around the first one that is not UTF-8; among the code pages it finds
as clean as its best answer, Windows-1252 wins, because that is what the exporters that did not write
UTF-8 (IMDb until 2023) wrote. Refused: a file that is UTF-8 up to one byte (damaged, not another
encoding), and bytes that are text in no encoding.

Every problem is one ``BadInput`` line naming the file and, where it applies, the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import charset_normalizer

from reelradar.errors import BadInput

CHUNK = 1 << 16
UTF8 = "utf-8-sig"  # UTF-8, with or without a BOM
SAMPLE = 1 << 20  # bytes of a file's start the detector reads
PREFERRED = "cp1252"  # wins among the code pages the detector finds as clean as its best
TIE = 0.1  # how much less clean (charset-normalizer's "chaos", 0..1) still counts as as clean
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252", "iso8859-1": "Latin-1",
                  "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "mac-roman": "Mac Roman"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # per file, uncompressed
    max_total: int  # all files of one import, uncompressed
    max_rows: int  # rows or items per file
    max_members: int = 10_000  # entries in one ZIP


def read_file(path: Path, limits: Limits) -> bytes:
    """The bytes of ``path``, refusing a file over the limit (checked while reading, not only by size)."""
    with _open_binary(path, limits) as fh:
        return _read_limited(fh, limits.max_bytes, str(path))


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
        return data.decode(UTF8)
    except UnicodeDecodeError as exc:
        raise _not_text(data, exc.start, UTF8, name) from None


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """The text of a file in UTF-8 or in the encoding ``detect_encoding`` finds, and that encoding."""
    encoding = detect_encoding([data], name)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise _not_text(data, exc.start, encoding, name) from None


def encoding_name(codec: str) -> str:
    """The name people know an encoding by: ``cp1252`` is Windows-1252."""
    canon = codecs.lookup(codec).name
    if canon in ENCODING_NAMES:
        return ENCODING_NAMES[canon]
    return f"Windows-{canon[2:]}" if canon.startswith("cp125") else canon.upper()


def _not_text(data: bytes, at: int, encoding: str, name: str) -> BadInput:
    line = data[:at].count(b"\n") + 1
    return BadInput(f"{name} line {line}: not {encoding_name(encoding)} text (byte 0x{data[at]:02x}); "
                    "export it again or save it as UTF-8")


def detect_encoding(chunks: Iterable[bytes], name: str) -> str:
    """The encoding of a text read in chunks (see the module's note): UTF-8 when every byte is, else the
    detector's. Only the bytes before the first that is not UTF-8 and around it are held."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = bytearray()
    offset, lines, wide = 0, 1, False
    for chunk in chunks:
        if len(head) < SAMPLE:
            head += chunk[: SAMPLE - len(head)]
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            at = min(max(exc.start - pending, 0), len(chunk) - 1)
            line, bad = lines + chunk[:at].count(b"\n"), chunk[at]
            if wide or not chunk[:at].isascii():
                raise BadInput(f"{name} line {line}: not UTF-8 text (byte 0x{bad:02x}) although the text before "
                               "it is: a damaged file; export it again or save it as UTF-8") from None
            sample = bytes(head) if offset + at < len(head) else bytes(head) + chunk[max(at - 4096, 0):at + SAMPLE]
            return _detected(sample, name, line, bad)
        offset += len(chunk)
        lines += chunk.count(b"\n")
        wide = wide or not chunk.isascii()
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise BadInput(f"{name} line {lines}: ends inside a UTF-8 character: a truncated file, nothing "
                       "imported") from None
    return UTF8


def _detected(sample: bytes, name: str, line: int, bad: int) -> str:
    results = charset_normalizer.from_bytes(sample)
    best = results.best()
    if best is None:
        raise BadInput(f"{name} line {line}: not text in UTF-8 or any other encoding (byte 0x{bad:02x}): "
                       "not an export, or a damaged one")
    if any(PREFERRED in m.could_be_from_charset for m in results if m.chaos <= best.chaos + TIE):
        return PREFERRED
    return str(best.encoding)


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
            # a blank line, or one of empty fields; most rows start with a value, so that is looked at first
            if not raw or (not raw[0].strip() and not "".join(raw).strip()):
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


def _open_binary(path: Path, limits: Limits) -> Any:
    """``path`` opened for reading bytes, or one line saying why not (missing, a folder, too big...)."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise BadInput(f"{path}: {size:,} bytes, more than the limit of {limits.max_bytes:,} (import_max_mb)")
        return path.open("rb")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise BadInput(f"{path}: permission denied") from None


def file_encoding(path: Path, limits: Limits) -> str:
    """``detect_encoding`` of a file, read a chunk at a time under the limits."""
    with _open_binary(path, limits) as fh:
        limited = _Limited(fh, limits.max_bytes, str(path))
        return detect_encoding(iter(lambda: limited.read(CHUNK) or b"", b""), str(path))


@contextmanager
def open_text(path: Path, limits: Limits, encoding: str = UTF8) -> Iterator[TextIO]:
    """``path`` as text read as it is used (UTF-8 unless told: see ``file_encoding``), under the same
    limits as ``read_file``, so a large export is never held whole. Bytes the encoding cannot read are
    refused with their line."""
    name = str(path)
    with _open_binary(path, limits) as fh:
        text = io.TextIOWrapper(io.BufferedReader(_Limited(fh, limits.max_bytes, name), CHUNK),
                                encoding=encoding, errors="strict", newline="")
        try:
            yield text
        except UnicodeDecodeError:
            # the decoder works a chunk ahead of the rows: read the bytes again to name the line
            fh.seek(0)
            data = _read_limited(fh, limits.max_bytes, name)
            try:
                data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _not_text(data, exc.start, encoding, name) from None
            raise


def iter_files(root: Path, suffix: str) -> Iterator[Path]:
    """Files under ``root`` (a folder, searched two levels deep) ending in ``suffix``, sorted."""
    found = sorted(p for p in root.glob(f"*{suffix}") if p.is_file())
    found += sorted(p for p in root.glob(f"*/*{suffix}") if p.is_file())
    yield from found
