"""Import a person's history: read the export, resolve every title, write it in one transaction.

Re-importing the same file changes nothing (every fact has a stable key); a bad file changes nothing
(a file of the wrong shape is refused before the store is opened for writing; a bad value found while
the rows are written, or any error halfway, rolls the transaction back). Rows that match no catalog
title are kept and can be linked later with ``reelradar link``.

An IMDb export of a million rows is read, resolved and written a batch at a time, so memory is bounded
by the batch: the report keeps its counts and its rows packed a batch at a time, unpacked only when a
caller reads them.
"""

from __future__ import annotations

import gc
import hashlib
import json
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

from reelradar.catalog.ensure import open_for_reading
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.resolve.link import Match, Record, Resolver, resolver_for
from reelradar.users import bulk
from reelradar.users import tables as t
from reelradar.users.bulk import put_interactions
from reelradar.users.formats import (
    ImportRow,
    RowStream,
    imdb_stream,
    netflix_export,
    parse_letterboxd,
    simkl_export,
    trakt_export,
    tvtime_export,
    winners,
)
from reelradar.users.kinds import EXPORT_KINDS
from reelradar.users.readers import Limits
from reelradar.users.store import UserStore, now, save_match

PARSERS: dict[str, Callable[[Path, Limits], list[ImportRow]]] = {"letterboxd": parse_letterboxd}
# formats whose reader gives a stream, with what the person should know of how it was read (its notes)
STREAMED: dict[str, Callable[[Path, Limits], RowStream]] = {"imdb": imdb_stream, "trakt": trakt_export,
                                                             "netflix": netflix_export, "tvtime": tvtime_export,
                                                             "simkl": simkl_export}
FORMATS = tuple(EXPORT_KINDS)


@dataclass(slots=True)
class RowResult:
    """One input row: what it said, what it became, and whether the store changed. Holds the row's
    record and match themselves (shared by the rows naming one item), not copies of their fields: an
    import of a million rows keeps a million of these."""

    file: str
    row: int
    action: str
    said_as: Record
    record: int  # the record number, for why-match / link / unlink
    match: Match
    change: str  # new, updated, same

    @property
    def said(self) -> dict[str, Any]:
        return self.said_as.said()

    @property
    def verdict(self) -> str:
        return self.match.verdict

    @property
    def title_id(self) -> str | None:
        return self.match.title_id

    @property
    def tconst(self) -> str | None:
        return self.match.tconst

    @property
    def title(self) -> str | None:
        return self.match.title

    @property
    def year(self) -> int | None:
        return self.match.year

    @property
    def distance(self) -> float | None:
        return self.match.distance

    @property
    def method(self) -> str:
        return self.match.method

    @property
    def reason(self) -> str:
        return self.match.reason

    @property
    def components(self) -> list[dict[str, Any]]:
        return [{"name": c.name, "penalty": c.penalty, "weight": c.weight, "note": c.note}
                for c in self.match.components]

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "action": self.action, "said": self.said, "record": self.record,
                "verdict": str(self.verdict), "title_id": self.title_id, "tconst": self.tconst, "title": self.title,
                "year": self.year, "distance": self.distance, "method": self.method, "reason": self.reason,
                "components": self.components, "change": self.change}


# one row of the report as packed: file, row, action, title, year, kind, ids, item id, change
Packed = tuple[str, int, str, str | None, int | None, str | None, dict[str, str], int, str]


@dataclass
class ImportReport:
    """What an import did: its counts, and every row with what it became. The rows are kept packed, a
    batch at a time (a few dozen bytes a row), and unpacked the first time ``rows`` is read: an import
    of a million rows does not hold a million records and matches while it runs."""

    source: str
    path: str
    notes: list[str] = field(default_factory=list)  # how the export was read: encoding, files skipped
    tally: Counter[str] = field(default_factory=Counter, init=False)
    _pages: list[bytes] = field(default_factory=list, init=False, repr=False)
    _rows: list[RowResult] | None = field(default=None, init=False, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        c = self.tally
        return {"rows": c["rows"], "strong": c["strong"], "medium": c["medium"], "none": c["none"],
                "new": c["new"], "updated": c["updated"], "unchanged": c["same"]}

    @property
    def rows(self) -> list[RowResult]:
        if self._rows is None:
            self._rows = [row for page in self._pages for row in _unpack(page)]
            self._pages = []
        return self._rows

    def add(self, rows: list[Packed], matches: dict[int, Match], texts: dict[int, str]) -> None:
        """Count and keep a batch of rows; ``texts`` holds the JSON of each item's match."""
        for row in rows:
            self.tally[str(matches[row[7]].verdict)] += 1
            self.tally[row[8]] += 1
        self.tally["rows"] += len(rows)
        page = pickle.dumps((rows, {i: texts[i] for i in {row[7] for row in rows}}), pickle.HIGHEST_PROTOCOL)
        self._pages.append(zlib.compress(page, 1))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "path": self.path, "counts": self.counts, "notes": list(self.notes),
                "rows": [r.to_dict() for r in self.rows]}


def _unpack(page: bytes) -> Iterator[RowResult]:
    rows, texts = pickle.loads(zlib.decompress(page))
    matches = {item_id: Match.from_dict(json.loads(text)) for item_id, text in texts.items()}
    for file, row, action, title, year, kind, xids, item_id, change in rows:
        yield RowResult(file, row, action, Record(title, year, kind, xids), item_id, matches[item_id], change)


def limits_of(settings: Settings) -> Limits:
    mb = 1024 * 1024
    return Limits(max_bytes=settings.import_max_mb * mb, max_total=settings.import_max_mb * mb,
                  max_rows=settings.import_max_rows)


def parse_export(source: str, path: Path, settings: Settings) -> list[ImportRow]:
    """Read and check the whole export; raises BadInput (file and line) before anything is written."""
    return list(read_export(source, path, settings).rows)


def read_export(source: str, path: Path, settings: Settings) -> RowStream:
    """The export's rows as a stream. A file of the wrong shape is refused here, before anything is
    written; an IMDb CSV's values are checked as its rows are read (inside the import's transaction)."""
    if source not in FORMATS:
        raise BadInput(f"unknown export format {source!r}: use {', '.join(FORMATS)}")
    if not path.exists():
        raise BadInput(f"{path}: no such file or folder")
    if source in STREAMED:
        return STREAMED[source](path, limits_of(settings))
    rows = PARSERS[source](path, limits_of(settings))
    return RowStream(iter(rows), winners(enumerate(rows)))


def import_export(settings: Settings, source: str, path: Path, con: duckdb.DuckDBPyConnection | None = None,
                  notify: Callable[[str], None] = lambda _: None) -> ImportReport:
    """Import an IMDb, Letterboxd, Trakt, Netflix, TV Time or Simkl export into the user store; one transaction, all or nothing.
    ``con`` is the catalog to match against (default: the live one, the demo built first if none)."""
    stream = read_export(source, path, settings)
    own = con is None
    con = con or open_for_reading(settings, notify)
    try:
        resolver = resolver_for(con, settings)
        built = resolver.index.built_at
        with UserStore(settings.users_path) as store, store.transaction() as conn:
            report = write_rows(conn, resolver, built, source, path, stream)
            record_run(conn, source, path, report)
    finally:
        if own:
            con.close()
    return report


BATCH = 20_000  # rows read, resolved and written together


def write_rows(conn: sa.Connection, resolver: Resolver, built: str | None, source: str, path: Path,
               stream: RowStream) -> ImportReport:
    """Store every row (a batch at a time) and the match of each title it names."""
    report = ImportReport(source, str(path), list(stream.notes))
    matched: set[int] = set()  # items resolved by an earlier batch: their stored match is read back
    names: dict[str, str] = {}
    at = 0
    while True:
        with _collector_paused():
            batch = list(islice(stream.rows, BATCH))
            if not batch:
                break
            _write_batch(conn, resolver, built, source, batch, at, stream, report, matched, names)
        at += len(batch)
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while one batch is read, resolved and written. A batch's
    rows, records and matches (some 150,000 objects) live until it ends, and each batch set off two or
    three full collections that walked them all: about a fifth of an import's CPU time. Objects are
    still freed by their reference counts at once; only reference cycles wait for the end of the batch
    (the pause is the whole process's, a few seconds at most). The collector is left as it was found."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _write_batch(conn: sa.Connection, resolver: Resolver, built: str | None, source: str, batch: list[ImportRow],
                 at: int, stream: RowStream, report: ImportReport, matched: set[int], names: dict[str, str]) -> None:
    """Resolve and store one batch of rows (``at``: the position of its first row in the stream)."""
    resolver.prepare(r.record for r in batch)
    ids = bulk.items_for(conn, source, {r.source_key: r.record for r in batch})
    todo = sorted({ids[r.source_key] for r in batch})
    overrides = bulk.overrides_of(conn, todo)
    texts = bulk.stored_matches(conn, [i for i in todo if i in matched and i not in overrides])
    done = {item_id: Match.from_dict(json.loads(text)) for item_id, text in texts.items()}
    fresh: dict[int, Match] = {}
    for r in batch:
        item_id = ids[r.source_key]
        if item_id in done:
            continue
        if item_id in overrides:
            title_id = overrides[item_id]
            done[item_id] = (resolver.manual(title_id) if title_id is not None
                             else Match(None, "none", None, "manual", "unlinked by hand"))
        else:
            done[item_id] = fresh[item_id] = resolver.match(r.record)
    texts.update((item_id, bulk.match_text(m)) for item_id, m in done.items() if item_id not in texts)
    bulk.save_matches(conn, fresh, built, texts)
    matched.update(fresh)
    kept = [stream.repeated.get(r.dedupe, i) == i for i, r in enumerate(batch, at)]
    facts = [bulk.Fact(ids[r.source_key], r.action, r.rating, r.scale, r.at, r.rewatch, source, r.dedupe,
                       names.get(r.file) or names.setdefault(r.file, Path(r.file).name), r.row)
             for r, keep in zip(batch, kept, strict=True) if keep]
    changes = put_interactions(conn, facts)
    report.add([(r.file, r.row, r.action, r.record.title, r.record.year, r.record.kind, r.record.xids,
                 ids[r.source_key], changes[r.dedupe] if keep else "same")
                for r, keep in zip(batch, kept, strict=True)], done, texts)


def record_run(conn: sa.Connection, source: str, path: Path, report: ImportReport) -> None:
    """Keep one line per distinct file imported (a re-import of the same bytes adds nothing)."""
    digest = _sha256(path)
    exists = conn.execute(sa.select(t.import_run.c.id).where(t.import_run.c.sha256 == digest,
                                                             t.import_run.c.source == source)).first()
    if exists is None:
        conn.execute(sa.insert(t.import_run).values(source=source, file=str(path), sha256=digest, at=now(),
                                                    counts=report.counts))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                h.update(chunk)
    return h.hexdigest()


def rematch(settings: Settings, con: duckdb.DuckDBPyConnection) -> Counter[str]:
    """Resolve every record again against the current catalog (after a rebuild); overrides stay."""
    resolver = resolver_for(con, settings)
    counts: Counter[str] = Counter()
    with UserStore(settings.users_path) as store:
        views = store.items()
        with store.transaction() as conn:
            resolver.prepare(v.record for v in views if v.override is None)
            for v in views:
                if v.override is not None:
                    counts["manual"] += 1
                    continue
                m = resolver.match(v.record)
                counts[m.verdict] += 1
                if save_match(conn, v.id, m, resolver.index.built_at):
                    counts["changed"] += 1
    return counts
