"""The user store's writes of an import, a batch of rows at a time.

An export of a million rows written one statement at a time spends its minutes building SQL, not
storing rows. Here each batch reads what the store already holds for its rows (items by source key,
matches and overrides by item, interactions by fact key) in a few queries, and writes what is new or
changed with one ``executemany`` per table. The rules are those of ``store.upsert_item``,
``store.save_match`` and ``store.put_interaction``: an item keeps the ids it had and gains new ones,
a match is rewritten only when it changed, an interaction is inserted once and updated when its
rating or date changed.

These statements are plain SQL run on the driver (``exec_driver_sql``), inside the caller's
transaction: SQLAlchemy's per-value processing of a million rows (dates, JSON) cost more than the
writes themselves. The values are encoded here exactly as the tables' SQLAlchemy types store them
(``stamp`` for dates, ``json.dumps`` for JSON, 0/1 for booleans), so every other reader of the store
sees the same rows, and errors still pass through the engine's handlers (a busy store is ``StoreBusy``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from reelradar.resolve.link import Match, Record


def now() -> datetime:
    """The store's clock: UTC, to the second, kept without its zone (as SQLite holds it)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def stamp(value: datetime | None) -> str | None:
    """A date as SQLAlchemy's SQLite ``DateTime`` stores it: ``2024-05-06 07:08:09.000000``."""
    return None if value is None else value.isoformat(" ", "microseconds")


IN_LIST = 5000  # values per IN (...) list, well under SQLite's limit of 32,766 variables


def _chunks(values: Sequence[Any], size: int = IN_LIST) -> Iterable[Sequence[Any]]:
    for at in range(0, len(values), size):
        yield values[at:at + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def items_for(conn: sa.Connection, source: str, records: dict[str, Record]) -> dict[str, int]:
    """The item id of each source key, inserting the items the store lacks and adding the ids and other
    names it lacked (an item stored before the store kept other names gets them from the next import)."""
    found: dict[str, tuple[int, str, str]] = {}

    def read(keys: Sequence[str]) -> None:
        for part in _chunks(keys):
            found.update((key, (int(item_id), xids, akas)) for item_id, key, xids, akas in conn.exec_driver_sql(
                f"SELECT id, source_key, xids, akas FROM item WHERE source = ? "
                f"AND source_key IN ({_marks(len(part))})", (source, *part)))

    read(list(records))
    old = set(found)
    created = stamp(now())
    fresh = [(source, k, r.title, r.year, r.kind, json.dumps(r.xids), r.runtime_min,
              json.dumps(r.people) if r.people else "[]", created, json.dumps(r.akas) if r.akas else "[]")
             for k, r in records.items() if k not in found]
    if fresh:
        conn.exec_driver_sql("INSERT INTO item (source, source_key, title, year, kind, xids, runtime_min, people, "
                             "created_at, akas) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fresh)
        read([f[1] for f in fresh])
    merged = []
    for key in old:
        item_id, xids_text, akas_text = found[key]
        r = records[key]
        if not r.xids and not r.akas:
            continue
        xids, akas = json.loads(xids_text), json.loads(akas_text)
        more_xids = {**r.xids, **xids}
        more_akas = list(dict.fromkeys([*akas, *r.akas]))
        if more_xids != xids or more_akas != akas:
            merged.append((json.dumps(more_xids), json.dumps(more_akas), item_id))
    if merged:
        conn.exec_driver_sql("UPDATE item SET xids = ?, akas = ? WHERE id = ?", merged)
    return {key: item_id for key, (item_id, _, _) in found.items()}


def overrides_of(conn: sa.Connection, item_ids: Sequence[int]) -> dict[int, str | None]:
    """The hand-made link of each item that has one (None: unlinked by hand)."""
    out: dict[int, str | None] = {}
    for part in _chunks(sorted(set(item_ids))):
        out.update((int(i), title_id) for i, title_id in conn.exec_driver_sql(
            f"SELECT item_id, title_id FROM title_override WHERE item_id IN ({_marks(len(part))})", tuple(part)))
    return out


def stored_matches(conn: sa.Connection, item_ids: Sequence[int]) -> dict[int, str]:
    """The stored match of each item that has one, as its JSON text."""
    out: dict[int, str] = {}
    for part in _chunks(sorted(set(item_ids))):
        out.update((int(i), text) for i, text in conn.exec_driver_sql(
            f"SELECT item_id, match FROM title_match WHERE item_id IN ({_marks(len(part))})", tuple(part)))
    return out


def match_text(m: Match) -> str:
    """A match as the store keeps it: the JSON of its plain dictionary."""
    return json.dumps(m.to_dict())


def _same_json(old: str | None, new: str) -> bool:
    # the text is compared first; a match stored by an older version may order its keys otherwise
    return old is not None and (old == new or json.loads(old) == json.loads(new))


def save_matches(conn: sa.Connection, matches: dict[int, Match], built_at: str | None,
                 texts: dict[int, str] | None = None) -> int:
    """Store each item's match unless the store holds the same one; how many were stored. ``texts``
    may hold the matches' JSON already made (``match_text``)."""
    texts = texts or {}
    data = {item_id: texts.get(item_id) or match_text(m) for item_id, m in matches.items()}
    old = stored_matches(conn, list(data))
    at = stamp(now())
    changed = [(item_id, m.title_id, m.tconst, str(m.verdict), m.distance, m.method, m.reason, data[item_id],
                built_at, at)
               for item_id, m in matches.items() if not _same_json(old.get(item_id), data[item_id])]
    if changed:
        conn.exec_driver_sql(
            "INSERT INTO title_match (item_id, title_id, tconst, verdict, distance, method, reason, match, "
            "catalog_built_at, matched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE "
            "SET title_id = excluded.title_id, tconst = excluded.tconst, verdict = excluded.verdict, "
            "distance = excluded.distance, method = excluded.method, reason = excluded.reason, "
            "match = excluded.match, catalog_built_at = excluded.catalog_built_at, "
            "matched_at = excluded.matched_at", changed)
    return len(changed)


@dataclass(slots=True)
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
    old: dict[str, tuple[int, float | None, str | None]] = {}
    for part in _chunks([f.dedupe for f in facts]):
        for row_id, rating, at, key in conn.exec_driver_sql(
                f"SELECT id, rating, at, dedupe_key FROM interaction WHERE dedupe_key IN ({_marks(len(part))})",
                tuple(part)):
            old[key] = (row_id, rating, at)
    recorded = stamp(now())
    out: dict[str, str] = {}
    inserts, updates = [], []
    for f in facts:
        prev = old.get(f.dedupe)
        at = stamp(f.at)
        if prev is None:
            inserts.append((f.item_id, f.action, f.rating, f.scale, at, int(f.rewatch), f.source, f.dedupe, f.file,
                            f.row_no, recorded))
            out[f.dedupe] = "new"
        elif prev[1] != f.rating or (at is not None and prev[2] != at):
            updates.append((f.rating, f.scale, at, prev[0]))
            out[f.dedupe] = "updated"
        else:
            out[f.dedupe] = "same"
    if inserts:
        conn.exec_driver_sql("INSERT INTO interaction (item_id, action, rating, scale, at, rewatch, source, "
                             "dedupe_key, file, row_no, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             inserts)
    if updates:
        conn.exec_driver_sql("UPDATE interaction SET rating = ?, scale = ?, at = ? WHERE id = ?", updates)
    return out
