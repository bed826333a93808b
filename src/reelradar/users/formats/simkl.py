"""Simkl's backup: the JSON of its API's ``/sync/all-items`` (``{"shows": [...], "anime": [...],
"movies": [...]}``), as one file, a folder or a ZIP of such files.

Each item has the person's ``status`` (watching, plantowatch, completed, hold, dropped), their
``user_rating`` (1–10), ``last_watched_at`` and ``added_to_watchlist_at``, and the title under ``show``
or ``movie`` with its ``title``, ``year`` and ``ids`` (simkl, imdb, tmdb, tvdb, …). The ids are kept as
Trakt's are: IMDb and TMDB ids link a title at once where the catalog has them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import ImportRow, RowStream, json_files, json_id, read_json, whole
from reelradar.users.readers import Limits

LISTS = ("movies", "shows", "anime")
STATUSES = ("completed", "watching", "plantowatch", "hold", "dropped")
BEGUN = ("watching", "hold", "dropped")  # watched in part: the title is seen, whatever came after


def simkl_export(path: Path, limits: Limits) -> RowStream:
    """A Simkl backup: ``completed`` → watched, ``plantowatch`` → watchlist, a show or anime begun
    (watching, on hold, dropped) → watched, and ``user_rating`` → rated on Simkl's scale of 10."""
    out: list[ImportRow] = []
    others: list[str] = []
    skipped: Counter[str] = Counter()
    for name, data in json_files(path, limits):
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
    if skipped["unseen"]:
        n = skipped["unseen"]
        notes.append(f"skipped {n} title{'s' * (n != 1)} marked watching, on hold or dropped with no episode "
                     "watched yet")
    if skipped["status"]:
        n = skipped["status"]
        notes.append(f"skipped {n} title{'s' * (n != 1)} of a status other than {', '.join(STATUSES)}")
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
