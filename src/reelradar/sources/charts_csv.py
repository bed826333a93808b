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

A kind the reader does not know ("Stand-Up Comedy", "Concert/Performance") leaves that row's kind
unknown rather than refusing the file: counted by value in ``ChartCsv.notes``. ``columns={"kind": ""}``
reads the file as having no kind column.

A file with a missing field, a rank that is not a whole number from 1 to 10, a date or week that does
not exist or lies outside 1900..2100, a bad year, country or points, a title with a NUL or of
more than 1,000 characters, a line that is not CSV (a ragged row, a stray quote, more than 128 KiB,
not UTF-8) or a column name used twice is refused whole with one line naming the file and its first bad
line (bounds from ``reelradar.validate``). Ties and missing ranks are kept as charted; a row
repeated in the same chart and period is kept once (the better rank).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from reelradar import validate
from reelradar.catalog.charts_store import CHART_SCHEMA
from reelradar.catalog.db import connect
from reelradar.catalog.db import sql_literal as _lit
from reelradar.countries import ALIASES as COUNTRY_ALIASES
from reelradar.countries import country_code
from reelradar.errors import BadInput
from reelradar.validate import DATE_FIRST, DATE_LAST, INT32_MAX, MAX_TEXT, YEAR_FIRST, YEAR_LAST

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
DELIMITERS = ",\t;|"
MAX_LINE = 131_072  # bytes in one line; Python's csv reads no longer field, and no chart row is that long
MAX_COUNTRY_NAMES = 1000  # distinct country names looked up; a file with more is not a list of countries
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
    unknown_kinds: dict[str, int] = field(default_factory=dict)  # kind as written -> rows, most first

    @property
    def notes(self) -> list[str]:
        """What the import kept differently from the file, one plain line each."""
        return [unknown_kinds_note(self.unknown_kinds)] if self.unknown_kinds else []

    @property
    def rows(self) -> pa.Table:
        if self.table is None:
            assert self.parquet is not None
            self.table = pq.read_table(self.parquet).cast(CHART_SCHEMA)
        return self.table


def unknown_kinds_note(kinds: dict[str, int]) -> str:
    """"43 rows with a kind not known (Stand-Up Comedy 30, Concert/Performance 13): kept with kind unknown"."""
    total = sum(kinds.values())
    shown = ", ".join(f"{validate.shown(k)[1:-1]} {n:,}" for k, n in list(kinds.items())[:5])
    more = f", {len(kinds) - 5:,} more" if len(kinds) > 5 else ""
    return (f"{total:,} row{'s' * (total != 1)} with a kind not known ({shown}{more}): kept with kind unknown "
            f"(known kinds: movie, series, miniseries)")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _listed(header: list[str]) -> str:
    """The header as a message lists it (cut short: a hostile first line may be long)."""
    text = ", ".join(header)
    return text if len(text) <= 200 else text[:199] + "…"


def map_header(header: list[str], columns: dict[str, str], path: Path) -> dict[str, int]:
    """field -> column position, from the explicit mapping, then the names themselves, then aliases.
    A name used by two columns is refused: which of the two holds the title is anyone's guess."""
    bad = [f for f in columns if f not in FIELDS]
    if bad:
        raise BadInput(f"unknown chart field {bad[0]!r} in --column: use one of {', '.join(FIELDS)}")
    names = [h.strip().lower() for h in header]
    position = {n: i for i, n in reversed(list(enumerate(names)))}  # a name's first column
    found: dict[str, int] = {}
    unmapped = {f for f, name in columns.items() if not name.strip()}  # FIELD= : the file has no such column
    for field_, name in columns.items():
        if field_ in unmapped:
            continue
        if name.strip().lower() not in position:
            raise BadInput(f"{path}:1: no column {name!r} for {field_} (the header has: {_listed(header)})")
        found[field_] = position[name.strip().lower()]
    for alias in (False, True):  # the fields' own names first: 'title' wins over 'name' wherever it is
        for name, i in sorted(position.items(), key=lambda kv: kv[1]):
            key = name.replace(" ", "_")
            known = ALIASES.get(key) if alias else (key if key in FIELDS else None)
            if known and known not in found and known not in unmapped and i not in found.values():
                found[known] = i
    count = Counter(names)
    for field_, i in found.items():
        if count[names[i]] > 1:
            raise BadInput(f"{path}:1: two columns named {validate.shown(header[i].strip())} ({field_}): which one "
                           "is meant? Rename one, or map the field with --column FIELD=NAME")
    return found


def check_fields(found: dict[str, int], platform: str | None, path: Path, header: list[str]) -> None:
    missing = [f for f in ("rank", "title") if f not in found]
    if "date" not in found and "week" not in found:
        missing.insert(0, "date or week")
    if "platform" not in found and not platform:
        missing.append("platform (or --platform)")
    if missing:
        raise BadInput(f"{path}:1: wrong header: no {', '.join(missing)} column "
                       f"(the header has: {_listed(header)}; map names with --column FIELD=NAME)")


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
    header, delim = _read_header(path)
    found = map_header(header, columns, path)
    check_fields(found, platform, path, header)
    for option, value in (("--platform", platform), ("--category", category)):
        if value is not None:
            validate.text(value, option, "the command line")
    if country is not None:
        given, country = country, country_or_world(country)
        if country is None:
            raise BadInput(f"--country {given!r} is not a country (a name, a two- or three-letter code) or 'world'")
    fetched = (fetched_at or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    col = lambda f: f"nullif(trim(c{found[f]}), '')" if f in found else "NULL"
    con = connect()
    try:
        # One pass over the file, nothing held whole: the checks run as a filter that raises on the first
        # bad row met (the first in file order, and why, is then asked again), repeats collapse in a hash
        # aggregate that spills past CHART_MEMORY, and the rows stream to Parquet (or Arrow, for small files).
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET memory_limit = '{CHART_MEMORY}'")
        if to_parquet is not None:
            con.execute(f"SET temp_directory = {_lit(str(_spill_dir(to_parquet)))}")
        name = f"chart-{_slug(platform or 'several')}-{_slug(path.stem)}"
        query = _rows_sql(fetched, path.name, name)
        checks: Callable[..., str] | None = None
        try:
            con.execute(f"CREATE TEMP VIEW raw AS SELECT * FROM {_read_sql(path, delim, len(header))}")
            total = con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
            if total == 0:
                raise BadInput(f"{path}: no chart rows below the header")
            # the countries written as names rather than codes: few, whatever the size of the file
            named = col("country") if "country" in found and country is None else "NULL"
            names = [r[0] for r in con.execute(f"""SELECT DISTINCT c FROM (SELECT {named} AS c FROM raw)
                WHERE c IS NOT NULL AND NOT {_is_code_sql('c')} LIMIT {MAX_COUNTRY_NAMES}""").fetchall()]
            checks = partial(_checked_sql, found, col, platform, country, category,
                             {n: country_or_world(n) for n in names})
            con.execute(f"""CREATE TEMP VIEW parsed AS
                SELECT *, coalesce(day, monday) AS period_start,
                       CASE WHEN day IS NOT NULL THEN day ELSE monday + 6 END AS period_end,
                       {_KIND_SQL} AS title_kind
                FROM ({checks()}) WHERE CASE WHEN why IS NOT NULL THEN error('{_BAD_ROW}') ELSE TRUE END""")
            if to_parquet is not None:
                to_parquet.parent.mkdir(parents=True, exist_ok=True)
                kept = con.execute(f"COPY ({query}) TO {_lit(str(to_parquet))} (FORMAT parquet)").fetchall()[0][0]
                return ChartCsv(path=path, duplicates=int(total - kept), import_name=name, parquet=to_parquet,
                                unknown_kinds=_unknown_kinds(con, col("kind")))
            rows = con.sql(query).to_arrow_table()
            unknown = _unknown_kinds(con, col("kind"))
        except duckdb.Error as exc:
            if _BAD_ROW in str(exc) and checks is not None:
                raise BadInput(_first_bad_row(con, path, delim, len(header), checks(source="numbered"))) from None
            raise BadInput(_unreadable(path, delim, len(header), exc)) from None
    finally:
        con.close()
        if to_parquet is not None:
            shutil.rmtree(_spill_dir(to_parquet), ignore_errors=True)
    rows = rows.select(CHART_SCHEMA.names).cast(CHART_SCHEMA)
    return ChartCsv(path=path, duplicates=int(total - rows.num_rows), import_name=name, table=rows,
                    unknown_kinds=unknown)


def _unknown_kinds(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, int]:
    """The kinds as written that ``KINDS`` does not know, with their rows (a file already checked whole)."""
    if kind == "NULL":
        return {}
    found = con.execute(f"""SELECT k, count(*) AS n FROM (SELECT {kind} AS k FROM raw)
        WHERE k IS NOT NULL AND lower(k) NOT IN ({", ".join(_lit(k) for k in KINDS)})
        GROUP BY k ORDER BY n DESC, k""").fetchall()
    return {str(k): int(n) for k, n in found}


def _spill_dir(target: Path) -> Path:
    """Where DuckDB may spill while parsing a file into ``target`` (one folder per process)."""
    return target.parent / f".spill-{os.getpid()}"


def _read_header(path: Path) -> tuple[list[str], str]:
    """The header's names and the file's delimiter (of , tab ; | the one the first line holds most)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:  # lines may end in \n, \r\n or \r
            text = f.readline(MAX_LINE + 1)
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise BadInput(_first_non_utf8_line(path)) from None
    if len(text) > MAX_LINE:
        raise BadInput(f"{path}:1: the header is longer than {MAX_LINE:,} characters: not a chart CSV")
    if not text.strip():
        raise BadInput(f"{path}:1: empty file or empty header")
    delim = max(DELIMITERS, key=text.count) if any(d in text for d in DELIMITERS) else ","
    try:
        return [h.strip() for h in next(csv.reader([text], delimiter=delim, strict=True))], delim
    except csv.Error as exc:
        raise BadInput(f"{path}:1: cannot read the header ({exc})") from None


def _read_sql(path: Path, delim: str, width: int, *, numbered: bool = False) -> str:
    """read_csv of the rows below the header, told the dialect rather than guessing it (a guess on a
    ragged or hostile file picks other columns): columns c0, c1, ... as text, one per header name."""
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    return (f"""read_csv({_lit(str(path))}, header = false, skip = 1, delim = {_lit(delim)}, quote = '"',
                escape = '"', columns = {cols}, auto_detect = false, null_padding = false, strict_mode = true,
                max_line_size = {MAX_LINE})""" + (" WITH ORDINALITY" if numbered else ""))


@cache
def _country_codes_sql() -> str:
    return "(" + ", ".join(_lit(c) for c in sorted(validate.country_codes())) + ")"


def _is_code_sql(text: str) -> str:
    return f"(length({text}) = 2 AND upper({text}) IN {_country_codes_sql()})"


def _country_sql(text: str, names: dict[str, str | None]) -> str:
    """SQL: the code of the country in ``text`` ('?' when it is none); ``names`` maps the file's country
    names (and three-letter codes) to codes, found beforehand."""
    known = "".join(f"WHEN {_lit(n)} THEN {_lit(c)} " for n, c in names.items() if c)
    return (f"CASE WHEN {text} IS NULL THEN NULL "
            f"WHEN lower({text}) IN {tuple(WORLD)} THEN 'world' "
            f"WHEN {_is_code_sql(text)} THEN upper({text}) "
            + (f"ELSE CASE {text} {known}ELSE '?' END END" if known else "ELSE '?' END"))


_KIND_SQL = "CASE kind_text " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KINDS.items()) + " END"
_WHOLE_RE = r"\+?[0-9]{1,10}"
_DATE_RE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_WEEK_RE = "^([0-9]{4})-?[Ww]([0-9]{2})$"


def _whole_sql(text: str) -> str:
    return f"CASE WHEN regexp_full_match({text}, '{_WHOLE_RE}') THEN {text}::BIGINT END"


def _date_sql(text: str) -> str:
    return f"CASE WHEN regexp_full_match({text}, '{_DATE_RE}') THEN try_cast({text} AS DATE) END"


def _checked_sql(found: dict[str, int], col: Callable[[str], str], platform: str | None, country: str | None,
                 category: str | None, names: dict[str, str | None], *, source: str = "raw") -> str:
    """Each row's fields as values, and ``why`` the row is bad (NULL when it is fine): the rules of the
    module docstring, with the bounds of reelradar.validate. ``source`` 'numbered' keeps the row's
    number in the file (``n``)."""
    lit = lambda v: "NULL" if v is None else _lit(v)
    week, iso = col("week"), f"regexp_extract({col('week')}, '{_ISO_WEEK_RE}', ['y', 'w'])"
    fields = f"""
        SELECT {'ordinality' if source == 'numbered' else 'NULL'}::BIGINT AS n,
               {col("rank")} AS rank_text, {_whole_sql(col("rank"))} AS rank, {col("title")} AS title,
               {col("date") if "date" in found else "NULL"} AS date_text, {_date_sql(col("date"))} AS day,
               {week} AS week_text, nullif({iso}.y, '')::INT AS iso_year, nullif({iso}.w, '')::INT AS iso_week,
               {_date_sql(week)} AS week_day,
               coalesce({lit(platform)}, {col("platform")}) AS platform,
               coalesce({lit(country)}, {_country_sql(col("country"), names)}) AS country,
               {col("country")} AS country_text, coalesce({lit(category)}, {col("category")}) AS category,
               {col("year")} AS year_text, {_whole_sql(col("year"))} AS year,
               lower({col("kind")}) AS kind_text, coalesce({col("imdb_id")}, {col("tmdb_id")}, {col("id")}) AS ref,
               {col("points")} AS points_text, {_whole_sql(col("points"))} AS points
        FROM {source}"""
    # Monday of ISO week w of year y: the Monday of the week holding 4 January, plus w-1 weeks.
    jan4 = "make_date(iso_year, 1, 4)"
    monday = f"""CASE WHEN iso_year BETWEEN {DATE_FIRST.year} AND {DATE_LAST.year} AND iso_week BETWEEN 1 AND 53
                      THEN {jan4} - (isodow({jan4}) - 1)::INT + 7 * (iso_week - 1)
                      WHEN iso_year IS NULL THEN week_day - (isodow(week_day) - 1)::INT END"""
    return f"SELECT *, {_why_sql()} AS why FROM (SELECT *, {monday} AS monday FROM ({fields}))"


def _shown_sql(text: str) -> str:
    """SQL: a field as a message quotes it, on one line and cut short (validate.shown's twin)."""
    return (f"'''' || left(regexp_replace({text}, '[[:cntrl:]]', '?', 'g'), 40) "
            f"|| CASE WHEN length({text}) > 40 THEN '…' ELSE '' END || ''''")


def _why_sql() -> str:
    """SQL: why a row is bad, in words, the first rule it breaks; NULL for a good row."""
    span = f"{DATE_FIRST}..{DATE_LAST}"
    rules = [
        ("rank_text IS NULL", "'rank is empty (a top-10 chart ranks 1 to 10)'"),
        ("rank IS NULL OR rank NOT BETWEEN 1 AND 10",
         f"'rank ' || {_shown_sql('rank_text')} || ' is not a whole number from 1 to 10 (a top-10 chart)'"),
        ("title IS NULL", "'title is empty'"),
    ]
    for name in ("title", "platform", "category", "ref"):
        what = "id" if name == "ref" else name
        rules += [(f"strpos({name}, chr(0)) > 0", f"'{what} holds a NUL character (a damaged or binary file?)'"),
                  (f"length({name}) > {MAX_TEXT}",
                   f"'{what} is ' || format('{{:,}}', length({name})) || ' characters long, more than {MAX_TEXT:,}'")]
    rules += [
        ("date_text IS NULL AND week_text IS NULL", "'neither date nor week is given'"),
        ("date_text IS NOT NULL AND day IS NULL",
         f"'date ' || {_shown_sql('date_text')} || ' is not a date (YYYY-MM-DD)'"),
        (f"day NOT BETWEEN DATE '{DATE_FIRST}' AND DATE '{DATE_LAST}'",
         f"'date ' || {_shown_sql('date_text')} || ' is outside {span}'"),
        ("week_text IS NOT NULL AND iso_year IS NULL AND week_day IS NULL",
         f"'week ' || {_shown_sql('week_text')} || ' is neither an ISO week (2025-W28) nor a date (YYYY-MM-DD)'"),
        (f"iso_year NOT BETWEEN {DATE_FIRST.year} AND {DATE_LAST.year}",
         f"'week ' || {_shown_sql('week_text')} || ' is outside {DATE_FIRST.year}..{DATE_LAST.year}'"),
        ("iso_week NOT BETWEEN 1 AND 53",
         f"'week ' || {_shown_sql('week_text')} || ' is not a week of the year (W01 to W53)'"),
        ("iso_year IS NOT NULL AND isoyear(monday) <> iso_year",
         f"'week ' || {_shown_sql('week_text')} || ' does not exist: ' || iso_year || ' has 52 ISO weeks'"),
        (f"week_day NOT BETWEEN DATE '{DATE_FIRST}' AND DATE '{DATE_LAST}'",
         f"'week ' || {_shown_sql('week_text')} || ' is outside {span}'"),
        ("platform IS NULL", "'platform is empty (give it in the file or with --platform)'"),
        ("country = '?'", (f"'country ' || {_shown_sql('country_text')} || "
                           "' is not a country (a name, a two- or three-letter code) or ''world'''")),
        (f"year_text IS NOT NULL AND (year IS NULL OR year NOT BETWEEN {YEAR_FIRST} AND {YEAR_LAST})",
         f"'year ' || {_shown_sql('year_text')} || ' is not a year from {YEAR_FIRST} to {YEAR_LAST}'"),
        (f"points_text IS NOT NULL AND (points IS NULL OR points > {INT32_MAX})",
         f"'points ' || {_shown_sql('points_text')} || ' is not a whole number from 0 to {INT32_MAX:,}'"),
    ]
    return "CASE " + " ".join(f"WHEN {cond} THEN {why}" for cond, why in rules) + " END"


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
        SELECT 'csv' AS source, g.platform, g.country, g.category, g.period_start, g.period_end,
               g.rank::INTEGER AS rank, g.title AS raw_title, NULL::VARCHAR AS season_title,
               NULL::VARCHAR AS title_id, NULL::DOUBLE AS hours, NULL::DOUBLE AS views,
               NULL::DOUBLE AS runtime_hours, NULL::INTEGER AS cumulative_weeks, g.points::INTEGER AS points,
               g.period_end AS as_of, {_lit(fetched.isoformat(sep=" "))}::TIMESTAMP AS fetched_at,
               {_lit("csv:" + name)} AS via, NULL::VARCHAR AS season_id, k.entry_key, g.title_kind,
               g.year::INTEGER AS title_year, g.ref AS title_ref, NULL::INTEGER AS season_number,
               {_lit(import_name)} AS import_name
        FROM g JOIN k ON g.title = k.title AND g.year IS NOT DISTINCT FROM k.year"""


def country_or_world(text: str | None) -> str | None:
    """'world' for the whole world, else the alpha-2 code of a country given by code or name (a
    two-letter code no country has, such as XX, is none; 'UK' is read as GB)."""
    if text is None or not text.strip():
        return None
    t = text.strip()
    if t.lower() in WORLD:
        return "world"
    code = country_code(t)
    if code is not None and validate.is_country_code(code):
        return code
    return COUNTRY_ALIASES.get(t.lower())


def _first_bad_row(con: duckdb.DuckDBPyConnection, path: Path, delim: str, width: int, checked: str) -> str:
    """The message for the first bad row in file order: its line and why, as the checks said it."""
    try:
        con.execute(f"CREATE TEMP VIEW numbered AS SELECT * FROM {_read_sql(path, delim, width, numbered=True)}")
        found = con.execute(f"SELECT n, why FROM ({checked}) WHERE why IS NOT NULL ORDER BY n LIMIT 1").fetchall()
    except duckdb.Error as exc:
        return _unreadable(path, delim, width, exc)
    if not found:
        return f"{path}: a row is not valid; nothing was imported from this file"
    n, why = found[0]
    return f"{path}:{_line_of_row(path, delim, n)}: {why}; nothing was imported from this file"


def _reader(f: Any, delim: str) -> Any:
    """Python's csv reader over an open chart file, in the dialect given to DuckDB."""
    return csv.reader(f, delimiter=delim, quotechar='"', doublequote=True, strict=True)


def _line_of_row(path: Path, delim: str, n: int) -> int | str:
    """The line on which row ``n`` (1 for the first below the header, blank lines not counted) ends."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = _reader(f, delim)
        seen = 0
        try:
            next(reader, None)  # the header
            for row in reader:
                seen += bool(row)
                if seen == n:
                    return int(reader.line_num)
        except (csv.Error, UnicodeDecodeError):
            pass
    return f"row {n}"


def _unreadable(path: Path, delim: str, width: int, exc: duckdb.Error) -> str:
    """Why DuckDB could not read the file, found by reading it in Python up to the first line it cannot."""
    why = _unreadable_line(path, delim, width)
    if why is not None:
        return f"{why}; nothing was imported from this file"
    return f"{path}: cannot read as CSV ({_first_line(exc)}); nothing was imported from this file"


def _unreadable_line(path: Path, delim: str, width: int) -> str | None:
    """The first line Python's csv cannot read, or reads with the wrong number of fields."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = _reader(f, delim)
        try:
            next(reader, None)  # the header
            for row in reader:
                if row and len(row) != width:
                    return f"{path}:{reader.line_num}: {len(row)} fields where the header has {width}"
                if sum(len(v.encode()) for v in row) + len(row) > MAX_LINE:
                    return f"{path}:{reader.line_num}: a line longer than {MAX_LINE:,} bytes: not a chart row"
        except csv.Error as exc:
            text = str(exc)
            if "field larger than field limit" in text:
                text = f"a field longer than {csv.field_size_limit():,} characters: not a chart row"
            return f"{path}:{reader.line_num}: {text}"
        except UnicodeDecodeError:
            return _first_non_utf8_line(path)
    return None


def _first_non_utf8_line(path: Path) -> str:
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"{path}:{number}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
    return f"{path}: not UTF-8 text; save the file as UTF-8"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
