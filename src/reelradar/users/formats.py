"""The export formats a person brings: IMDb CSV, Letterboxd ZIP, Trakt JSON, Netflix viewing activity CSV.

Each parser reads the whole input first and returns ``ImportRow``s, so a bad row stops the import
before anything is written; ``imdb_stream`` reads an IMDb CSV as a stream instead (a million rows are
never held at once), checking the file's shape in a first pass and each value as its row is written,
so a bad value late in the file stops the import inside its transaction, which then changes nothing.
Every value passes through ``reelradar.validate`` (years, dates, numbers, titles, and for Trakt the JSON
type of each field), so nothing the user store cannot hold gets in. What the person should know of how
a file was read (an encoding other than UTF-8, files and items skipped, a date order assumed) travels
with the rows as the stream's ``notes``. Formats are described in ``docs/sources/imports.md``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.readers import (
    UTF8,
    CsvRow,
    Limits,
    ZipReader,
    csv_rows,
    decode,
    decode_text,
    encoding_name,
    file_encoding,
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
# Raw IMDb title types and the display words exports have used, in English and in the languages IMDb
# shows its site in (an account's export uses its language: Italian "Serie TV", German "Kurzfilm").
_KIND_WORDS = {
    "movie": ("movie", "feature film", "film", "spielfilm", "película", "filme"),
    "series": ("tvseries", "tv series", "serie tv", "série tv", "série télévisée", "tv serie", "fernsehserie",
               "serie de tv", "série de tv"),
    "miniseries": ("tvminiseries", "tv mini series", "mini serie tv", "miniserie tv", "mini série", "mini série tv",
                   "tv miniserie", "miniserie", "miniserie de tv", "minissérie", "minissérie de tv"),
    "tv_movie": ("tvmovie", "tv movie", "film tv", "tv film", "fernsehfilm", "téléfilm", "película de tv",
                 "filme de tv", "filme para tv"),
    "episode": ("tvepisode", "tv episode", "episodio tv", "épisode tv", "épisode télévisé", "episodio de tv",
                "episódio de tv"),
    "short": ("short", "short film", "tvshort", "tv short", "corto", "cortometraggio", "kurzfilm", "court métrage",
              "cortometraje", "curta metragem"),
    "special": ("tvspecial", "tv special", "speciale tv", "spécial tv", "especial de tv"),
    "video": ("video", "vidéo", "vídeo"),
    "game": ("videogame", "video game", "videogioco", "videospiel", "jeu vidéo", "videojuego"),
    "podcast": ("podcastseries", "podcast series", "podcastepisode", "podcast episode"),
    "music_video": ("musicvideo", "music video"),
}
IMDB_KINDS = {word: kind for kind, words in _KIND_WORDS.items() for word in words}


def imdb_kind(text: str) -> str | None:
    """The catalog kind of an IMDb title type (raw or display word, any case, hyphens read as spaces);
    None when unknown."""
    return IMDB_KINDS.get(" ".join(text.lower().replace("-", " ").split())) if text else None


def parse_imdb(path: Path, limits: Limits) -> list[ImportRow]:
    """An IMDb ratings or watchlist CSV (old and new headers); the kind of list is read off the header."""
    return list(imdb_stream(path, limits).rows)


@dataclass
class RowStream:
    """An export's rows as they are read, for each fact stated more than once (its dedupe key) the
    position in the stream of the row that states it (see ``winners``), and what the person should know
    of how the export was read: an encoding other than UTF-8, files or items skipped and why."""

    rows: Iterator[ImportRow]
    repeated: dict[str, int]
    notes: list[str] = field(default_factory=list)


def whole(rows: list[ImportRow], notes: list[str] | None = None) -> RowStream:
    """The stream of an export read whole."""
    return RowStream(iter(rows), winners(enumerate(rows)), notes or [])


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
    encoding = file_encoding(path, limits)  # exports of 2017–2023 may be in Windows-1252
    with open_text(path, limits, encoding) as fh:
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
        repeated = winners(_imdb_rows_of(path, limits, watchlist, maybe_repeated, encoding))
    notes = [] if encoding == UTF8 else [f"{path.name} read as {encoding_name(encoding)} text (it is not UTF-8)"]
    return RowStream(_imdb_rows(path, limits, watchlist, encoding), repeated, notes)


def _imdb_rows(path: Path, limits: Limits, watchlist: bool, encoding: str) -> Iterator[ImportRow]:
    name = str(path)
    with open_text(path, limits, encoding) as fh:
        _header, rows = csv_rows(fh, name, IMDB_COLUMNS, ("const", "title"), limits.max_rows)
        for r in rows:
            yield _imdb_row(r, name, watchlist)


def _imdb_rows_of(path: Path, limits: Limits, watchlist: bool, consts: set[str],
                  encoding: str) -> Iterator[tuple[int, ImportRow]]:
    """The rows naming these titles, with their positions among all rows. A row with a bad value is
    passed over: the full read refuses it, at the first bad row of the file."""
    name = str(path)
    with open_text(path, limits, encoding) as fh:
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
    title = validate.text(r.values["title"], "Title", where) or None
    # an account in another language gets Title in that language; Original Title is another name of it
    original = validate.text(r.values.get("original", ""), "Original Title", where) or None
    record = Record(title or original, validate.year(r.values.get("year", ""), "Year", where),
                    imdb_kind(r.values.get("type", "")), {"imdb": const},
                    validate.whole(r.values.get("runtime", ""), "Runtime (mins)", where, high=MAX_RUNTIME_MIN),
                    _names(r.values.get("directors", ""), "Directors", where),
                    [original] if original and title and original != title else [])
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
            # early diaries have no Rewatch column (and may have no Watched Date): a viewing is then
            # no rewatch, on the day it was logged
            req = ("name", "year", "date") + (("rating",) if f == "ratings.csv" else ())
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
    xids = {k: v for k, field_ in named if (v := _trakt_id(ids.get(field_), f"ids.{field_}", where))}
    year = validate.json_whole(media.get("year"), "year", where, low=validate.YEAR_FIRST, high=validate.YEAR_LAST)
    title = validate.json_text(media.get("title"), "title", where)
    slug = _trakt_id(ids.get("slug"), "ids.slug", where)
    key = f"{'movie' if kind == 'movie' else 'show'}:{xids.get('trakt') or slug or title}"
    return Record(title, year, kind, xids), key, typ


def _trakt_json(data: bytes, name: str) -> Any:
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
    return list(trakt_export(path, limits).rows)


def trakt_export(path: Path, limits: Limits) -> RowStream:
    """``parse_trakt`` with its notes: the files that are not lists of items (a backup's profile,
    settings, statistics and last-activities files are JSON objects) are skipped and named, and so are
    the ratings of episodes and seasons (an episode's rating is not the show's)."""
    parsed: list[tuple[str, list[Any]]] = []
    others: list[str] = []
    for name, data in _trakt_files(path, limits):
        value = _trakt_json(data, name)
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


# -- Netflix viewing activity ---------------------------------------------------------------------
NETFLIX_COLUMNS = {"title": ("Title",), "date": ("Date",)}
# The part of an episode's title that names its season, in English and the languages Netflix shows
_SEASON = re.compile(r"(season|series|part|volume|vol\.|book|collection|staffel|teil|saison|partie|temporada|"
                     r"parte|stagione|seizoen|sezon|säsong|sæson|sesong|kausi) \S+|limited series|mini-?series|"
                     r"miniserie|mini-série|série limitée|serie limitada", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})")


def netflix_show(title: str, prefixes: Counter[str]) -> str | None:
    """The show an episode's title names ("Show: Season 1: Episode", "Show: Limited Series: Episode",
    "Bosch: Legacy: Season 1: …"); None for a film. A title of three parts or more with no season word
    ("Stranger Things: Stranger Things 2: Chapter One") is an episode when other such titles start with
    the same part (``prefixes`` counts the distinct titles of three parts or more by their first)."""
    parts = [p.strip() for p in title.split(": ")]
    for i in range(1, len(parts) - 1):
        if _SEASON.fullmatch(parts[i]):
            return ": ".join(parts[:i])
    return parts[0] if len(parts) >= 3 and prefixes[parts[0]] > 1 else None


def _netflix_day_first(values: list[tuple[int, re.Match[str]]], name: str) -> tuple[bool | None, str]:
    """Whether the file's dates put the day first, decided from every date of it (a number above 12 can
    only be a day: in first place it proves day/month, in second place month/day), with the note to give
    when no date decides; None when every date is ISO (year first)."""
    first = next((line for line, m in values if len(m[1]) < 4 and int(m[1]) > 12), None)
    second = next((line for line, m in values if len(m[1]) < 4 and int(m[3]) > 12), None)
    if first is not None and second is not None:
        raise BadInput(f"{name}: the dates disagree: line {first} puts the day first, line {second} the month")
    if first is not None or second is not None:
        return first is not None, ""
    seps = {m[2] for _, m in values if len(m[1]) < 4}
    if not seps:
        return None, ""
    day_first = seps != {"/"}  # 31.01.24 and 31-01-2024 are day first; 1/2/24 is most often a US account's
    order = "day/month/year" if day_first else "month/day/year"
    return day_first, f"dates read as {order}: no date in the file has a day above 12 to tell day from month"


def parse_netflix(path: Path, limits: Limits) -> list[ImportRow]:
    """Netflix viewing activity (``NetflixViewingHistory.csv``: Title, Date)."""
    return list(netflix_export(path, limits).rows)


def netflix_export(path: Path, limits: Limits) -> RowStream:
    """A Netflix viewing history: one ``watched`` per film viewing, and per show one ``watched`` on the
    latest day one of its episodes was watched. Dates are in the account's order (``1/31/24``,
    ``31/01/2024``, ``31.01.24``, ``2024-01-31``), decided from the whole file."""
    name = str(path)
    text, encoding = decode_text(read_file(path, limits), name)
    rows = read_csv(text, name, NETFLIX_COLUMNS, ("title", "date"), limits.max_rows)[1]
    dates: list[tuple[int, re.Match[str]]] = []
    for r in rows:
        m = _DATE.fullmatch(r.values["date"])
        if m is None:
            raise BadInput(f"{name} line {r.line}: Date {validate.shown(r.values['date'])} is not a date "
                           "(1/31/24, 31/01/2024, 31.01.24 or 2024-01-31)")
        dates.append((r.line, m))
    day_first, assumed = _netflix_day_first(dates, name)
    # distinct titles: a film of three parts seen twice is not two episodes
    prefixes = Counter(t.split(": ")[0] for t in {r.values["title"] for r in rows} if t.count(": ") >= 2)
    shows: dict[str, ImportRow] = {}
    out: list[ImportRow] = []
    for r, (line, m) in zip(rows, dates, strict=True):
        where = f"{name} line {line}"
        title = validate.text(r.values["title"], "Title", where)
        if not title:
            raise BadInput(f"{where}: no title")
        try:
            at = validate.moment(_netflix_iso(m, day_first), "Date", where)
        except BadInput:
            raise BadInput(f"{where}: Date {validate.shown(m[0])} is not a date"
                           + (f" ({assumed})" if assumed else "")) from None
        day = at.date().isoformat() if at else ""
        show = netflix_show(title, prefixes)
        if show is None:
            out.append(ImportRow(name, line, "watched", Record(title, None, "movie"), f"movie:{title}",
                                 f"netflix|watched|movie:{title}|{day}", at=at))
            continue
        row = ImportRow(name, line, "watched", Record(show, None, "series"), f"series:{show}",
                        f"netflix|watched|series:{show}", at=at)
        if show not in shows or _when(row) > _when(shows[show]):
            shows[show] = row  # the latest episode watched; the file lists the latest first
    notes = [n for n in (assumed, "" if encoding == UTF8 else
                         f"{path.name} read as {encoding_name(encoding)} text (it is not UTF-8)") if n]
    return whole(out + sorted(shows.values(), key=lambda r: r.row), notes)


def _netflix_iso(m: re.Match[str], day_first: bool | None) -> str:
    a, b, c = m[1], m[3], m[4]
    if len(a) == 4:
        return f"{a}-{int(b):02d}-{int(c):02d}"
    day, month = (a, b) if day_first else (b, a)
    year = c if len(c) == 4 else f"20{c}"
    return f"{year}-{int(month):02d}-{int(day):02d}"
