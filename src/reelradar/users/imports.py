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
from reelradar.resolve.link import Match, Resolver, resolver_for
from reelradar.users import tables as t
from reelradar.users.formats import ImportRow, parse_imdb, parse_letterboxd, parse_trakt
from reelradar.users.readers import Limits
from reelradar.users.store import UserStore, has_override, now, put_interaction, save_match, upsert_item

PARSERS = {"imdb": parse_imdb, "letterboxd": parse_letterboxd, "trakt": parse_trakt}


def _when(row: ImportRow) -> datetime:
    at = row.at or datetime.min
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass
class RowResult:
    """One input row: what it said, what it became, and whether the store changed."""

    file: str
    row: int
    action: str
    said: dict[str, Any]
    record: int  # the record number, for why-match / link / unlink
    verdict: str
    title_id: str | None
    tconst: str | None
    title: str | None
    year: int | None
    distance: float | None
    method: str
    reason: str
    components: list[dict[str, Any]]
    change: str  # new, updated, same

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


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


def write_rows(conn: sa.Connection, resolver: Resolver, built: str | None, source: str, path: Path,
               rows: list[ImportRow]) -> ImportReport:
    report = ImportReport(source, str(path))
    done: dict[int, Match] = {}
    resolver.prepare(r.record for r in rows)
    kept = _one_per_fact(rows)
    for i, r in enumerate(rows):
        item_id = upsert_item(conn, source, r.source_key, r.record)
        m = done.get(item_id)
        if m is None:
            if has_override(conn, item_id):
                m = _override_match(conn, resolver, item_id)
            else:
                m = resolver.match(r.record)
                save_match(conn, item_id, m, built)
            done[item_id] = m
        change = "same" if kept[r.dedupe] != i else put_interaction(
            conn, item_id, r.action, r.rating, r.scale, r.at, r.rewatch, source, r.dedupe, Path(r.file).name, r.row)
        report.rows.append(RowResult(
            r.file, r.row, r.action, r.record.said(), item_id, m.verdict, m.title_id, m.tconst, m.title, m.year,
            m.distance, m.method, m.reason,
            [{"name": c.name, "penalty": c.penalty, "weight": c.weight, "note": c.note} for c in m.components],
            change))
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


def _override_match(conn: sa.Connection, resolver: Resolver, item_id: int) -> Match:
    title_id = conn.execute(sa.select(t.title_override.c.title_id).where(
        t.title_override.c.item_id == item_id)).scalar()
    if title_id is None:
        return Match(None, "none", None, "manual", "unlinked by hand")
    return resolver.manual(title_id)


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
