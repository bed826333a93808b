"""What every export reader shares: the row an export becomes (``ImportRow``), the stream of rows
with its notes (``RowStream``), the rule that picks one row of a fact stated twice (``winners``), and
the files of an export given as a folder, a ZIP or one file (``backup_files``: Trakt, Simkl, TV Time),
and the reading of JSON exports (Trakt, Simkl): their ids, their parse errors.

Every value passes through ``reelradar.validate``, so nothing the user store cannot hold gets in.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.readers import Limits, ZipReader, decode, iter_files, read_file


@dataclass(slots=True)
class ImportRow:
    """One thing an export says a person did, with the record of the title it names."""

    file: str
    row: int  # line in a CSV, item number in a JSON list
    action: str  # rated, watched, watchlist, liked
    record: Record
    source_key: str  # the title's stable key within the source
    dedupe: str  # the same key on every import of the same fact
    rating: float | None = None
    scale: float | None = None
    at: datetime | None = None
    rewatch: bool = False


# the rules (years, dates, counts, numbers, titles) are in reelradar.validate
MAX_RUNTIME_MIN = 100_000  # minutes; the longest films ever shown run about 50,000
IMDB_ID = re.compile(r"tt[0-9]{1,12}")


@dataclass
class RowStream:
    """An export's rows as they are read, for each fact stated more than once (its dedupe key) the
    position in the stream of the row that states it (see ``winners``), and what the person should know
    of how the export was read: an encoding other than UTF-8, files or items skipped and why."""

    rows: Iterator[ImportRow]
    repeated: dict[str, int]
    notes: list[str] = field(default_factory=list)


def whole(rows: list[ImportRow], notes: list[str] | None = None) -> RowStream:
    """The stream of an export read whole."""
    return RowStream(iter(rows), winners(enumerate(rows)), notes or [])


def skipped_notes(skipped: Counter[str], said: dict[str, tuple[str, str]]) -> list[str]:
    """One note per reason counted in ``skipped`` ("skipped 3 titles marked …"), in the order of ``said``:
    reason -> (the noun counted, the rest of the sentence)."""
    return [f"skipped {n} {noun}{'s' * (n != 1)} {rest}" for key, (noun, rest) in said.items() if (n := skipped[key])]


def winners(rows: Iterable[tuple[int, ImportRow]]) -> dict[str, int]:
    """For each fact stated more than once in one import — a backup holding both ratings.json and
    ratings_movies.json, an API example listing a title twice — the position of the row that states
    it: the latest by date, then the last. Writing each in turn would make every re-import 'update' it."""
    best: dict[str, tuple[datetime, int]] = {}
    repeated: set[str] = set()
    for i, r in rows:
        at = when(r)
        j = best.get(r.dedupe)
        if j is not None:
            repeated.add(r.dedupe)
        if j is None or at >= j[0]:
            best[r.dedupe] = (at, i)
    return {k: best[k][1] for k in repeated}


def when(row: ImportRow) -> datetime:
    """The row's date for ordering (rows without one come first), with a zone."""
    at = row.at or datetime.min
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def json_id(value: object, what: str, where: str) -> str | None:
    """An id as JSON exports write them: text or a whole number (None when absent or empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return validate.text(value, what, where, max_len=200)
    raise BadInput(f"{where}: {what} {validate.shown(value)} is neither text nor a number")


def read_json(data: bytes, name: str) -> Any:
    """The JSON value of a file, or one BadInput line saying why it cannot be read."""
    try:
        value = json.loads(decode(data, name))
    except json.JSONDecodeError as exc:
        raise BadInput(f"{name} line {exc.lineno}: not valid JSON ({exc.msg}): truncated or damaged file, "
                       "nothing imported") from None
    except RecursionError:
        raise BadInput(f"{name}: not valid JSON (nested too deep to read): damaged file, nothing imported") from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise BadInput(f"{name}: not valid JSON (a number of thousands of digits): damaged file, "
                       "nothing imported") from None
    return value


def backup_files(path: Path, limits: Limits, suffix: str, keep: Callable[[str], bool] | None = None,
                 missing: str | None = None) -> list[tuple[str, bytes]]:
    """The wanted files of an export (a folder, a ZIP or one file), as (the name to show, its bytes), read
    under the limits. A file is wanted when ``keep`` says so of its name, else when it ends in ``suffix``
    (one file given alone is read whatever its name, unless ``keep`` refuses it). None wanted: one
    BadInput line, ``missing`` or 'no JSON files in it' (CSV for a suffix .csv)."""
    kind = suffix.lstrip(".").upper()
    files: list[tuple[str, bytes]] = []
    if path.is_dir():
        total = 0
        for p in iter_files(path, suffix):
            if keep is None or keep(p.name):
                files.append((str(p), read_file(p, limits)))
                total += len(files[-1][1])
                if total > limits.max_total:
                    raise BadInput(f"{path}: more than {limits.max_total:,} bytes of {kind} (import_max_mb)")
    elif path.suffix.lower() == ".zip":
        zr = ZipReader(path, limits)
        try:
            files = [(f"{path}:{n}", zr.read(n)) for n in zr.names
                     if (keep(n) if keep else n.lower().endswith(suffix))]
        finally:
            zr.close()
    elif keep is None or keep(path.name):
        files = [(str(path), read_file(path, limits))]
    if not files:
        raise BadInput(missing or f"{path}: no {kind} files in it")
    return files
