"""The user store: a person's profile and history in SQLite (WAL) through SQLAlchemy Core.

It is never rebuilt: its schema moves forward by Alembic migrations (``users/migrations``), run when
the store opens. Each title a person's data names is kept as an ``item`` with the name, year and ids
it came with, so a catalog rebuild can resolve it again; manual overrides (``link`` / ``unlink``) win
over every automatic match.

The file (and its ``-wal`` and ``-shm``) is private to its owner (mode 0600). One writer at a time: a
statement that waits longer than ``busy_timeout`` for another writer (an import, a CLI command)
raises ``StoreBusy``, which says to retry, instead of SQLite's "database is locked".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from reelradar.errors import BadInput, Busy, NotFound
from reelradar.model import Interaction, Profile
from reelradar.resolve.link import Match, Record
from reelradar.users import bulk
from reelradar.users import tables as t
from reelradar.users.bulk import now

ACTIONS = ("rated", "watched", "watchlist", "dismissed", "liked")
OFFER_TYPES = ("flatrate", "free", "ads", "rent", "buy")
# Verdicts that make an item count as the catalog title it matched; medium matches wait for a person.
COUNTED = ("strong",)


class StoreBusy(Busy):
    """Another writer holds the user store longer than we wait: nothing was changed, try again."""


BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")




@dataclass
class ItemView:
    """One record of the store with what it became: the stored match and any manual override."""

    id: int
    source: str
    source_key: str
    record: Record
    match: Match | None
    override: str | None = None  # "link" or "unlink"
    override_title_id: str | None = None
    interactions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def title_id(self) -> str | None:
        if self.override == "link":
            return self.override_title_id
        if self.override == "unlink":
            return None
        return self.match.title_id if self.match and self.match.verdict in COUNTED else None


class UserStore:
    """Open (and migrate) the user store at ``path``; use as a context manager or call ``close``."""

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        path = Path(path)
        if path.exists() and not path.is_file():
            raise BadInput(f"user store {path} is not a file")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        _private(path)
        self.engine = sa.create_engine(f"sqlite:///{path}", future=True)
        wait_ms = max(int(busy_timeout * 1000), 0)
        sa.event.listen(self.engine, "connect", lambda dbapi_con, _record: _pragmas(dbapi_con, wait_ms))
        sa.event.listen(self.engine, "handle_error", lambda ctx: _busy_error(ctx, path))
        try:
            migrate(self.engine)
        except sa.exc.DatabaseError as exc:
            self.engine.dispose()
            raise BadInput(f"user store {path} cannot be read ({str(exc.orig).splitlines()[0]})") from None
        except StoreBusy:
            self.engine.dispose()
            raise
        for extra in ("-wal", "-shm"):  # made by SQLite with the store's mode; older stores tightened
            _private(path.with_name(path.name + extra), create=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """One SQLite transaction: all of it lands, or none of it."""
        with self.engine.begin() as conn:
            yield conn

    # -- profile ----------------------------------------------------------------------------------
    def profile(self) -> Profile:
        """The person's profile (defaults until one is saved)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.profile).where(t.profile.c.id == 1)).mappings().first()
        if row is None:
            return Profile()
        return Profile(name=row["name"], country=row["country"], services=list(row["services"]),
                       offer_types=list(row["offer_types"]))

    def save_profile(self, profile: Profile) -> None:
        """Replace the profile, refusing unknown offer types and bad country codes."""
        bad = [o for o in profile.offer_types if o not in OFFER_TYPES]
        if bad:
            raise BadInput(f"unknown offer type {bad[0]!r}: use {', '.join(OFFER_TYPES)}")
        country = profile.country.upper() if profile.country else None
        if country is not None and (len(country) != 2 or not country.isalpha()):
            raise BadInput(f"country must be a two-letter code such as US or DE, not {profile.country!r}")
        values = {"name": profile.name, "country": country, "services": list(profile.services),
                  "offer_types": list(dict.fromkeys(profile.offer_types)), "updated_at": now()}
        stmt = sqlite_insert(t.profile).values(id=1, **values)
        with self.transaction() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))

    # -- notices ----------------------------------------------------------------------------------
    def notices_sent(self, url_id: str) -> set[str]:
        """The keys of the notices already sent to one notify URL (by its hash)."""
        with self.engine.connect() as conn:
            return set(conn.execute(sa.select(t.notice_sent.c.key).where(t.notice_sent.c.url_id == url_id)).scalars())

    def mark_sent(self, url_id: str, keys: list[str]) -> None:
        """Record that these notices went to the URL, in one transaction."""
        if not keys:
            return
        stamp = now()
        stmt = sqlite_insert(t.notice_sent).on_conflict_do_nothing(index_elements=["url_id", "key"])
        with self.transaction() as conn:
            conn.execute(stmt, [{"url_id": url_id, "key": k, "sent_at": stamp} for k in keys])

    # -- interactions -----------------------------------------------------------------------------
    def interactions(self, action: str | None = None) -> list[Interaction]:
        """Every interaction, oldest first, with ``title_id`` the current catalog id (None while
        unmatched, matched only at medium confidence, or unlinked by hand)."""
        views = {v.id: v for v in self.items()}
        q = sa.select(t.interaction).order_by(t.interaction.c.at.is_(None), t.interaction.c.at, t.interaction.c.id)
        if action:
            q = q.where(t.interaction.c.action == action)
        out = []
        with self.engine.connect() as conn:
            for r in conn.execute(q).mappings():
                v = views[r["item_id"]]
                out.append(Interaction(action=r["action"], title_id=v.title_id, rating=r["rating"],
                                       scale=r["scale"], at=r["at"], source=r["source"],
                                       xids=dict(v.record.xids)))
        return out

    def actions_for(self, title_id: str) -> set[str]:
        """What was done with one catalog title: the actions of the records that stand for it (linked by
        hand, or matched strongly and not unlinked), read without going through every record."""
        o, m, i = t.title_override, t.title_match, t.interaction
        mine = (sa.select(t.item.c.id)
                .outerjoin(m, m.c.item_id == t.item.c.id).outerjoin(o, o.c.item_id == t.item.c.id)
                .where(sa.or_(o.c.title_id == title_id,
                              sa.and_(o.c.item_id.is_(None), m.c.title_id == title_id, m.c.verdict.in_(COUNTED)))))
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(i.c.action).where(i.c.item_id.in_(mine)).distinct())}

    def add_interaction(self, interaction: Interaction, *, name: str | None = None, year: int | None = None,
                        kind: str | None = None) -> int:
        """Record something a person did with a catalog title (watchlist, watched, dismissed, liked,
        rated); returns the record id. Recording the same thing twice changes nothing."""
        if interaction.action not in ACTIONS:
            raise BadInput(f"unknown action {interaction.action!r}: use {', '.join(ACTIONS)}")
        if not interaction.title_id and not interaction.xids:
            raise BadInput("an interaction needs a title id or an external id")
        xids = dict(interaction.xids)
        if interaction.title_id and interaction.title_id.startswith("tt"):
            xids.setdefault("imdb", interaction.title_id)
        key = interaction.title_id or json.dumps(xids, sort_keys=True)
        with self.transaction() as conn:
            item_id = upsert_item(conn, interaction.source, key, Record(name, year, kind, xids))
            if interaction.title_id:
                set_override(conn, item_id, interaction.title_id)
            at = interaction.at.isoformat() if interaction.at else ""
            dedupe = f"{interaction.source}|{interaction.action}|{key}" + (
                f"|{at}" if interaction.action == "watched" else "")
            put_interaction(conn, item_id, interaction.action, interaction.rating, interaction.scale,
                            interaction.at, False, interaction.source, dedupe)
        return item_id

    def remove_interaction(self, action: str, title_id: str) -> int:
        """Forget ``action`` on ``title_id`` (e.g. take it off the watchlist); returns how many went."""
        ids = [v.id for v in self.items() if v.title_id == title_id]
        if not ids:
            return 0
        with self.transaction() as conn:
            res = conn.execute(sa.delete(t.interaction).where(t.interaction.c.item_id.in_(ids),
                                                               t.interaction.c.action == action))
        return res.rowcount or 0

    # -- items, matches, overrides ------------------------------------------------------------------
    def items(self, item_id: int | None = None) -> list[ItemView]:
        """Records with their match and override (all, or the one with ``item_id``)."""
        q = (sa.select(t.item, t.title_match.c.match, t.title_override.c.title_id.label("o_title"),
                       t.title_override.c.item_id.label("o_item"))
             .outerjoin(t.title_match, t.title_match.c.item_id == t.item.c.id)
             .outerjoin(t.title_override, t.title_override.c.item_id == t.item.c.id)
             .order_by(t.item.c.id))
        if item_id is not None:
            q = q.where(t.item.c.id == item_id)
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        out = []
        for r in rows:
            record = Record(r["title"], r["year"], r["kind"], dict(r["xids"]), r["runtime_min"], list(r["people"]),
                            list(r["akas"] or []))
            m = Match.from_dict(r["match"]) if r["match"] else None
            override = None if r["o_item"] is None else ("link" if r["o_title"] else "unlink")
            out.append(ItemView(r["id"], r["source"], r["source_key"], record, m, override, r["o_title"]))
        return out

    def to_check(self, limit: int = 50) -> tuple[list[ItemView], int]:
        """Records a person should look at: possible matches to confirm first, then those matched to no
        title, none of them decided by hand; at most ``limit`` of them, and how many there are."""
        undecided = (sa.select(t.item.c.id, t.title_match.c.verdict)
                     .join(t.title_match, t.title_match.c.item_id == t.item.c.id)
                     .outerjoin(t.title_override, t.title_override.c.item_id == t.item.c.id)
                     .where(t.title_match.c.verdict.in_(["medium", "none"]), t.title_override.c.item_id.is_(None)))
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(undecided.subquery())).scalar_one()
            ids = list(conn.execute(undecided.order_by(t.title_match.c.verdict != "medium", t.item.c.id)
                                    .limit(limit)).scalars())
        views = {v.id: v for i in ids for v in self.items(i)}
        return [views[i] for i in ids if i in views], int(total)

    def item(self, ref: str | int) -> ItemView:
        """The record ``ref`` names: its number (``12`` or ``#12``) or its exact title."""
        text = str(ref).strip().lstrip("#")
        if text.isdigit():
            found = self.items(int(text))
            if not found:
                raise NotFound(f"no record #{text} in {self.path}")
            view = found[0]
        else:
            hits = [v for v in self.items() if (v.record.title or "").lower() == text.lower()]
            if not hits:
                raise NotFound(f"no record titled {text!r}: see the numbers in an import report (--json)")
            if len(hits) > 1:
                nums = ", ".join(f"#{v.id}" for v in hits[:10])
                raise BadInput(f"{len(hits)} records are titled {text!r} ({nums}): name one by its number")
            view = hits[0]
        with self.engine.connect() as conn:
            view.interactions = [dict(r) for r in conn.execute(
                sa.select(t.interaction.c.action, t.interaction.c.rating, t.interaction.c.scale,
                          t.interaction.c.at, t.interaction.c.rewatch, t.interaction.c.source,
                          t.interaction.c.file, t.interaction.c.row_no)
                .where(t.interaction.c.item_id == view.id).order_by(t.interaction.c.id)).mappings()]
        return view

    def link(self, ref: str | int, title_id: str) -> ItemView:
        """Say by hand that record ``ref`` is catalog title ``title_id``; later runs keep it."""
        view = self.item(ref)
        with self.transaction() as conn:
            set_override(conn, view.id, title_id)
        return self.item(view.id)

    def unlink(self, ref: str | int) -> ItemView:
        """Say by hand that record ``ref`` is no catalog title; later runs leave it unmatched."""
        view = self.item(ref)
        with self.transaction() as conn:
            set_override(conn, view.id, None)
        return self.item(view.id)

    def save_match(self, conn: sa.Connection, item_id: int, m: Match, built_at: str | None) -> bool:
        """Store ``m`` for the item unless it is the same as before; True when something changed."""
        return save_match(conn, item_id, m, built_at)


# -- statement helpers, run inside a caller's transaction ---------------------------------------------
def upsert_item(conn: sa.Connection, source: str, key: str, record: Record) -> int:
    return bulk.items_for(conn, source, {key: record})[key]


def put_interaction(conn: sa.Connection, item_id: int, action: str, rating: float | None, scale: float | None,
                    at: datetime | None, rewatch: bool, source: str, dedupe: str, file: str | None = None,
                    row_no: int | None = None) -> str:
    """Insert an interaction once; a rating that changed is updated. Returns new, updated or same."""
    fact = bulk.Fact(item_id, action, rating, scale, at, rewatch, source, dedupe, file, row_no)
    return bulk.put_interactions(conn, [fact])[dedupe]


def set_override(conn: sa.Connection, item_id: int, title_id: str | None) -> None:
    stmt = sqlite_insert(t.title_override).values(item_id=item_id, title_id=title_id, at=now())
    conn.execute(stmt.on_conflict_do_update(index_elements=["item_id"], set_={"title_id": title_id, "at": now()}))


def has_override(conn: sa.Connection, item_id: int) -> bool:
    return conn.execute(sa.select(t.title_override.c.item_id).where(
        t.title_override.c.item_id == item_id)).first() is not None


def save_match(conn: sa.Connection, item_id: int, m: Match, built_at: str | None) -> bool:
    """Store ``m`` for the item unless it is the same as before; True when something changed."""
    return bulk.save_matches(conn, {item_id: m}, built_at) > 0


def _pragmas(dbapi_con: Any, busy_ms: int) -> None:
    cur = dbapi_con.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(busy_ms)}")  # first: switching to WAL may wait for a writer too
    cur.execute("PRAGMA journal_mode=WAL")  # readers (web) never wait for an import
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _busy_error(ctx: sa.engine.ExceptionContext, path: Path) -> None:
    """Turn SQLite's "database is locked" (another writer held the store past the busy timeout) into
    StoreBusy, for every statement, commit and migration of the store."""
    text = str(ctx.original_exception).lower()
    if any(m in text for m in BUSY_MESSAGES):
        raise StoreBusy(f"the user store {path.name} is busy with another change (an import or a command): "
                        f"nothing was changed, try again in a few seconds") from None


def _private(path: Path, *, create: bool = True) -> None:
    """Make ``path`` readable and writable by its owner only: created so when missing (``create``),
    tightened when an older version left it open to others."""
    if create:
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with suppress(OSError):  # missing, or not ours to change
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)


def migrate(engine: sa.Engine) -> None:
    """Bring the store's schema to the newest migration (a no-op when it is there already)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("reelradar.users").joinpath("migrations")))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.begin() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
