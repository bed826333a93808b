"""Trakt backups: a folder of JSON files, one JSON file, or a ZIP of them. History, ratings, watchlist
and watched files are recognised by their items' fields; the JSON type of each field is checked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import ImportRow, RowStream, backup_files, json_id, read_json, whole
from reelradar.users.readers import Limits

TRAKT_KINDS = {"movie": "movie", "show": "series", "season": "series", "episode": "series"}


def _trakt_media(item: dict[str, Any], where: str) -> tuple[Record, str, str]:
    # items without a type (API examples, hand-made backups) are typed by what they hold: an episode or a
    # season comes with its show, so those are looked for first
    typ = item.get("type") or next((k for k in ("episode", "season", "movie", "show")
                                    if isinstance(item.get(k), dict)), None)
    if not isinstance(typ, str) or typ not in TRAKT_KINDS:
        raise BadInput(f"{where}: neither a movie nor a show in this item")
    media = item.get("movie") if typ == "movie" else item.get("show")
    if not isinstance(media, dict):
        raise BadInput(f"{where}: neither a movie nor a show in this item")
    ids = media.get("ids") or {}
    if not isinstance(ids, dict):
        raise BadInput(f"{where}: 'ids' is not an object")
    kind = TRAKT_KINDS[typ]
    named = (("imdb", "imdb"), ("trakt", "trakt"), (f"tmdb_{'movie' if kind == 'movie' else 'tv'}", "tmdb"),
             ("tvdb", "tvdb"))
    xids = {k: v for k, field_ in named if (v := json_id(ids.get(field_), f"ids.{field_}", where))}
    year = validate.json_whole(media.get("year"), "year", where, low=validate.YEAR_FIRST, high=validate.YEAR_LAST)
    title = validate.json_text(media.get("title"), "title", where)
    slug = json_id(ids.get("slug"), "ids.slug", where)
    key = f"{'movie' if kind == 'movie' else 'show'}:{xids.get('trakt') or slug or title}"
    return Record(title, year, kind, xids), key, typ


def parse_trakt(path: Path, limits: Limits) -> list[ImportRow]:
    """A Trakt backup: a folder of JSON files, one JSON file, or a ZIP of them. History, ratings,
    watchlist and watched files are recognised by their items' fields."""
    return list(trakt_export(path, limits).rows)


def trakt_export(path: Path, limits: Limits) -> RowStream:
    """``parse_trakt`` with its notes: the files that are not lists of items (a backup's profile,
    settings, statistics and last-activities files are JSON objects) are skipped and named, and so are
    the ratings of episodes and seasons (an episode's rating is not the show's)."""
    parsed: list[tuple[str, list[Any]]] = []
    others: list[str] = []
    for name, data in backup_files(path, limits, ".json"):
        value = read_json(data, name)
        if isinstance(value, list):
            parsed.append((name, value))
        else:
            others.append(name if name == str(path) else name[len(str(path)) + 1:])  # its path in the backup
    if not parsed:
        raise BadInput(f"{path}: no list of history items in it ({', '.join(others)}: a JSON object, as a "
                       "profile or statistics file is, where history, ratings and watchlists are lists)")
    has_history = any(items and isinstance(items[0], dict) and "watched_at" in items[0] for _, items in parsed)
    out: list[ImportRow] = []
    skipped: Counter[str] = Counter()
    for name, items in parsed:
        if len(items) > limits.max_rows:
            raise BadInput(f"{name}: more than {limits.max_rows:,} items, the limit (import_max_rows)")
        for n, item in enumerate(items, 1):
            row = _trakt_row(item, name, n, has_history, skipped)
            if row is not None:
                out.append(row)
    notes = [f"skipped {', '.join(others)}: not a list of items (a profile, settings or statistics file)"] \
        if others else []
    if skipped["rating"]:
        notes.append(f"skipped {skipped['rating']} rating{'s' if skipped['rating'] > 1 else ''} of episodes or "
                     "seasons: an episode's or a season's rating is not the show's")
    return whole(out, notes)


def _trakt_row(item: object, name: str, n: int, has_history: bool, skipped: Counter[str]) -> ImportRow | None:
    """The row one backup item becomes; None for items that are not a person's history (the ratings of
    episodes and seasons are counted in ``skipped``)."""
    where = f"{name} item {n}"
    if not isinstance(item, dict):
        raise BadInput(f"{where}: not a JSON object")
    if "watched_at" in item:
        rec, key, typ = _trakt_media(item, where)
        at = validate.json_moment(item["watched_at"], "watched_at", where)
        hid = json_id(item.get("id"), "id", where)
        if typ == "episode":
            ep = item.get("episode") or {}
            if not isinstance(ep, dict):
                raise BadInput(f"{where}: 'episode' is not an object")
            season = validate.json_whole(ep.get("season"), "episode.season", where)
            number = validate.json_whole(ep.get("number"), "episode.number", where)
            hid = hid or f"{key}:S{season}E{number}"
        return ImportRow(name, n, "watched", rec, key, f"trakt|watched|{key}|{hid or at}", at=at)
    if "rated_at" in item and "rating" in item:
        rec, key, typ = _trakt_media(item, where)
        if typ in ("season", "episode"):
            skipped["rating"] += 1  # a season's or an episode's rating is not the show's
            return None
        rating = validate.json_number(item["rating"], "rating", where, low=1, high=10)
        if rating is None:
            raise BadInput(f"{where}: no rating in a rated item")
        return ImportRow(name, n, "rated", rec, key, f"trakt|rated|{key}", rating, 10.0,
                         validate.json_moment(item["rated_at"], "rated_at", where))
    if "listed_at" in item and "watchlist" in Path(name.split(":")[-1]).name.lower():
        rec, key, typ = _trakt_media(item, where)
        if typ in ("season", "episode"):
            return None
        return ImportRow(name, n, "watchlist", rec, key, f"trakt|watchlist|{key}",
                         at=validate.json_moment(item["listed_at"], "listed_at", where))
    if "plays" in item and "last_watched_at" in item:
        if has_history:
            return None  # history holds every viewing with its date; this is its summary
        rec, key, _typ = _trakt_media(item, where)
        return ImportRow(name, n, "watched", rec, key, f"trakt|watched|{key}|last",
                         at=validate.json_moment(item["last_watched_at"], "last_watched_at", where))
    return None  # other backup files (collection, lists, comments, stats) are not a history
