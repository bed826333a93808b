"""Import a person's history: parse the whole export, resolve every title, write it in one transaction.

Re-importing the same file changes nothing (every fact has a stable key); a bad file changes nothing
(it is refused before the store is opened for writing); an error halfway rolls the transaction back.
Rows that match no catalog title are kept and can be linked later with ``reelradar link``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
from reelradar.users.formats import ImportRow, parse_imdb, parse_letterboxd, parse_trakt
from reelradar.users.readers import Limits
from reelradar.users.store import UserStore, now, save_match

PARSERS = {"imdb": parse_imdb, "letterboxd": parse_letterboxd, "trakt": parse_trakt}


def _when(row: ImportRow) -> datetime:
    at = row.at or datetime.min
    return at if at.tzinfo else at.replace(tzinfo=UTC)


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


@dataclass
class ImportReport:
    source: str
    path: str
    rows: list[RowResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.verdict for r in self.rows)
        changes = Counter(r.change for r in self.rows)
        return {"rows": len(self.rows), "strong": c["strong"], "medium": c["medium"], "none": c["none"],
                "new": changes["new"], "updated": changes["updated"], "unchanged": changes["same"]}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "path": self.path, "counts": self.counts,
                "rows": [r.to_dict() for r in self.rows]}


def limits_of(settings: Settings) -> Limits:
    mb = 1024 * 1024
    return Limits(max_bytes=settings.import_max_mb * mb, max_total=settings.import_max_mb * mb,
                  max_rows=settings.import_max_rows)


def parse_export(source: str, path: Path, settings: Settings) -> list[ImportRow]:
    """Read and check the whole export; raises BadInput (file and line) before anything is written."""
    if source not in PARSERS:
        raise BadInput(f"unknown export format {source!r}: use {', '.join(PARSERS)}")
    if not path.exists():
        raise BadInput(f"{path}: no such file or folder")
    return PARSERS[source](path, limits_of(settings))


def import_export(settings: Settings, source: str, path: Path, con: duckdb.DuckDBPyConnection | None = None,
                  notify: Callable[[str], None] = lambda _: None) -> ImportReport:
    """Import an IMDb, Letterboxd or Trakt export into the user store; one transaction, all or nothing.
    ``con`` is the catalog to match against (default: the live one, the demo built first if none)."""
    rows = parse_export(source, path, settings)
    own = con is None
    con = con or open_for_reading(settings, notify)
    try:
        resolver = resolver_for(con, settings)
        built = resolver.index.built_at
        with UserStore(settings.users_path) as store, store.transaction() as conn:
            report = write_rows(conn, resolver, built, source, path, rows)
            record_run(conn, source, path, report)
    finally:
        if own:
            con.close()
    return report


BATCH = 20_000  # rows read and written together


def write_rows(conn: sa.Connection, resolver: Resolver, built: str | None, source: str, path: Path,
               rows: list[ImportRow]) -> ImportReport:
    """Store every row (a batch at a time) and the match of each title it names."""
    report = ImportReport(source, str(path))
    done: dict[int, Match] = {}
    kept = _one_per_fact(rows)
    for at in range(0, len(rows), BATCH):
        batch = rows[at:at + BATCH]
        resolver.prepare(r.record for r in batch)
        ids = bulk.items_for(conn, source, {r.source_key: r.record for r in batch})
        todo = sorted({ids[r.source_key] for r in batch} - done.keys())
        overrides = bulk.overrides_of(conn, todo)
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
        bulk.save_matches(conn, fresh, built)
        facts = [bulk.Fact(ids[r.source_key], r.action, r.rating, r.scale, r.at, r.rewatch, source, r.dedupe,
                           Path(r.file).name, r.row) for i, r in enumerate(batch, at) if kept[r.dedupe] == i]
        changes = put_interactions(conn, facts)
        for i, r in enumerate(batch, at):
            m = done[ids[r.source_key]]
            report.rows.append(RowResult(r.file, r.row, r.action, r.record, ids[r.source_key], m,
                                         changes[r.dedupe] if kept[r.dedupe] == i else "same"))
    return report


def _one_per_fact(rows: list[ImportRow]) -> dict[str, int]:
    """For each fact (dedupe key) stated more than once in one import — a backup holding both
    ratings.json and ratings_movies.json, an API example listing a title twice — the row that states it:
    the latest by date, then the last. Writing each in turn would make every re-import 'update' it."""
    kept: dict[str, int] = {}
    for i, r in enumerate(rows):
        j = kept.get(r.dedupe)
        if j is None or _when(r) >= _when(rows[j]):
            kept[r.dedupe] = i
    return kept


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
