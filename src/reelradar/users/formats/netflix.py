"""Netflix viewing activity (``NetflixViewingHistory.csv``: Title, Date), in any account language and
date order."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from reelradar import validate
from reelradar.errors import BadInput
from reelradar.resolve.link import Record
from reelradar.users.formats.common import ImportRow, RowStream, when, whole
from reelradar.users.readers import UTF8, Limits, decode_text, encoding_name, read_csv, read_file

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
        if show not in shows or when(row) > when(shows[show]):
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
