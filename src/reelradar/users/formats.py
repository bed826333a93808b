"""The three export formats a person brings: IMDb CSV, Letterboxd ZIP, Trakt JSON.

Each parser reads the whole input first and returns ``ImportRow``s, so a bad row stops the import
before anything is written. Formats are described in ``docs/sources/imports.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.readers import CsvRow, Limits, ZipReader, decode, iter_files, read_csv, read_file


@dataclass
class ImportRow:
    """One thing an export says a person did, with the record of the title it names."""

    file: str
    row: int  # line in a CSV, item number in a JSON list
    action: str  # rated, watched, watchlist, liked
    record: Record
    source_key: str  # the title's stable key within the source
    dedupe: str  # the same key on every import of the same fact
    rating: float | None = None
    scale: float | None = None
    at: datetime | None = None
    rewatch: bool = False


# -- shared value parsers ---------------------------------------------------------------------------
def _int(text: str, what: str, where: str) -> int | None:
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise BadInput(f"{where}: {what} {text!r} is not a number") from None


def _float(text: str, what: str, where: str, low: float, high: float) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{where}: {what} {text!r} is not a number") from None
    if not low <= value <= high:
        raise BadInput(f"{where}: {what} {text!r} is outside {low:g}–{high:g}")
    return value


DATE_FORMATS = ("%Y-%m-%d", "%a %b %d %H:%M:%S %Y", "%m/%d/%Y", "%d/%m/%Y")


def _when(text: str | None, where: str) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:  # ISO dates and times, "Z" included; kept as naive UTC
        value = datetime.fromisoformat(text)
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(" ".join(text.split()), fmt)
        except ValueError:
            continue
    raise BadInput(f"{where}: date {text!r} is not a date")


# -- IMDb -----------------------------------------------------------------------------------------
IMDB_COLUMNS = {
    "const": ("Const",), "title": ("Title",), "original": ("Original Title",),
    "type": ("Title Type",), "year": ("Year",), "runtime": ("Runtime (mins)",),
    "directors": ("Directors",), "rating": ("Your Rating", "You rated"), "rated_at": ("Date Rated",),
    "created": ("Created",), "position": ("Position",),
}
# Raw IMDb title types and the display words exports have used (English and some localised ones).
IMDB_KINDS = {
    "movie": "movie", "feature film": "movie", "film": "movie", "spielfilm": "movie", "película": "movie",
    "tvseries": "series", "tv series": "series", "serie tv": "series", "série tv": "series",
    "fernsehserie": "series", "tvminiseries": "miniseries", "tv mini-series": "miniseries",
    "tv mini series": "miniseries", "mini serie tv": "miniseries", "mini-série": "miniseries",
    "tvmovie": "tv_movie", "tv movie": "tv_movie", "tvepisode": "episode", "tv episode": "episode",
    "short": "short", "short film": "short", "tvshort": "short", "tv short": "short", "video": "video",
    "tvspecial": "special", "tv special": "special",
    "videogame": "game", "video game": "game", "podcastseries": "podcast", "podcast series": "podcast",
    "podcastepisode": "podcast", "musicvideo": "music_video", "music video": "music_video",
}


def imdb_kind(text: str) -> str | None:
    """The catalog kind of an IMDb title type (raw or display word); None when unknown."""
    return IMDB_KINDS.get(" ".join(text.lower().split())) if text else None


def parse_imdb(path: Path, limits: Limits) -> list[ImportRow]:
    """An IMDb ratings or watchlist CSV (old and new headers); the kind of list is read off the header."""
    name = str(path)
    header, rows = read_csv(decode(read_file(path, limits), name), name, IMDB_COLUMNS, ("const", "title"),
                            limits.max_rows)
    lowered = {h.strip().lower() for h in header}
    rated_column = bool({"your rating", "you rated"} & lowered)
    # Exports before 2017 were all "lists" with a position column, ratings included: a list whose every
    # row carries the person's rating is their ratings; newer ratings exports have no position.
    old_list = "const" in (h.strip() for h in header)  # lower-case headers: the pre-2017 list export
    watchlist = "position" in lowered and not (
        old_list and rated_column and rows and all(r.values.get("rating") for r in rows))
    if not watchlist and not rated_column:
        raise BadInput(f"{name} line 1: neither a ratings export (no 'Your Rating' column) nor a watchlist "
                       "(no 'Position' column)")
    out = []
    for r in rows:
        where = f"{name} line {r.line}"
        const = r.values["const"]
        if not const.startswith("tt"):
            raise BadInput(f"{where}: Const {const!r} is not an IMDb id (tt…)")
        record = Record(r.values["title"] or None, _int(r.values.get("year", ""), "Year", where),
                        imdb_kind(r.values.get("type", "")), {"imdb": const},
                        _int(r.values.get("runtime", ""), "Runtime", where),
                        [d.strip() for d in r.values.get("directors", "").split(",") if d.strip()])
        if watchlist:
            out.append(ImportRow(name, r.line, "watchlist", record, const, f"imdb|watchlist|{const}",
                                 at=_when(r.values.get("created"), where)))
            continue
        rating = _float(r.values.get("rating", ""), "Your Rating", where, 1, 10)
        if rating is None:
            raise BadInput(f"{where}: no rating in a ratings export")
        out.append(ImportRow(name, r.line, "rated", record, const, f"imdb|rated|{const}", rating, 10.0,
                             _when(r.values.get("rated_at"), where)))
    return out


# -- Letterboxd -----------------------------------------------------------------------------------
LB_COLUMNS = {"date": ("Date",), "name": ("Name",), "year": ("Year",), "uri": ("Letterboxd URI",),
              "rating": ("Rating",), "rewatch": ("Rewatch",), "watched": ("Watched Date",)}
LB_FILES = ("ratings.csv", "watched.csv", "diary.csv", "watchlist.csv", "likes/films.csv")


def parse_letterboxd(path: Path, limits: Limits) -> list[ImportRow]:
    """A Letterboxd export ZIP: ratings, diary (with rewatches), watched, watchlist and liked films,
    all by name and year (the export has no IMDb ids)."""
    zr = ZipReader(path, limits)
    try:
        found = {f: zr.find(f) for f in LB_FILES}
        if not any(found.values()):
            raise BadInput(f"{path}: no Letterboxd export files in it (expected {', '.join(LB_FILES)})")
        tables: dict[str, list[CsvRow]] = {}
        for f, member in found.items():
            if member is None:
                continue
            where = f"{path}:{member}"
            req = ("name", "year", "date") + (("rating",) if f == "ratings.csv" else ()) + \
                (("rewatch", "watched") if f == "diary.csv" else ())
            tables[f] = read_csv(decode(zr.read(member), where), where, LB_COLUMNS, req, limits.max_rows)[1]
    finally:
        zr.close()
    out: list[ImportRow] = []

    def record(r: CsvRow, where: str, film_uri: bool) -> tuple[Record, str]:
        year = _int(r.values["year"], "Year", where)
        title = r.values["name"]
        if not title:
            raise BadInput(f"{where}: no film name")
        # diary URIs name the diary entry, not the film: only the others are film ids
        xids = {"letterboxd": r.values["uri"]} if film_uri and r.values.get("uri") else {}
        return Record(title, year, "movie", xids), f"{title}|{year or ''}"

    for f in ("ratings.csv", "watchlist.csv", "likes/films.csv"):
        action = {"ratings.csv": "rated", "watchlist.csv": "watchlist", "likes/films.csv": "liked"}[f]
        for r in tables.get(f, []):
            where = f"{path}:{found[f]} line {r.line}"
            rec, key = record(r, where, True)
            rating = _float(r.values.get("rating", ""), "Rating", where, 0.5, 5) if action == "rated" else None
            if action == "rated" and rating is None:
                raise BadInput(f"{where}: no rating in ratings.csv")
            out.append(ImportRow(str(path), r.line, action, rec, key, f"letterboxd|{action}|{key}",
                                 rating, 5.0 if rating is not None else None, _when(r.values["date"], where)))
    seen_in_diary: set[str] = set()
    occurrences: Counter[str] = Counter()
    for r in tables.get("diary.csv", []):
        where = f"{path}:{found['diary.csv']} line {r.line}"
        rec, key = record(r, where, False)
        at = _when(r.values.get("watched") or r.values["date"], where)
        seen_in_diary.add(key)
        base = f"letterboxd|watched|{key}|{at.date().isoformat() if at else ''}"
        occurrences[base] += 1  # the same film twice on one day is two viewings
        out.append(ImportRow(str(path), r.line, "watched", rec, key, f"{base}|{occurrences[base]}",
                             at=at, rewatch=r.values.get("rewatch", "").lower() == "yes"))
    for r in tables.get("watched.csv", []):
        where = f"{path}:{found['watched.csv']} line {r.line}"
        rec, key = record(r, where, True)
        if key in seen_in_diary:
            continue  # the diary has the dated viewings of this film
        out.append(ImportRow(str(path), r.line, "watched", rec, key, f"letterboxd|watched|{key}|logged",
                             at=_when(r.values["date"], where)))
    return out


# -- Trakt ----------------------------------------------------------------------------------------
TRAKT_KINDS = {"movie": "movie", "show": "series", "season": "series", "episode": "series"}


def _trakt_media(item: dict[str, Any], where: str) -> tuple[Record, str, str]:
    typ = item.get("type") or next((k for k in ("movie", "show") if isinstance(item.get(k), dict)), None)
    media = item.get("movie") if typ == "movie" else item.get("show")
    if typ not in TRAKT_KINDS or not isinstance(media, dict):
        raise BadInput(f"{where}: neither a movie nor a show in this item")
    ids = media.get("ids") or {}
    if not isinstance(ids, dict):
        raise BadInput(f"{where}: 'ids' is not an object")
    kind = TRAKT_KINDS[typ]
    xids = {k: str(v) for k, v in (("imdb", ids.get("imdb")), ("trakt", ids.get("trakt")),
                                    (f"tmdb_{'movie' if kind == 'movie' else 'tv'}", ids.get("tmdb")),
                                    ("tvdb", ids.get("tvdb"))) if v not in (None, "")}
    year = media.get("year")
    if year is not None and not isinstance(year, int):
        raise BadInput(f"{where}: year {year!r} is not a number")
    key = f"{'movie' if kind == 'movie' else 'show'}:{ids.get('trakt') or ids.get('slug') or media.get('title')}"
    return Record(media.get("title"), year, kind, xids), key, typ


def _trakt_items(data: bytes, name: str) -> list[Any]:
    try:
        value = json.loads(decode(data, name))
    except json.JSONDecodeError as exc:
        raise BadInput(f"{name} line {exc.lineno}: not valid JSON ({exc.msg}): truncated or damaged file, "
                       "nothing imported") from None
    if not isinstance(value, list):
        raise BadInput(f"{name}: expected a JSON list of items, found a {type(value).__name__}")
    return value


def parse_trakt(path: Path, limits: Limits) -> list[ImportRow]:
    """A Trakt backup: a folder of JSON files, one JSON file, or a ZIP of them. History, ratings,
    watchlist and watched files are recognised by their items' fields."""
    files: list[tuple[str, bytes]] = []
    if path.is_dir():
        total = 0
        for p in iter_files(path, ".json"):
            files.append((str(p), read_file(p, limits)))
            total += len(files[-1][1])
            if total > limits.max_total:
                raise BadInput(f"{path}: more than {limits.max_total:,} bytes of JSON (import_max_mb)")
    elif path.suffix.lower() == ".zip":
        zr = ZipReader(path, limits)
        try:
            files = [(f"{path}:{n}", zr.read(n)) for n in zr.names if n.lower().endswith(".json")]
        finally:
            zr.close()
    else:
        files = [(str(path), read_file(path, limits))]
    if not files:
        raise BadInput(f"{path}: no JSON files in it")
    parsed = [(name, _trakt_items(data, name)) for name, data in files]
    has_history = any(items and isinstance(items[0], dict) and "watched_at" in items[0] for _, items in parsed)
    out: list[ImportRow] = []
    for name, items in parsed:
        if len(items) > limits.max_rows:
            raise BadInput(f"{name}: more than {limits.max_rows:,} items, the limit (import_max_rows)")
        for n, item in enumerate(items, 1):
            where = f"{name} item {n}"
            if not isinstance(item, dict):
                raise BadInput(f"{where}: not a JSON object")
            if "watched_at" in item:
                rec, key, typ = _trakt_media(item, where)
                at = _when(item["watched_at"], where)
                hid = item.get("id")
                if typ == "episode":
                    ep = item.get("episode") or {}
                    hid = hid or f"{key}:S{ep.get('season')}E{ep.get('number')}"
                out.append(ImportRow(name, n, "watched", rec, key, f"trakt|watched|{key}|{hid or at}", at=at))
            elif "rated_at" in item and "rating" in item:
                rec, key, typ = _trakt_media(item, where)
                if typ in ("season", "episode"):
                    continue  # a season's or an episode's rating is not the show's
                rating = _float(str(item["rating"]), "rating", where, 1, 10)
                out.append(ImportRow(name, n, "rated", rec, key, f"trakt|rated|{key}", rating, 10.0,
                                     _when(item["rated_at"], where)))
            elif "listed_at" in item and "watchlist" in Path(name.split(":")[-1]).name.lower():
                rec, key, typ = _trakt_media(item, where)
                if typ in ("season", "episode"):
                    continue
                out.append(ImportRow(name, n, "watchlist", rec, key, f"trakt|watchlist|{key}",
                                     at=_when(item["listed_at"], where)))
            elif "plays" in item and "last_watched_at" in item:
                if has_history:
                    continue  # history holds every viewing with its date; this is its summary
                rec, key, _typ = _trakt_media(item, where)
                out.append(ImportRow(name, n, "watched", rec, key, f"trakt|watched|{key}|last",
                                     at=_when(item["last_watched_at"], where)))
            # other backup files (collection, lists, comments, stats) are not a history: skipped
    return out
