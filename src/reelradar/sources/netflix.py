"""Netflix Top 10 (https://www.netflix.com/tudum/top10): the weekly global chart, the weekly chart per
country and the all-time most-popular lists, as Netflix publishes them (tab-separated, a header line,
no quoting, ``N/A`` for no season).

- ``all-weeks-global.tsv``: week, category, weekly_rank, show_title, season_title, weekly_hours_viewed,
  runtime, weekly_views, cumulative_weeks_in_top_10 (files before June 2023 lack runtime and views; some
  versions carry extra columns, e.g. is_staggered_launch, episode_launch_details, which are ignored).
- ``all-weeks-countries.tsv``: country_name, country_iso2, week, category, weekly_rank, show_title,
  season_title, cumulative_weeks_in_top_10.
- ``most-popular.tsv``: category, rank, show_title, season_title, hours_viewed_first_91_days, runtime,
  views_first_91_days. The older vintage ranked by hours in the first 28 days
  (``hours_viewed_first_28_days``, no views): read as its own chart ("… (most popular, first 28 days)"),
  hours known, views unknown, kept as its own import (``netflix-popular-28d``) beside today's
  (``netflix-popular``), so loading one never replaces the other.

The per-country file of 2021 named its categories ``Films (English)`` and ``TV (English)`` where later
files say ``Films`` and ``TV``: one list per country of every language, so they are read as the later
names and say nothing of language. A per-country file that also has ``(Non-English)`` categories splits
by language, and its categories are kept as they are. ``NetflixFile.vintage`` says which was read.

``week`` is the Sunday that ends a Monday–Sunday week. The kind of file is told by its header, so a
file can be loaded under any name. A row names a show and a season ("Show: Season 2", "Show: Limited
Series", ``N/A`` for films); native-language alternatives follow " // ". Each row gets an entry key:
the film or series (and season) it names, told apart from another title of the same name when
Netflix's own weeks counter starts again at 1. Ranks, counts, hours, views, weeks and titles are checked
with ``reelradar.validate`` (a NaN of hours or a week in year 1 refuses the file, naming the line).
A whole file that would shrink its import's history by more than ``SHRINK_LIMIT`` (header only, cut
short) is refused by ``check_shrink`` unless the person says ``--replace``.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from reelradar import validate
from reelradar.catalog.charts_store import CHART_SCHEMA
from reelradar.errors import BadInput, Unreachable
from reelradar.sources.base import rows_to_table
from reelradar.sources.demo import chart_points

PLATFORM = "Netflix"
FILES = {"global": "all-weeks-global.tsv", "countries": "all-weeks-countries.tsv", "popular": "most-popular.tsv"}
REQUIRED = {
    "global": ("week", "category", "weekly_rank", "show_title", "season_title", "weekly_hours_viewed",
               "cumulative_weeks_in_top_10"),
    "countries": ("country_iso2", "week", "category", "weekly_rank", "show_title", "season_title",
                  "cumulative_weeks_in_top_10"),
    "popular": ("category", "rank", "show_title", "season_title"),
}
# The most-popular list's hours column names its window; the window is part of the chart's category.
POPULAR_HOURS = {"hours_viewed_first_91_days": 91, "hours_viewed_first_28_days": 28}
CURRENT_WINDOW = 91  # today's list, kept as import netflix-popular; the 28-day one as netflix-popular-28d
# 2021's per-country category names and the names later files use for the same lists.
COUNTRY_CATEGORIES_2021 = {"Films (English)": "Films", "TV (English)": "TV"}
CATEGORIES = {"Films (English)", "Films (Non-English)", "TV (English)", "TV (Non-English)", "Films", "TV"}
SEASON_NUMBER = re.compile(r"^(?:Season|Series|Part|Volume|Vol\.|Book|Chapter|Collection) (\d{1,3})$", re.IGNORECASE)
POPULAR_CATEGORY = " (most popular, first {days} days)"
WEEK_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class NetflixFile:
    """A parsed Netflix file: its kind (global, countries, popular) and its chart rows."""

    path: Path
    kind: str
    rows: pa.Table
    vintage: str = ""  # which vintage of the file was read, in words, for the import's report
    window: int = 0  # the days a most-popular file counts hours over (91, or 28 in the older vintage)

    @property
    def import_name(self) -> str:
        """The import the file's rows are kept under. The older most-popular list (28 days) is another
        chart than today's (91 days): under one name, loading either would replace the other's rows."""
        if self.kind == "popular" and self.window != CURRENT_WINDOW:
            return f"netflix-popular-{self.window}d"
        return f"netflix-{self.kind}"


# A file that would remove more than this share of its import's rows is refused without --replace: a
# header-only file, or one cut short at a line boundary (10,560 rows -> 99), is no new history.
SHRINK_LIMIT = 0.10
DIGEST_KEY = "reelradar.netflix_sha256"  # Parquet metadata of a staged import: the file it was made from
OFFLINE_HINT = "use --from FILE with a downloaded file"  # what `update netflix` can do without the network


def check_shrink(parsed: NetflixFile, before: int, *, replace: bool = False) -> None:
    """Refuse (BadInput, one line) a file that would shrink import ``parsed.import_name`` from ``before``
    rows by more than ``SHRINK_LIMIT``, unless ``replace``."""
    after = parsed.rows.num_rows
    if replace or before == 0 or after >= before * (1 - SHRINK_LIMIT):
        return
    raise BadInput(
        f"{parsed.path}: {after:,} chart rows where import {parsed.import_name} holds {before:,} "
        f"(it would lose {1 - after / before:.0%} of its history: a header-only or cut-short file?); "
        "nothing was changed: pass --replace to load it anyway"
    )


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_kind(header: list[str], path: Path) -> str:
    """Which Netflix file a header belongs to; BadInput naming what is missing otherwise."""
    names = set(header)
    kind = ("countries" if "country_iso2" in names else
            "popular" if names & POPULAR_HOURS.keys() else "global")
    missing = [c for c in REQUIRED[kind] if c not in names]
    if missing:
        raise BadInput(
            f"{path}:1: not a Netflix Top 10 file: header lacks {', '.join(missing)} "
            f"(expected e.g. {', '.join(REQUIRED['global'])})"
        )
    return kind


def popular_window(header: list[str]) -> int:
    """The days a most-popular file counts hours over (91 today, 28 in the older vintage)."""
    return next(days for column, days in POPULAR_HOURS.items() if column in header)


def vintage(kind: str, header: list[str], categories: set[str]) -> str:
    """Which vintage of a Netflix file a header and its categories show, in words."""
    if kind == "popular":
        days = popular_window(header)
        views = f"views_first_{days}_days" in header
        return (f"the most-popular list ranked by the first {days} days: hours"
                + (" and views" if views else ", no views column (views unknown)"))
    if kind == "global":
        return "the weekly global file" + ("" if "weekly_views" in header else
                                             " from before June 2023: hours, no views column (views unknown)")
    if categories & COUNTRY_CATEGORIES_2021.keys():
        return ("the weekly per-country file of 2021: categories 'Films (English)' and 'TV (English)' "
                "read as 'Films' and 'TV'")
    return "the weekly per-country file"


def show_kind(category: str, season_title: str | None) -> str:
    """The catalog kind a row names: a film, a series, a limited series, or a TV special (no season)."""
    if category.startswith("Films"):
        return "movie"
    if season_title is None:
        return "special"
    if season_title.split(" // ")[0].endswith("Limited Series"):
        return "miniseries"
    return "series"


def season_parts(show: str, season_title: str | None) -> tuple[str | None, int | None]:
    """(season label, season number) of a season title: "Bosch: Season 2" → ("Season 2", 2);
    "Stranger Things 5" → ("Stranger Things 5", 5); "Raw: June 1, 2026" → ("June 1, 2026", None)."""
    if season_title is None:
        return None, None
    primary, show_primary = season_title.split(" // ")[0].strip(), show.split(" // ")[0].strip()
    label = primary[len(show_primary) + 1:].strip() if primary.startswith(show_primary + ":") else primary
    match = SEASON_NUMBER.match(label)
    if match:
        return label, int(match.group(1))
    trailing = re.fullmatch(re.escape(show_primary) + r" (\d{1,3})", primary)
    if trailing:
        return label, int(trailing.group(1))
    return label, None


def slug(text: str) -> str:
    """Lower case, no accents, words joined by '-' (articles kept: "The Hustle" is not "Hustle")."""
    text = unicodedata.normalize("NFKD", text.split(" // ")[0])
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    return "-".join(re.sub(r"[^\w]+", " ", text).split()) or "untitled"


def show_keys(rows: list[dict[str, object]]) -> dict[tuple[str, str], str]:
    """(kind, show title) -> the show's key; names that differ only in case or punctuation ("STRAW",
    "Straw") are different titles to Netflix, so all but the first in sort order get a short hash."""
    by_slug: dict[tuple[str, str], list[str]] = {}
    for kind_name in sorted({(str(r["title_kind"]), str(r["raw_title"]).split(" // ")[0].strip()) for r in rows}):
        by_slug.setdefault((kind_name[0], slug(kind_name[1])), []).append(kind_name[1])
    keys: dict[tuple[str, str], str] = {}
    for (kind, s), names in by_slug.items():
        for i, name in enumerate(names):
            suffix = "" if i == 0 else "~" + hashlib.sha1(name.encode()).hexdigest()[:6]
            keys[(kind, name)] = f"netflix:{kind}:{s}{suffix}"
    return keys


def _int(value: str, what: str, where: str, *, low: int = 0, high: int = validate.INT32_MAX) -> int:
    """A required whole number (ranks, weeks in the top 10) within low..high."""
    number = validate.whole(value, what, where, low=low, high=high)
    if number is None:
        raise BadInput(f"{where}: {what} is empty")
    return number


def _float(value: str, what: str, where: str) -> float | None:
    """Hours, views or a runtime: finite and not negative; None for no figure."""
    if value in ("", "N/A"):
        return None
    return validate.number(value, what, where, low=0)


def _week(value: str, where: str) -> date:
    if not WEEK_TEXT.fullmatch(value):
        raise BadInput(f"{where}: week {validate.shown(value)} is not a date (YYYY-MM-DD)")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where}: week {validate.shown(value)} is not a date (YYYY-MM-DD)") from None
    validate.day(day, "week", where)
    if day.weekday() != 6:
        raise BadInput(f"{where}: week {value} is not a Sunday (Netflix weeks run Monday to Sunday)")
    return day


def parse_file(path: Path, *, fetched_at: datetime | None = None) -> NetflixFile:
    """Parse a Netflix Top 10 TSV of any of the three kinds. A bad line raises BadInput naming the file
    and line; nothing of a bad file is used."""
    if not path.is_file():
        raise BadInput(f"no Netflix Top 10 file at {path}")
    fetched_at = fetched_at or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    fetched = fetched_at.replace(tzinfo=None, microsecond=0)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise BadInput(f"{path}: empty file, not a Netflix Top 10 file") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}:1: cannot read the header ({exc})") from None
        kind = file_kind(header, path)
        twice = sorted({h for h in header if h and header.count(h) > 1})
        if twice:
            raise BadInput(f"{path}:1: two columns named {twice[0]!r}: which one is meant?")
        col = {name: i for i, name in enumerate(header)}
        rows: list[dict[str, object]] = []
        try:
            for values in reader:
                where = f"{path}:{reader.line_num}"
                if not any(v.strip() for v in values):
                    continue
                if len(values) < len(header):
                    raise BadInput(f"{where}: {len(values)} fields where the header has {len(header)}")
                get = lambda name, v=values: v[col[name]].strip() if name in col else ""
                rows.append(_row(kind, get, where, fetched, path, header))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BadInput(f"{path}:{reader.line_num}: cannot read the line ({exc})") from None
    categories = {str(row["category"]) for row in rows}
    if kind == "countries" and not any("(Non-English)" in c for c in categories):
        for row in rows:  # 2021's names of the one list per country (see the module docstring)
            row["category"] = COUNTRY_CATEGORIES_2021.get(str(row["category"]), row["category"])
    _check_duplicates(rows, path)
    _assign_entries(rows)
    for row in rows:
        row.pop("_line", None)
    return NetflixFile(path=path, kind=kind, rows=rows_to_table(rows, CHART_SCHEMA),
                       vintage=vintage(kind, header, categories),
                       window=popular_window(header) if kind == "popular" else 0)


def _row(kind: str, get, where: str, fetched: datetime, path: Path,  # type: ignore[no-untyped-def]
         header: list[str]) -> dict[str, object]:
    category = get("category")
    if category not in CATEGORIES:
        raise BadInput(f"{where}: unknown category {validate.shown(category)} "
                       f"(expected one of {', '.join(sorted(CATEGORIES))})")
    show = validate.text(get("show_title"), "show_title", where)
    if not show:
        raise BadInput(f"{where}: show_title is empty")
    season_title = validate.text(get("season_title"), "season_title", where) or None
    if season_title == "N/A":
        season_title = None
    title_kind = show_kind(category, season_title)
    label, number = season_parts(show, season_title) if title_kind in ("series",) else (None, None)
    row: dict[str, object] = {
        "source": "netflix", "platform": PLATFORM, "category": category, "raw_title": show,
        "season_title": season_title, "title_kind": title_kind, "season_number": number,
        "fetched_at": fetched, "_line": where, "_label": label,
    }
    runtime = _float(get("runtime"), "runtime", where)
    row["runtime_hours"] = runtime if runtime else None  # 0 means Netflix gave no runtime
    if kind == "popular":
        rank = _int(get("rank"), "rank", where, low=1, high=10)
        day = validate.day(fetched.date(), "the file's date (most-popular rows are dated by it)", where)
        days = popular_window(header)
        hours, views = f"hours_viewed_first_{days}_days", f"views_first_{days}_days"
        row.update(country="world", category=category + POPULAR_CATEGORY.format(days=days), period_start=day,
                   period_end=day, rank=rank, hours=_float(get(hours), hours, where),
                   views=_float(get(views), views, where), points=None, as_of=day, via="netflix:most-popular")
        return row
    week = _week(get("week"), where)
    rank = _int(get("weekly_rank"), "weekly_rank", where, low=1, high=10)
    row.update(
        period_start=week - timedelta(days=6), period_end=week, rank=rank, points=chart_points(rank), as_of=week,
        cumulative_weeks=_int(get("cumulative_weeks_in_top_10"), "cumulative_weeks_in_top_10", where, low=1),
    )
    if kind == "global":
        row.update(country="world", via="netflix:all-weeks-global",
                   hours=_float(get("weekly_hours_viewed"), "weekly_hours_viewed", where),
                   views=_float(get("weekly_views"), "weekly_views", where))
    else:
        iso = get("country_iso2").upper()
        if not validate.is_country_code(iso):
            raise BadInput(f"{where}: country_iso2 {validate.shown(iso)} is not a country's two-letter code")
        row.update(country=iso, via="netflix:all-weeks-countries")
    return row


def _check_duplicates(rows: list[dict[str, object]], path: Path) -> None:
    """One title appears once per chart and week; a second copy means a broken or merged file."""
    seen: dict[tuple[object, ...], str] = {}
    for row in rows:
        key = (row["country"], row["category"], row["period_start"], row["raw_title"], row["season_title"])
        if key in seen:
            raise BadInput(f"{row['_line']}: {validate.shown(row['raw_title'])} appears twice in the same chart and week "
                           f"(first at line {str(seen[key]).rsplit(':', 1)[1]})")
        seen[key] = str(row["_line"])


def _assign_entries(rows: list[dict[str, object]]) -> None:
    """Give each row its entry key. Within one chart (country and category) a show and season keep
    one key while Netflix's weeks counter goes on; when it starts again at 1 the name belongs to
    another title (two films called Dhamaka), whose key gets the Sunday of its first week."""
    order = sorted(range(len(rows)), key=lambda i: rows[i]["period_start"])  # type: ignore[arg-type,return-value]
    current: dict[tuple[object, ...], str] = {}
    keys = show_keys(rows)
    for i in order:
        row = rows[i]
        kind = str(row["title_kind"])
        base = keys[(kind, str(row["raw_title"]).split(" // ")[0].strip())]
        chart = (row["country"], row["category"], row["raw_title"], row["season_title"])
        weeks = row.get("cumulative_weeks")
        if chart not in current:
            current[chart] = base
        elif weeks == 1:
            current[chart] = f"{base}~{row['period_end']}"
        key = current[chart]
        label = row.pop("_label", None)
        if kind == "series" and row["season_title"] is not None:
            part = str(row["season_number"]) if row["season_number"] is not None else slug(str(label or ""))
            key = f"{key}:s:{part}"
        row["entry_key"] = key


def fetch_one(base_url: str, cache_dir: Path, name: str, *, progress: bool = False) -> tuple[Path, bool]:
    """Download Netflix file ``name`` into ``cache_dir/netflix`` with a conditional GET (ETag and
    Last-Modified kept beside the file); return its path and whether it changed. A host that cannot be
    reached is ``Unreachable`` with the way round it (``--from FILE``)."""
    from reelradar.sources.download import fetch_file

    url = base_url.rstrip("/") + "/" + name
    try:
        result = fetch_file(url, cache_dir / "netflix" / name, check_gzip=False, progress=progress)
    except Unreachable as exc:
        raise exc.with_hint(OFFLINE_HINT) from None
    return result.path, result.changed
