"""Saved lists, out: a ``[lists.NAME]`` table of the settings (mode, filters, limit) turned into its titles
by ``picks`` (the same rules as ``reelradar picks``, not a copy of them), and those titles in the shapes
media tools read from a URL.

Formats (docs/lists.md has the settings to paste into each tool):

- ``radarr``: Radarr's *Custom Lists*, a JSON array of ``{"id": TMDB id, "imdb_id", "title"}``; Radarr
  reads ``id`` only (Radarr's ``RadarrListParser`` over ``MovieResultResource``), so a film without a
  TMDB id is left out.
- ``stevenlu``: Radarr's *StevenLu Custom*, a JSON array of ``{"title", "imdb_id"}``; Radarr reads
  ``imdb_id`` (``StevenLuParser``), so a film without an IMDb id is left out.
- ``sonarr``: Sonarr's *Custom List*, a JSON array of ``{"title", "tvdbId", "tmdbId", "imdbId"}``; Sonarr
  reads ``tvdbId`` (``CustomImport``), so a series without a TVDB id is left out.
- ``imdb``: IMDb ids, one per line (Kometa's ``text_file``, MDBList-style lists); films and series alike.
- ``csv``: every title of the list with each id the catalog holds, blank where it holds none.

Films go to Radarr and series to Sonarr (the kind groups of resolve/distance.py); a title of the other
group is left out of those formats and counted, as is one without the id a format needs. No id is ever
guessed: each comes from the catalog's id crosswalk (``title_xid``), or is the title's own id on an IMDb
catalog (a tconst).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

import duckdb

from reelradar.analytics.availability import current_profile, profile_filters
from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import picks
from reelradar.config import ListDefinition, Settings
from reelradar.errors import BadInput, NotFound
from reelradar.resolve.distance import FILM_KINDS, SERIES_KINDS

FORMATS: dict[str, str] = {
    "radarr": "Radarr Custom Lists (JSON, TMDB ids)", "stevenlu": "Radarr StevenLu Custom (JSON, IMDb ids)",
    "sonarr": "Sonarr Custom List (JSON, TVDB ids)", "imdb": "IMDb ids, one per line", "csv": "CSV, every id",
}
JSON_FORMATS = ("radarr", "stevenlu", "sonarr")
_IMDB_ID = re.compile(r"tt\d{7,}")
_CSV_COLUMNS = ("rank", "title", "year", "kind", "imdb_id", "tmdb_id", "tvdb_id", "reelradar_id")


@dataclass
class ListItem:
    """A title of a saved list with the ids media tools know it by (None: the catalog holds none)."""

    id: str
    title: str
    kind: str
    year: int | None
    imdb: str | None = None
    tmdb: int | None = None  # of the title's own kind: a film's movie id, a series' tv id
    tvdb: int | None = None


@dataclass
class SavedList:
    name: str
    definition: ListDefinition
    items: list[ListItem] = field(default_factory=list)


@dataclass
class Export:
    """A saved list in one format: ``content`` as sent, how many titles it holds, and how many of the list
    it leaves out for want of the id the format needs (``no_id``) or for being of the other kind."""

    format: str
    content: str
    media_type: str
    shown: int
    no_id: int = 0
    other_kind: int = 0

    def left_out_text(self) -> str | None:
        parts = [f"{n} {what}" for n, what in ((self.no_id, "without the id this format needs"),
                                               (self.other_kind, "of the other kind")) if n]
        return f"left out: {' and '.join(parts)}" if parts else None


def definition(settings: Settings, name: str) -> ListDefinition:
    """The saved list ``name``, or NotFound naming the lists there are."""
    if name not in settings.lists:
        known = ", ".join(sorted(settings.lists)) or "none: add a [lists.NAME] table to the settings"
        raise NotFound(f"no list named {name!r} in the settings (lists: {known})")
    return settings.lists[name]


def list_filters(settings: Settings, name: str) -> Filters:
    """The filters of the saved list ``name``; with services, in the profile's country (unless the list
    names one) and of the offer types the profile accepts, as ``reelradar picks`` decides them."""
    d = definition(settings, name)
    year_from, year_to = d.years()
    filters = Filters(kind=d.kind, genre=d.genre, year_from=year_from, year_to=year_to)
    if not d.services:
        return filters
    asked = None if d.services == "profile" else list(d.services)
    return profile_filters(current_profile(settings), filters, services=asked, country=d.country)


def saved_list(con: duckdb.DuckDBPyConnection, settings: Settings, name: str, *,
               filters: Filters | None = None) -> SavedList:
    """The titles of the saved list ``name`` (``filters``: its ``list_filters``, when already known), in
    the order of its picks, each with its ids. A filter the catalog refuses names the list."""
    d = definition(settings, name)
    try:
        found = picks(con, settings, mode=d.mode, filters=filters or list_filters(settings, name), limit=d.limit)
    except BadInput as exc:
        raise BadInput(f"list {name!r}: {exc.message}") from None
    items = [ListItem(p.id, p.title, p.kind, p.year) for p in found]
    _add_ids(con, items)
    return SavedList(name, d, items)


def _add_ids(con: duckdb.DuckDBPyConnection, items: list[ListItem]) -> None:
    ids = [i.id for i in items]
    rows = con.execute("SELECT title_id, source, xid FROM title_xid WHERE title_id IN (SELECT unnest(?)) "
                       "AND source IN ('imdb', 'tmdb', 'tvdb') ORDER BY title_id, source, xid", [ids]).fetchall() if ids else []
    xids: dict[str, dict[str, list[str]]] = {}
    for title_id, source, xid in rows:
        xids.setdefault(title_id, {}).setdefault(source, []).append(str(xid).strip())
    for item in items:
        own = xids.get(item.id, {})
        imdb = [x for x in own.get("imdb", []) if _IMDB_ID.fullmatch(x)]
        item.imdb = imdb[0] if imdb else (item.id if _IMDB_ID.fullmatch(item.id) else None)
        prefix = "tv:" if item.kind in SERIES_KINDS else "movie:"  # TMDB numbers films and series apart
        tmdb = [x.removeprefix(prefix) for x in own.get("tmdb", []) if x.startswith(prefix)]
        item.tmdb = next((int(x) for x in tmdb if x.isdigit()), None)
        item.tvdb = next((int(x) for x in own.get("tvdb", []) if x.isdigit()), None)


def export(found: SavedList, fmt: str) -> Export:
    """``found`` in format ``fmt`` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown list format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(_CSV_COLUMNS)
        for rank, i in enumerate(found.items, 1):
            writer.writerow([rank, i.title, i.year or "", i.kind, i.imdb or "", i.tmdb or "", i.tvdb or "", i.id])
        return Export(fmt, out.getvalue(), "text/csv; charset=utf-8", len(found.items))
    if fmt == "imdb":
        kept = [i for i in found.items if i.imdb]
        return Export(fmt, "".join(f"{i.imdb}\n" for i in kept), "text/plain; charset=utf-8", len(kept),
                      no_id=len(found.items) - len(kept))
    group = SERIES_KINDS if fmt == "sonarr" else FILM_KINDS
    ours = [i for i in found.items if i.kind in group]
    rows = [r for r in (_json_row(fmt, i) for i in ours) if r is not None]
    return Export(fmt, json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "application/json", len(rows),
                  no_id=len(ours) - len(rows), other_kind=len(found.items) - len(ours))


def _json_row(fmt: str, i: ListItem) -> dict[str, object] | None:
    """The object a tool reads for ``i`` (its id first, then what helps a person read the list), or None
    when the catalog holds no id of the kind that tool reads."""
    if fmt == "radarr":
        if i.tmdb is None:
            return None
        return {"id": i.tmdb, **({"imdb_id": i.imdb} if i.imdb else {}), "title": i.title}
    if fmt == "stevenlu":
        return None if i.imdb is None else {"title": i.title, "imdb_id": i.imdb}
    if i.tvdb is None:
        return None
    row: dict[str, object] = {"title": i.title, "tvdbId": i.tvdb}
    if i.tmdb is not None:
        row["tmdbId"] = i.tmdb
    if i.imdb is not None:
        row["imdbId"] = i.imdb
    return row
