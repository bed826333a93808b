"""The user store's writes of an import, a batch of rows at a time.

An export of a million rows written one statement at a time spends its minutes building SQL, not
storing rows. Here each batch reads what the store already holds for its rows (items by source key,
matches and overrides by item, interactions by fact key) in a few queries, and writes what is new or
changed with one ``executemany`` per table. The rules are those of ``store.upsert_item``,
``store.save_match`` and ``store.put_interaction``: an item keeps the ids it had and gains new ones,
a match is rewritten only when it changed, an interaction is inserted once and updated when its
rating or date changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from reelradar.resolve.link import Record
from reelradar.users import tables as t


def now() -> datetime:
    """The store's clock: UTC, to the second, kept without its zone (as SQLite holds it)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


IN_LIST = 5000  # values per IN (...) list, well under SQLite's limit of 32,766 variables


def _chunks(values: Sequence[Any], size: int = IN_LIST) -> Iterable[Sequence[Any]]:
    for at in range(0, len(values), size):
        yield values[at:at + size]


def items_for(conn: sa.Connection, source: str, records: dict[str, Record]) -> dict[str, int]:
    """The item id of each source key, inserting the items the store lacks and adding ids it lacked."""
    found: dict[str, tuple[int, dict[str, str]]] = {}
    keys = sorted(records)
    for part in _chunks(keys):
        for row in conn.execute(sa.select(t.item.c.id, t.item.c.source_key, t.item.c.xids).where(
                t.item.c.source == source, t.item.c.source_key.in_(part))):
            found[row.source_key] = (int(row.id), row.xids)
    stamp = now()
    fresh = [{"source": source, "source_key": k, "title": r.title, "year": r.year, "kind": r.kind,
              "xids": dict(r.xids), "runtime_min": r.runtime_min, "people": list(r.people), "created_at": stamp}
             for k, r in records.items() if k not in found]
    if fresh:
        conn.execute(sa.insert(t.item), fresh)
        for part in _chunks([f["source_key"] for f in fresh]):
            for row in conn.execute(sa.select(t.item.c.id, t.item.c.source_key, t.item.c.xids).where(
                    t.item.c.source == source, t.item.c.source_key.in_(part))):
                found[row.source_key] = (int(row.id), row.xids)
    merged = []
    for key, (item_id, xids) in found.items():
        more = {**records[key].xids, **xids}
        if more != xids:
            merged.append({"b_id": item_id, "b_xids": more})
    if merged:
        conn.execute(sa.update(t.item).where(t.item.c.id == sa.bindparam("b_id"))
                     .values(xids=sa.bindparam("b_xids")), merged)
    return {key: item_id for key, (item_id, _) in found.items()}


def overrides_of(conn: sa.Connection, item_ids: Sequence[int]) -> dict[int, str | None]:
    """The hand-made link of each item that has one (None: unlinked by hand)."""
    out: dict[int, str | None] = {}
    for part in _chunks(sorted(set(item_ids))):
        out.update((int(r.item_id), r.title_id) for r in conn.execute(
            sa.select(t.title_override.c.item_id, t.title_override.c.title_id)
            .where(t.title_override.c.item_id.in_(part))))
    return out


def save_matches(conn: sa.Connection, matches: dict[int, Any], built_at: str | None) -> int:
    """Store each item's match unless the store holds the same one; how many were stored."""
    data = {item_id: m.to_dict() for item_id, m in matches.items()}
    old: dict[int, Any] = {}
    for part in _chunks(sorted(data)):
        old.update((int(r.item_id), r.match) for r in conn.execute(
            sa.select(t.title_match.c.item_id, t.title_match.c.match).where(t.title_match.c.item_id.in_(part))))
    stamp = now()
    changed = [{"item_id": item_id, "title_id": m.title_id, "tconst": m.tconst, "verdict": m.verdict,
                "distance": m.distance, "method": m.method, "reason": m.reason, "match": data[item_id],
                "catalog_built_at": built_at, "matched_at": stamp}
               for item_id, m in matches.items() if old.get(item_id) != data[item_id]]
    if changed:
        stmt = sqlite_insert(t.title_match)
        conn.execute(stmt.on_conflict_do_update(index_elements=["item_id"], set_={
            c: stmt.excluded[c] for c in ("title_id", "tconst", "verdict", "distance", "method", "reason", "match",
                                          "catalog_built_at", "matched_at")}), changed)
    return len(changed)


@dataclass
class Fact:
    """One interaction to store, keyed by its dedupe key."""

    item_id: int
    action: str
    rating: float | None
    scale: float | None
    at: datetime | None
    rewatch: bool
    source: str
    dedupe: str
    file: str | None
    row_no: int | None


def put_interactions(conn: sa.Connection, facts: Sequence[Fact]) -> dict[str, str]:
    """Insert each fact once, update one whose rating or date changed: {dedupe key: new | updated | same}."""
    old: dict[str, Any] = {}
    for part in _chunks([f.dedupe for f in facts]):
        for r in conn.execute(sa.select(t.interaction.c.id, t.interaction.c.rating, t.interaction.c.at,
                                        t.interaction.c.dedupe_key).where(t.interaction.c.dedupe_key.in_(part))):
            old[r.dedupe_key] = r
    stamp = now()
    out: dict[str, str] = {}
    inserts, updates = [], []
    for f in facts:
        prev = old.get(f.dedupe)
        if prev is None:
            inserts.append({"item_id": f.item_id, "action": f.action, "rating": f.rating, "scale": f.scale,
                            "at": f.at, "rewatch": f.rewatch, "source": f.source, "dedupe_key": f.dedupe,
                            "file": f.file, "row_no": f.row_no, "recorded_at": stamp})
            out[f.dedupe] = "new"
        elif prev.rating != f.rating or (f.at is not None and prev.at != f.at):
            updates.append({"b_id": prev.id, "b_rating": f.rating, "b_scale": f.scale, "b_at": f.at})
            out[f.dedupe] = "updated"
        else:
            out[f.dedupe] = "same"
    if inserts:
        conn.execute(sa.insert(t.interaction), inserts)
    if updates:
        conn.execute(sa.update(t.interaction).where(t.interaction.c.id == sa.bindparam("b_id")).values(
            rating=sa.bindparam("b_rating"), scale=sa.bindparam("b_scale"), at=sa.bindparam("b_at")), updates)
    return out
