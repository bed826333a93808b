"""The three export formats a person brings: IMDb CSV, Letterboxd ZIP, Trakt JSON.

Each parser reads the whole input first and returns ``ImportRow``s, so a bad row stops the import
before anything is written; ``imdb_stream`` reads an IMDb CSV as a stream instead (a million rows are
never held at once), checking the file's shape in a first pass and each value as its row is written,
so a bad value late in the file stops the import inside its transaction, which then changes nothing. Every value passes through ``reelradar.validate`` (years, dates, numbers,
titles, and for Trakt the JSON type of each field), so nothing the user store cannot hold gets in.
Formats are described in ``docs/sources/imports.md``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.readers import (
    CsvRow,
    Limits,
    ZipReader,
    csv_rows,
    decode,
    iter_files,
    open_text,
    read_csv,
    read_file,
)


@dataclass(slots=True)
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


# -- shared value checks: the rules (years, dates, counts, numbers, titles) are in reelradar.validate --
MAX_RUNTIME_MIN = 100_000  # minutes; the longest films ever shown run about 50,000
IMDB_ID = re.compile(r"tt[0-9]{1,12}")


def _names(text: str, what: str, where: str) -> list[str]:
    """A comma-separated list of names (IMDb's Directors), each checked as a text."""
    return [validate.text(d.strip(), what, where) for d in text.split(",") if d.strip()]


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
    return list(imdb_stream(path, limits).rows)


@dataclass
class RowStream:
    """An export's rows as they are read, and for each fact stated more than once (its dedupe key) the
    position in the stream of the row that states it (see ``winners``)."""

    rows: Iterator[ImportRow]
    repeated: dict[str, int]


def winners(rows: Iterable[tuple[int, ImportRow]]) -> dict[str, int]:
    """For each fact stated more than once in one import — a backup holding both ratings.json and
    ratings_movies.json, an API example listing a title twice — the position of the row that states
    it: the latest by date, then the last. Writing each in turn would make every re-import 'update' it."""
    best: dict[str, tuple[datetime, int]] = {}
    repeated: set[str] = set()
    for i, r in rows:
        when = _when(r)
        j = best.get(r.dedupe)
        if j is not None:
            repeated.add(r.dedupe)
        if j is None or when >= j[0]:
            best[r.dedupe] = (when, i)
    return {k: best[k][1] for k in repeated}


def _when(row: ImportRow) -> datetime:
    at = row.at or datetime.min
    return at if at.tzinfo else at.replace(tzinfo=UTC)


IMDB_FIRST_PASS = {k: IMDB_COLUMNS[k] for k in ("const", "title", "rating")}


def imdb_stream(path: Path, limits: Limits) -> RowStream:
    """``parse_imdb`` as a stream, for exports of a million rows. A first pass over the file checks its
    shape (header, ragged or damaged lines, encoding, the row limit) before anything is written, tells
    a ratings export from a list, and finds the titles listed more than once; the rows are then read
    again as they are written, each value checked as ``parse_imdb`` checks it."""
    name = str(path)
    seen: set[int] = set()  # hashes: a collision only marks a title for the closer look below
    maybe_repeated: set[str] = set()
    every_row_rated, any_row = True, False
    with open_text(path, limits) as fh:
        header, first = csv_rows(fh, name, IMDB_FIRST_PASS, ("const", "title"), limits.max_rows)
        for r in first:
            any_row = True
            const = r.values["const"]
            if hash(const) in seen:
                maybe_repeated.add(const)
            seen.add(hash(const))
            every_row_rated = every_row_rated and bool(r.values.get("rating"))
    del seen
    lowered = {h.strip().lower() for h in header}
    rated_column = bool({"your rating", "you rated"} & lowered)
    # Exports before 2017 were all "lists" with a position column, ratings included: a list whose every
    # row carries the person's rating is their ratings; newer ratings exports have no position.
    old_list = "const" in (h.strip() for h in header)  # lower-case headers: the pre-2017 list export
    watchlist = "position" in lowered and not (old_list and rated_column and any_row and every_row_rated)
    if not watchlist and not rated_column:
        raise BadInput(f"{name} line 1: neither a ratings export (no 'Your Rating' column) nor a watchlist "
                       "(no 'Position' column)")
    repeated: dict[str, int] = {}
    if maybe_repeated:
        repeated = winners(_imdb_rows_of(path, limits, watchlist, maybe_repeated))
    return RowStream(_imdb_rows(path, limits, watchlist), repeated)


def _imdb_rows(path: Path, limits: Limits, watchlist: bool) -> Iterator[ImportRow]:
    name = str(path)
    with open_text(path, limits) as fh:
        _header, rows = csv_rows(fh, name, IMDB_COLUMNS, ("const", "title"), limits.max_rows)
        for r in rows:
            yield _imdb_row(r, name, watchlist)


def _imdb_rows_of(path: Path, limits: Limits, watchlist: bool, consts: set[str]) -> Iterator[tuple[int, ImportRow]]:
    """The rows naming these titles, with their positions among all rows. A row with a bad value is
    passed over: the full read refuses it, at the first bad row of the file."""
    name = str(path)
    with open_text(path, limits) as fh:
        _header, rows = csv_rows(fh, name, IMDB_COLUMNS, ("const", "title"), limits.max_rows)
        for i, r in enumerate(rows):
            if r.values["const"] not in consts:
                continue
            try:
                row = _imdb_row(r, name, watchlist)
            except BadInput:
                continue
            yield i, row


def _imdb_row(r: CsvRow, name: str, watchlist: bool) -> ImportRow:
    where = f"{name} line {r.line}"
    const = r.values["const"]
    if not IMDB_ID.fullmatch(const):
        raise BadInput(f"{where}: Const {validate.shown(const)} is not an IMDb id (tt…)")
    record = Record(validate.text(r.values["title"], "Title", where) or None,
                    validate.year(r.values.get("year", ""), "Year", where),
                    imdb_kind(r.values.get("type", "")), {"imdb": const},
                    validate.whole(r.values.get("runtime", ""), "Runtime (mins)", where, high=MAX_RUNTIME_MIN),
                    _names(r.values.get("directors", ""), "Directors", where))
    if watchlist:
        return ImportRow(name, r.line, "watchlist", record, const, f"imdb|watchlist|{const}",
                         at=validate.moment(r.values.get("created"), "Created", where))
    rating = validate.number(r.values.get("rating", ""), "Your Rating", where, low=1, high=10)
    if rating is None:
        raise BadInput(f"{where}: no rating in a ratings export")
    return ImportRow(name, r.line, "rated", record, const, f"imdb|rated|{const}", rating, 10.0,
                     validate.moment(r.values.get("rated_at"), "Date Rated", where))


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
    # Two films of one name and year are two films: where the film URIs of a name and year differ, each
    # film is keyed by its URI too (other films keep the name-and-year key earlier imports stored).
    uris: dict[str, set[str]] = {}
    for f in ("ratings.csv", "watchlist.csv", "likes/films.csv", "watched.csv"):
        for r in tables.get(f, []):
            if r.values.get("uri"):
                uris.setdefault(f"{r.values['name'].strip()}|{r.values['year'].strip()}", set()).add(r.values["uri"])

    def record(r: CsvRow, where: str, film_uri: bool) -> tuple[Record, str]:
        year = validate.year(r.values["year"], "Year", where)
        title = validate.text(r.values["name"], "Name", where)
        if not title:
            raise BadInput(f"{where}: no film name")
        # diary URIs name the diary entry, not the film: only the others are film ids
        uri = validate.text(r.values.get("uri", ""), "Letterboxd URI", where)
        xids = {"letterboxd": uri} if film_uri and uri else {}
        key = f"{title}|{year or ''}"
        if film_uri and uri and len(uris.get(f"{r.values['name'].strip()}|{r.values['year'].strip()}", ())) > 1:
            key += f"|{uri}"
        return Record(title, year, "movie", xids), key

    for f in ("ratings.csv", "watchlist.csv", "likes/films.csv"):
        action = {"ratings.csv": "rated", "watchlist.csv": "watchlist", "likes/films.csv": "liked"}[f]
        for r in tables.get(f, []):
            where = f"{path}:{found[f]} line {r.line}"
            rec, key = record(r, where, True)
            rating = validate.number(r.values.get("rating", ""), "Rating", where, low=0.5, high=5) \
                if action == "rated" else None
            if action == "rated" and rating is None:
                raise BadInput(f"{where}: no rating in ratings.csv")
            out.append(ImportRow(str(path), r.line, action, rec, key, f"letterboxd|{action}|{key}",
                                 rating, 5.0 if rating is not None else None,
                                 validate.moment(r.values["date"], "Date", where)))
    seen_in_diary: set[str] = set()
    occurrences: Counter[str] = Counter()
    for r in tables.get("diary.csv", []):
        where = f"{path}:{found['diary.csv']} line {r.line}"
        rec, key = record(r, where, False)
        watched = r.values.get("watched")
        at = validate.moment(watched or r.values["date"], "Watched Date" if watched else "Date", where)
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
                             at=validate.moment(r.values["date"], "Date", where)))
    return out


# -- Trakt ----------------------------------------------------------------------------------------
TRAKT_KINDS = {"movie": "movie", "show": "series", "season": "series", "episode": "series"}


def _trakt_id(value: object, what: str, where: str) -> str | None:
    """An id as Trakt writes them: text or a whole number (None when absent or empty)."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return validate.text(value, what, where, max_len=200)
    raise BadInput(f"{where}: {what} {validate.shown(value)} is neither text nor a number")


def _trakt_media(item: dict[str, Any], where: str) -> tuple[Record, str, str]:
    typ = item.get("type") or next((k for k in ("movie", "show") if isinstance(item.get(k), dict)), None)
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
    xids = {k: v for k, field_ in named if (v := _trakt_id(ids.get(field_), f"ids.{field_}", where))}
    year = validate.json_whole(media.get("year"), "year", where, low=validate.YEAR_FIRST, high=validate.YEAR_LAST)
    title = validate.json_text(media.get("title"), "title", where)
    slug = _trakt_id(ids.get("slug"), "ids.slug", where)
    key = f"{'movie' if kind == 'movie' else 'show'}:{xids.get('trakt') or slug or title}"
    return Record(title, year, kind, xids), key, typ


def _trakt_items(data: bytes, name: str) -> list[Any]:
    try:
        value = json.loads(decode(data, name))
    except json.JSONDecodeError as exc:
        raise BadInput(f"{name} line {exc.lineno}: not valid JSON ({exc.msg}): truncated or damaged file, "
                       "nothing imported") from None
    except RecursionError:
        raise BadInput(f"{name}: not valid JSON (nested too deep to read): damaged file, nothing imported") from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise BadInput(f"{name}: not valid JSON (a number of thousands of digits): damaged file, "
                       "nothing imported") from None
    if not isinstance(value, list):
        raise BadInput(f"{name}: expected a JSON list of items, found a {type(value).__name__}")
    return value


def _trakt_files(path: Path, limits: Limits) -> list[tuple[str, bytes]]:
    """The JSON files of a backup (a folder, a ZIP or one file), read under the limits."""
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
    return files


def parse_trakt(path: Path, limits: Limits) -> list[ImportRow]:
    """A Trakt backup: a folder of JSON files, one JSON file, or a ZIP of them. History, ratings,
    watchlist and watched files are recognised by their items' fields."""
    parsed = [(name, _trakt_items(data, name)) for name, data in _trakt_files(path, limits)]
    has_history = any(items and isinstance(items[0], dict) and "watched_at" in items[0] for _, items in parsed)
    out: list[ImportRow] = []
    for name, items in parsed:
        if len(items) > limits.max_rows:
            raise BadInput(f"{name}: more than {limits.max_rows:,} items, the limit (import_max_rows)")
        for n, item in enumerate(items, 1):
            row = _trakt_row(item, name, n, has_history)
            if row is not None:
                out.append(row)
    return out


def _trakt_row(item: object, name: str, n: int, has_history: bool) -> ImportRow | None:
    """The row one backup item becomes; None for items that are not a person's history."""
    where = f"{name} item {n}"
    if not isinstance(item, dict):
        raise BadInput(f"{where}: not a JSON object")
    if "watched_at" in item:
        rec, key, typ = _trakt_media(item, where)
        at = validate.json_moment(item["watched_at"], "watched_at", where)
        hid = _trakt_id(item.get("id"), "id", where)
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
            return None  # a season's or an episode's rating is not the show's
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
