"""IMDb ratings and watchlist CSVs, every vintage: headers old and new, display words of any account
language, Windows-1252 files of 2017–2023.

``parse_imdb`` reads the whole file; ``imdb_stream`` reads it as a stream instead (a million rows are
never held at once), checking the file's shape in a first pass and each value as its row is written,
so a bad value late in the file stops the import inside its transaction, which then changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import IMDB_ID, MAX_RUNTIME_MIN, ImportRow, RowStream, winners
from reelradar.users.readers import UTF8, CsvRow, Limits, csv_rows, encoding_name, file_encoding, open_text


def _names(text: str, what: str, where: str) -> list[str]:
    """A comma-separated list of names (IMDb's Directors), each checked as a text."""
    if not text:
        return []
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
