"""Letterboxd's export ZIP: ratings, diary (with rewatches), watched, watchlist and liked films, all
by name and year (the export has no IMDb ids)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import ImportRow
from reelradar.users.readers import CsvRow, Limits, ZipReader, decode, read_csv

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
