"""Simkl's backup: the JSON of its API's ``/sync/all-items`` (``{"shows": [...], "anime": [...],
"movies": [...]}``), as one file, a folder or a ZIP of such files; or the CSV its website's settings
download (``SIMKL_ID,Title,Type,Year,Watchlist,LastEpWatched,WatchedDate,Rating,Memo,TVDB,TMDB,IMDB``),
as the file itself or in a ZIP, told from the JSON by its header.

Each item has the person's ``status`` (watching, plantowatch, completed, hold, dropped), their
``user_rating`` (1–10), ``last_watched_at`` and ``added_to_watchlist_at``, and the title under ``show``
or ``movie`` with its ``title``, ``year`` and ``ids`` (simkl, imdb, tmdb, tvdb, …). The ids are kept as
Trakt's are: IMDb and TMDB ids link a title at once where the catalog has them. The CSV's rows follow
the same rules and get the same keys; docs/sources/simkl.md says how its columns were established, as
Simkl does not document the file.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import (
    ImportRow,
    RowStream,
    backup_files,
    json_id,
    read_json,
    skipped_notes,
    whole,
)
from reelradar.users.readers import CsvRow, Limits, decode, read_csv

LISTS = ("movies", "shows", "anime")
STATUSES = ("completed", "watching", "plantowatch", "hold", "dropped")
BEGUN = ("watching", "hold", "dropped")  # watched in part: the title is seen, whatever came after
# The website's CSV: its columns, under the names the JSON reader uses (Simkl's CSV import spells two ids
# TVDB_ID, IMDB_ID); a file whose header has the three of CSV_MARKS is taken for it.
CSV_COLUMNS = {"simkl": ("SIMKL_ID",), "title": ("Title",), "type": ("Type",), "year": ("Year",),
               "status": ("Watchlist",), "last_ep": ("LastEpWatched",), "watched": ("WatchedDate",),
               "rating": ("Rating",), "tvdb": ("TVDB", "TVDB_ID"), "tmdb": ("TMDB",), "imdb": ("IMDB", "IMDB_ID")}
CSV_MARKS = {"simkl_id", "watchlist", "lastepwatched"}
CSV_HEADER = "SIMKL_ID,Title,Type,Year,Watchlist,LastEpWatched,WatchedDate,Rating,Memo,TVDB,TMDB,IMDB"
CSV_FILMS = ("movie", "movies", "film")
CSV_SERIES = ("tv", "tvshow", "show", "shows", "anime", "series")
_DAY_FIRST = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})((?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)")


def simkl_export(path: Path, limits: Limits) -> RowStream:
    """A Simkl backup, JSON or the website's CSV: ``completed`` → watched, ``plantowatch`` → watchlist,
    a show or anime begun (watching, on hold, dropped) → watched, and the rating → rated on Simkl's scale
    of 10."""
    out: list[ImportRow] = []
    others: list[str] = []
    skipped: Counter[str] = Counter()
    for name, data in _files(path, limits):
        if _is_csv(data):
            out.extend(_csv_rows(data, name, limits, skipped))
            continue
        if name.lower().endswith(".csv"):
            raise BadInput(f"{name} line 1: not Simkl's CSV backup (expected the header {CSV_HEADER})")
        value = read_json(data, name)
        if not isinstance(value, dict) or not any(isinstance(value.get(k), list) for k in LISTS):
            others.append(name if name == str(path) else name[len(str(path)) + 1:])
            continue
        for list_name in LISTS:
            items = value.get(list_name) or []
            if not isinstance(items, list):
                raise BadInput(f"{name}: '{list_name}' is not a list")
            if len(items) > limits.max_rows:
                raise BadInput(f"{name}: more than {limits.max_rows:,} items, the limit (import_max_rows)")
            for n, item in enumerate(items, 1):
                out.extend(_rows(item, name, list_name, n, skipped))
    if not out and not skipped and others:
        raise BadInput(f"{path}: not a Simkl backup (no \"shows\", \"anime\" or \"movies\" list in "
                       f"{', '.join(others)})")
    notes = [f"skipped {', '.join(others)}: not a Simkl list of shows, anime or films"] if others else []
    notes += skipped_notes(skipped, {
        "unseen": ("title", "marked watching, on hold or dropped with no episode watched yet"),
        "type": ("row", "whose Type is neither a film nor a show"),
        "status": ("title", f"of a status other than {', '.join(STATUSES)}")})
    return whole(out, notes)


def _record(item: dict[str, Any], list_name: str, where: str) -> tuple[Record, str]:
    media = item.get("movie" if list_name == "movies" else "show")
    if not isinstance(media, dict):
        raise BadInput(f"{where}: no '{'movie' if list_name == 'movies' else 'show'}' object in this item")
    ids = media.get("ids") or {}
    if not isinstance(ids, dict):
        raise BadInput(f"{where}: 'ids' is not an object")
    # an anime film is a film; the other anime types (tv, ova, ona, special) are series
    film = list_name == "movies" or item.get("anime_type") == "movie"
    named = (("imdb", "imdb"), (f"tmdb_{'movie' if film else 'tv'}", "tmdb"), ("tvdb", "tvdb"), ("simkl", "simkl"))
    xids = {k: v for k, field_ in named if (v := json_id(ids.get(field_), f"ids.{field_}", where))}
    title = validate.json_text(media.get("title"), "title", where)
    year = validate.json_whole(media.get("year"), "year", where, low=validate.YEAR_FIRST, high=validate.YEAR_LAST)
    slug = json_id(ids.get("slug"), "ids.slug", where)
    if not title and not xids:
        raise BadInput(f"{where}: neither a title nor an id")
    key = f"{'movie' if film else 'show'}:{xids.get('simkl') or slug or title}"
    return Record(title, year, "movie" if film else "series", xids), key


def _rows(item: object, name: str, list_name: str, n: int, skipped: Counter[str]) -> list[ImportRow]:
    """The rows one item becomes: what it is (watched or watchlist) and its rating, if any."""
    where = f"{name} {list_name} item {n}"
    if not isinstance(item, dict):
        raise BadInput(f"{where}: not a JSON object")
    status = item.get("status")
    if not isinstance(status, str):
        raise BadInput(f"{where}: status {validate.shown(status)} is not text")
    record, key = _record(item, list_name, where)
    watched_at = validate.json_moment(item.get("last_watched_at"), "last_watched_at", where)
    out: list[ImportRow] = []
    episodes = validate.json_whole(item.get("watched_episodes_count"), "watched_episodes_count", where) or 0
    if status == "completed" or (status in BEGUN and (watched_at or episodes)):
        out.append(ImportRow(name, n, "watched", record, key, f"simkl|watched|{key}", at=watched_at))
    elif status == "plantowatch":
        added = validate.json_moment(item.get("added_to_watchlist_at"), "added_to_watchlist_at", where)
        out.append(ImportRow(name, n, "watchlist", record, key, f"simkl|watchlist|{key}", at=added))
    elif status in BEGUN:
        skipped["unseen"] += 1
    else:
        skipped["status"] += 1
    rating = validate.json_number(item.get("user_rating"), "user_rating", where, low=1, high=10)
    if rating is not None:
        rated_at = validate.json_moment(item.get("user_rated_at"), "user_rated_at", where) or watched_at
        out.append(ImportRow(name, n, "rated", record, key, f"simkl|rated|{key}", rating, 10.0, rated_at))
    return out


def _files(path: Path, limits: Limits) -> list[tuple[str, bytes]]:
    """The backup's files: one file whatever its name; in a folder its JSON, in a ZIP its JSON and CSV."""
    if path.suffix.lower() == ".zip" and not path.is_dir():
        return backup_files(path, limits, ".json", lambda n: n.lower().endswith((".json", ".csv")),
                            f"{path}: no JSON or CSV files in it")
    return backup_files(path, limits, ".json")


def _is_csv(data: bytes) -> bool:
    """Whether a file is the website's CSV: its first line names the columns that only it has."""
    head = data[:4096].split(b"\n", 1)[0].decode("utf-8", "ignore").lstrip("\ufeff")  # its names are ASCII
    return CSV_MARKS <= {c.strip().strip('"').lower() for c in head.split(",")}


def _csv_rows(data: bytes, name: str, limits: Limits, skipped: Counter[str]) -> list[ImportRow]:
    """The website's CSV, by the backup's rules: one row per title, its status in ``Watchlist``."""
    text = decode(data, name).lstrip("\ufeff")
    _header, rows = read_csv(text, name, CSV_COLUMNS, ("title", "status", "type"), limits.max_rows)
    out: list[ImportRow] = []
    for r in rows:
        out.extend(_csv_row(r, name, skipped))
    return out


def _csv_row(r: CsvRow, name: str, skipped: Counter[str]) -> list[ImportRow]:
    where = f"{name} line {r.line}"
    v = r.values
    kind = "".join(v.get("type", "").lower().split())
    if kind not in CSV_FILMS + CSV_SERIES:
        skipped["type"] += 1
        return []
    record, key = _csv_record(v, kind in CSV_FILMS, where)
    # an empty Watchlist is a title watched: the CSV is a history first (as other readers of it take it)
    status = "".join(v.get("status", "").lower().replace("_", " ").replace("-", " ").split()) or "completed"
    status = {"onhold": "hold", "ptw": "plantowatch"}.get(status, status)
    watched_at = _csv_moment(v.get("watched", ""), where)
    out: list[ImportRow] = []
    if status == "completed" or (status in BEGUN and (watched_at or v.get("last_ep"))):
        out.append(ImportRow(name, r.line, "watched", record, key, f"simkl|watched|{key}", at=watched_at))
    elif status == "plantowatch":
        out.append(ImportRow(name, r.line, "watchlist", record, key, f"simkl|watchlist|{key}"))
    elif status in BEGUN:
        skipped["unseen"] += 1
    else:
        skipped["status"] += 1
    rating = validate.number(v.get("rating", ""), "Rating", where, low=1, high=10)
    if rating is not None:
        out.append(ImportRow(name, r.line, "rated", record, key, f"simkl|rated|{key}", rating, 10.0, watched_at))
    return out


def _csv_record(v: dict[str, str], film: bool, where: str) -> tuple[Record, str]:
    """The title a CSV row names, with the ids and the key the JSON backup gives it."""
    xids: dict[str, str] = {}
    for field_, name in (("simkl", "simkl"), ("tvdb", "tvdb"), ("tmdb", f"tmdb_{'movie' if film else 'tv'}")):
        number = validate.whole(v.get(field_, ""), CSV_COLUMNS[field_][0], where)
        if number:
            xids[name] = str(number)
    imdb = validate.text(v.get("imdb", ""), "IMDB", where, max_len=200)
    if imdb:
        xids["imdb"] = imdb
    title = validate.text(v.get("title", ""), "Title", where)
    if not title and not xids:
        raise BadInput(f"{where}: neither a title nor an id")
    year = validate.year(v.get("year", ""), "Year", where)
    key = f"{'movie' if film else 'show'}:{xids.get('simkl') or title}"
    return Record(title or None, year, "movie" if film else "series", xids), key


def _csv_moment(text: str, where: str) -> datetime | None:
    """``WatchedDate``: ISO, or day first as the website writes it ('18-12-2023 21:50:41')."""
    m = _DAY_FIRST.fullmatch(text.strip())
    if m:
        text = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}{m[4].replace('T', ' ')}"
    return validate.moment(text, "WatchedDate", where)
