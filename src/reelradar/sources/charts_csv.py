"""Any top-10 chart as CSV (FlixPatrol style), read in bulk with DuckDB.

One row per title, chart and day or week. Fields (header names, case-insensitive; map others with
``columns={"rank": "Position"}``):

- ``date`` (YYYY-MM-DD, a daily chart) or ``week`` (``2025-W28``, or a date: the Monday–Sunday week
  holding it);
- ``platform`` (or given for the whole file), ``country`` (ISO alpha-2 or alpha-3 code, a country name such as
  ``United States`` or ``South Korea``, or ``world``; or given for the
  whole file), optional ``category``;
- ``rank`` (1..10), ``title``;
- optional ``year``, ``kind`` (movie/film, series/tv/show), ``imdb_id`` / ``tmdb_id`` / ``id``, ``points``.

A file with a missing field, a rank outside 1..10, a bad date, year or country is refused whole with
one line naming the file and line. Ties and missing ranks are kept as charted; a row repeated in the
same chart and period is kept once (the better rank).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from reelradar.catalog.charts_store import CHART_SCHEMA
from reelradar.catalog.db import connect
from reelradar.catalog.db import sql_literal as _lit
from reelradar.countries import country_code
from reelradar.errors import BadInput

FIELDS = ("date", "week", "platform", "country", "category", "rank", "title", "year", "kind", "imdb_id",
          "tmdb_id", "id", "points")
ALIASES = {
    "day": "date", "position": "rank", "place": "rank", "name": "title", "show": "title", "show_title": "title",
    "type": "kind", "imdb": "imdb_id", "tconst": "imdb_id", "tmdb": "tmdb_id", "region": "country",
    "service": "platform", "provider": "platform", "release_year": "year", "genre": "category",
}
KINDS = {"movie": "movie", "movies": "movie", "film": "movie", "films": "movie", "series": "series",
         "tv": "series", "show": "series", "tv show": "series", "tv shows": "series", "tv series": "series",
         "miniseries": "miniseries", "limited series": "miniseries"}
WORLD = {"world", "global", "worldwide", "ww"}
ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
CHART_MEMORY = "1500MB"  # DuckDB's share while parsing a chart file; the rest spills to disk
_BAD_ROW = "reelradar: bad chart row"


@dataclass
class ChartCsv:
    """A parsed chart file: its rows (catalog schema) as an Arrow table, or in a Parquet file when
    parsed straight to disk; the repeats it dropped; its import name."""

    path: Path
    duplicates: int
    import_name: str
    table: pa.Table | None = None
    parquet: Path | None = None

    @property
    def rows(self) -> pa.Table:
        if self.table is None:
            assert self.parquet is not None
            self.table = pq.read_table(self.parquet).cast(CHART_SCHEMA)
        return self.table


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def map_header(header: list[str], columns: dict[str, str], path: Path) -> dict[str, str]:
    """field -> header name, from the explicit mapping, then the names themselves, then aliases."""
    bad = [f for f in columns if f not in FIELDS]
    if bad:
        raise BadInput(f"unknown chart field {bad[0]!r} in --column: use one of {', '.join(FIELDS)}")
    lower = {h.strip().lower(): h for h in header}
    found: dict[str, str] = {}
    for field_, name in columns.items():
        if name.strip().lower() not in lower:
            raise BadInput(f"{path}:1: no column {name!r} for {field_} (the header has: {', '.join(header)})")
        found[field_] = lower[name.strip().lower()]
    for low, original in lower.items():
        key = low.replace(" ", "_")
        known = key if key in FIELDS else ALIASES.get(key)
        if known and known not in found and original not in found.values():
            found[known] = original
    return found


def check_fields(found: dict[str, str], platform: str | None, path: Path, header: list[str]) -> None:
    missing = [f for f in ("rank", "title") if f not in found]
    if "date" not in found and "week" not in found:
        missing.insert(0, "date or week")
    if "platform" not in found and not platform:
        missing.append("platform (or --platform)")
    if missing:
        raise BadInput(f"{path}:1: wrong header: no {', '.join(missing)} column "
                       f"(the header has: {', '.join(header)}; map names with --column FIELD=NAME)")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_chart_csv(
    path: Path,
    *,
    platform: str | None = None,
    country: str | None = None,
    category: str | None = None,
    columns: dict[str, str] | None = None,
    fetched_at: datetime | None = None,
    to_parquet: Path | None = None,
) -> ChartCsv:
    """Parse a chart CSV (see the module docstring); BadInput with file and line on the first bad row.

    With ``to_parquet`` the rows are written there (streamed by DuckDB, never all in Python memory)."""
    if not path.is_file():
        raise BadInput(f"no chart file at {path}")
    columns = columns or {}
    header = _read_header(path)
    found = map_header(header, columns, path)
    check_fields(found, platform, path, header)
    if country is not None:
        given, country = country, country_or_world(country)
        if country is None:
            raise BadInput(f"--country {given!r} is not a country (a name, a two- or three-letter code) or 'world'")
    fetched = (fetched_at or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    col = lambda f: f"nullif(trim({_q(found[f])}), '')" if f in found else "NULL"
    con = connect()
    try:
        # One pass over the file, nothing held whole: the checks run as a filter that raises on the first
        # bad row (the line is then found in Python), repeats collapse in a hash aggregate that spills past
        # CHART_MEMORY, and the rows stream to Parquet (or Arrow, for small files).
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET memory_limit = '{CHART_MEMORY}'")
        if to_parquet is not None:
            con.execute(f"SET temp_directory = {_lit(str(_spill_dir(to_parquet)))}")
        con.execute(
            f"""CREATE TEMP VIEW raw AS SELECT * FROM read_csv({_lit(str(path))}, header = true,
                    all_varchar = true, auto_detect = true, null_padding = false, strict_mode = true)"""
        )
        name = f"chart-{_slug(platform or 'several')}-{_slug(path.stem)}"
        query = _rows_sql(fetched, path.name, name)
        try:
            # The rows, and the countries written as names rather than codes (few, whatever the size).
            named = col("country") if "country" in found and country is None else "NULL"
            total, names = con.execute(
                f"SELECT count(*), list(DISTINCT c) FILTER (WHERE length(c) <> 2) FROM (SELECT {named} AS c FROM raw)"
            ).fetchall()[0]
            if total == 0:
                raise BadInput(f"{path}: no chart rows below the header")
            codes = {n: country_or_world(n) for n in names or []}
            con.execute(f"""CREATE TEMP VIEW parsed AS
                SELECT *, coalesce(day, monday) AS period_start,
                       CASE WHEN day IS NOT NULL THEN day ELSE monday + 6 END AS period_end,
                       {_KIND_SQL} AS title_kind
                FROM ({_parse_sql(found, col, platform, country, category, codes)})
                WHERE CASE WHEN {_BAD} THEN error('{_BAD_ROW}') ELSE TRUE END""")
            if to_parquet is not None:
                to_parquet.parent.mkdir(parents=True, exist_ok=True)
                kept = con.execute(f"COPY ({query}) TO {_lit(str(to_parquet))} (FORMAT parquet)").fetchall()[0][0]
                return ChartCsv(path=path, duplicates=int(total - kept), import_name=name, parquet=to_parquet)
            rows = con.sql(query).to_arrow_table()
        except duckdb.Error as exc:
            if _BAD_ROW in str(exc):
                raise BadInput(_first_bad_line(path, found, platform, country)) from None
            raise BadInput(f"{path}: cannot read as CSV ({_first_line(exc)})") from None
    finally:
        con.close()
        if to_parquet is not None:
            shutil.rmtree(_spill_dir(to_parquet), ignore_errors=True)
    rows = rows.select(CHART_SCHEMA.names).cast(CHART_SCHEMA)
    return ChartCsv(path=path, duplicates=int(total - rows.num_rows), import_name=name, table=rows)


def _spill_dir(target: Path) -> Path:
    """Where DuckDB may spill while parsing a file into ``target`` (one folder per process)."""
    return target.parent / f".spill-{os.getpid()}"


def _read_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}") from None
    if not first.strip():
        raise BadInput(f"{path}:1: empty file or empty header")
    dialect = csv.Sniffer().sniff(first, delimiters=",\t;|") if any(d in first for d in ",\t;|") else csv.excel
    return [h.strip() for h in next(csv.reader([first], dialect))]


def _parse_sql(found: dict[str, str], col: Callable[[str], str], platform: str | None, country: str | None,
               category: str | None, names: dict[str, str | None]) -> str:
    lit = lambda v: "NULL" if v is None else "'" + v.replace("'", "''") + "'"
    week = col("week")
    iso_week = f"regexp_extract({week}, '^(\\d{{4}})-?[Ww](\\d{{2}})$', ['y', 'w'])"
    # Monday of ISO week w of year y: the Monday of the week holding 4 January, plus w-1 weeks.
    week_monday = f"""CASE WHEN {iso_week}.y <> '' THEN
            make_date({iso_week}.y::INT, 1, 4) - (isodow(make_date({iso_week}.y::INT, 1, 4)) - 1)::INT
              + 7 * ({iso_week}.w::INT - 1)
          ELSE try_cast({week} AS DATE) - (isodow(try_cast({week} AS DATE)) - 1)::INT END"""
    return f"""
        SELECT {col("rank")} AS rank_text, try_cast({col("rank")} AS INTEGER) AS rank,
               {col("title")} AS title,
               {col("date") if "date" in found else "NULL"} AS date_text,
               try_cast({col("date")} AS DATE) AS day,
               {week} AS week_text,
               CASE WHEN {week} IS NULL THEN NULL
                    WHEN {iso_week}.y <> '' AND {iso_week}.w::INT NOT BETWEEN 1 AND 53 THEN NULL
                    ELSE {week_monday} END AS monday,
               coalesce({lit(platform)}, {col("platform")}) AS platform,
               coalesce({lit(country)}, {_country_sql(col("country"), names)}) AS country,
               {col("country")} AS country_text,
               coalesce({lit(category)}, nullif({col("category")}, '')) AS category,
               nullif({col("year")}, '') AS year_text, try_cast(nullif({col("year")}, '') AS INTEGER) AS year,
               lower(nullif({col("kind")}, '')) AS kind_text,
               nullif(coalesce(nullif({col("imdb_id")}, ''), nullif({col("tmdb_id")}, ''), {col("id")}), '') AS ref,
               nullif({col("points")}, '') AS points_text, try_cast(nullif({col("points")}, '') AS INTEGER) AS points
        FROM raw"""


def _country_sql(text: str, names: dict[str, str | None]) -> str:
    """SQL: the code of the country in ``text`` ('?' when it is none); ``names`` maps the file's country
    names (and three-letter codes) to codes, found beforehand."""
    known = "".join(f"WHEN {_lit(n)} THEN {_lit(c)} " for n, c in names.items() if c)
    return (f"CASE WHEN {text} IS NULL OR {text} = '' THEN NULL "
            f"WHEN lower({text}) IN {tuple(WORLD)} THEN 'world' "
            f"WHEN regexp_matches({text}, '^[A-Za-z]{{2}}$') THEN upper({text}) "
            + (f"ELSE CASE {text} {known}ELSE '?' END END" if known else "ELSE '?' END"))


_KIND_SQL = "CASE kind_text " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KINDS.items()) + " END"

# A row is bad when any of these holds; _check_row says the same in Python, to name the line.
_BAD = f"""(rank IS NULL OR rank NOT BETWEEN 1 AND 10 OR title IS NULL OR title = ''
           OR (date_text IS NOT NULL AND day IS NULL) OR (week_text IS NOT NULL AND monday IS NULL)
           OR (date_text IS NULL AND week_text IS NULL) OR platform IS NULL OR platform = ''
           OR country = '?' OR (year_text IS NOT NULL AND (year IS NULL OR year NOT BETWEEN 1870 AND 2100))
           OR (kind_text IS NOT NULL AND {_KIND_SQL} IS NULL)
           OR (points_text IS NOT NULL AND (points IS NULL OR points < 0)))"""


def _rows_sql(fetched: datetime, name: str, import_name: str) -> str:
    """Chart rows from the checked ``parsed`` table: repeats collapsed (best rank), entry keys made
    once per distinct title rather than once per row."""
    norm = "regexp_replace(lower(strip_accents(title)), '[^a-z0-9]+', '-', 'g')"
    return f"""
        WITH g AS (
          SELECT platform, country, category, period_start, period_end, title, year, title_kind,
                 min(rank) AS rank, arg_min(coalesce(points, 11 - rank), rank) AS points, any_value(ref) AS ref
          FROM parsed GROUP BY ALL),
        k AS (SELECT title, year, 'csv:' || {norm} || coalesce(':' || year, '') AS entry_key
              FROM (SELECT DISTINCT title, year FROM g))
        SELECT 'csv' AS source, g.platform, g.country, g.category, g.period_start, g.period_end, g.rank,
               g.title AS raw_title, NULL::VARCHAR AS season_title, NULL::VARCHAR AS title_id,
               NULL::DOUBLE AS hours, NULL::DOUBLE AS views, NULL::DOUBLE AS runtime_hours,
               NULL::INTEGER AS cumulative_weeks, g.points, g.period_end AS as_of,
               {_lit(fetched.isoformat(sep=" "))}::TIMESTAMP AS fetched_at, {_lit("csv:" + name)} AS via,
               NULL::VARCHAR AS season_id, k.entry_key, g.title_kind, g.year AS title_year, g.ref AS title_ref,
               NULL::INTEGER AS season_number, {_lit(import_name)} AS import_name
        FROM g JOIN k ON g.title = k.title AND g.year IS NOT DISTINCT FROM k.year"""


def country_or_world(text: str | None) -> str | None:
    """'world' for the whole world, else the alpha-2 code of a country given by code or name."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if t.lower() in WORLD:
        return "world"
    return country_code(t)


def _check_row(get: Callable[[str], str | None], platform: str | None, country: str | None) -> str | None:
    """Why a row is bad (None when it is fine): the same rules as _BAD, said in words."""
    rank = get("rank")
    if rank is None or not rank.strip().lstrip("+").isdigit() or not 1 <= int(rank) <= 10:
        return f"rank {rank!r} is not a whole number from 1 to 10 (a top-10 chart)"
    if not (get("title") or "").strip():
        return "title is empty"
    day, week = get("date"), get("week")
    if day is None and week is None:
        return "neither date nor week is given"
    if day is not None:
        try:
            date.fromisoformat(day.strip())
        except ValueError:
            return f"date {day!r} is not a date (YYYY-MM-DD)"
    if week is not None and not _week_ok(week.strip()):
        return f"week {week!r} is neither an ISO week (2025-W28) nor a date (YYYY-MM-DD)"
    if not (platform or (get("platform") or "").strip()):
        return "platform is empty (give it in the file or with --platform)"
    if country is None and (get("country") or "").strip() and country_or_world(get("country")) is None:
        return f"country {get('country')!r} is not a country (a name, a two- or three-letter code) or 'world'"
    year = (get("year") or "").strip()
    if year and (not year.isdigit() or not 1870 <= int(year) <= 2100):
        return f"year {year!r} is not a year"
    kind = (get("kind") or "").strip().lower()
    if kind and kind not in KINDS:
        return f"kind {kind!r} is not one of movie, series, miniseries"
    points = (get("points") or "").strip()
    if points and not points.isdigit():
        return f"points {points!r} is not a whole number"
    return None


def _week_ok(text: str) -> bool:
    m = ISO_WEEK.match(text)
    if m:
        return 1 <= int(m.group(2)) <= 53
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _getter(row: dict[str, str | None], found: dict[str, str]) -> Callable[[str], str | None]:
    def get(field_: str) -> str | None:
        return (row.get(found[field_]) or "").strip() or None if field_ in found else None

    return get


def _first_bad_line(path: Path, found: dict[str, str], platform: str | None, country: str | None) -> str:
    with path.open(encoding="utf-8-sig", newline="") as f:
        sample = f.readline()
        f.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|") if any(d in sample for d in ",\t;|") \
            else csv.excel
        reader = csv.DictReader(f, dialect=dialect)
        for row in reader:
            clean = {(k or "").strip(): v for k, v in row.items()}
            why = _check_row(_getter(clean, found), platform, country)
            if why:
                return f"{path}:{reader.line_num}: {why}; nothing was imported from this file"
    return f"{path}: a row is not valid; nothing was imported from this file"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
