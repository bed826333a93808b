"""Ingest IMDb's seven dataset files into a catalog build, with DuckDB reading the gzip TSVs directly.

Runs as an ``after_load`` step of ``build_catalog`` on the build's own connection: plain SQL from the
files to the catalog tables, two files at a time (gzip decompression is one core per file), no Python
row ever. What cannot be trusted stops the build with one line naming the file and line (a truncated
gzip, a changed header, a file whose rows mostly fail); what can is skipped, logged and counted (a row
with invalid UTF-8 or the wrong number of fields, a duplicate id, an unknown title type, a link to a
title that is not in the build).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from reelradar.catalog.db import duckdb_settings, quiet
from reelradar.catalog.db import sql_literal as _lit
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.sources.base import SourceInfo
from reelradar.sources.imdb import FILES, INFO, KINDS, check_header, file_date

log = logging.getLogger(__name__)

# Bad rows beyond this share of a file (and at least MIN_BAD_ROWS) mean the format is not what we read.
MAX_BAD_SHARE = 0.001
MIN_BAD_ROWS = 100


@dataclass
class ImdbOptions:
    skip_adult: bool = False
    akas_regions: list[str] = field(default_factory=list)
    akas_languages: list[str] = field(default_factory=list)
    memory_limit: str | None = None


@dataclass
class FileReport:
    """What one file gave: rows read, rows skipped by reason, and the first skipped lines."""

    name: str
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)  # "line N: reason"
    seconds: float = 0.0


@dataclass
class ImdbLoadReport:
    files: dict[str, FileReport] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # catalog table -> rows from IMDb
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> titles left out
    # "ratings" / "alternative titles" / "credits" -> rows of titles left out: no loss, they go with their title
    of_titles_left_out: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall time


def default_memory_limit() -> str:
    """6 GiB or 80% of the machine's memory, whichever is less: DuckDB spills the rest to disk, so a full
    IMDb build stays within a laptop's means."""
    try:
        total_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return "6GB"
    return f"{min(6144, int(total_mib * 0.8))}MB"


def read_sql(path: Path, name: str, rejects: str) -> str:
    """``read_csv`` over one IMDb file in its exact format, with explicit column types; rows that do
    not parse are stored in ``rejects`` (per connection) instead of failing the query."""
    spec = FILES[name]
    cols = ", ".join(f"{_lit(c)}: {_lit(t)}" for c, t in spec.columns)
    return (
        f"read_csv({_lit(str(path))}, delim='\t', header=true, quote='', escape='', nullstr='\\N', "
        f"auto_detect=false, columns={{{cols}}}, compression='gzip', strict_mode=true, "
        f"ignore_errors=true, store_rejects=true, rejects_table={_lit(rejects)}, "
        f"rejects_scan={_lit(rejects + '_scan')}, max_line_size=10000000)"
    )


class ImdbLoader:
    """The IMDb source of a catalog build: ``infos``/``tables`` for the build's source list (it yields
    no Arrow tables), and itself the ``after_load`` step that loads the files with SQL."""

    def __init__(self, files: dict[str, Path], options: ImdbOptions | None = None,
                 notify: Callable[[str], None] = lambda _: None) -> None:
        self.files = files
        self.options = options or ImdbOptions()
        self.notify = notify
        self.report = ImdbLoadReport()
        self.as_of = file_date(files["title.ratings.tsv.gz"])
        self.fetched_at = datetime.fromtimestamp(files["title.basics.tsv.gz"].stat().st_mtime, tz=UTC)

    def infos(self) -> list[SourceInfo]:
        return [SourceInfo(**{**INFO.__dict__, "fetched_at": self.fetched_at.replace(tzinfo=None)})]

    def tables(self) -> Iterator[tuple[str, pa.Table]]:
        return iter(())

    def check(self) -> None:
        """Cheap checks before a build starts: every header is the one this reader knows."""
        for name, spec in FILES.items():
            check_header(self.files[name], spec)

    def __call__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.check()
        started = time.perf_counter()
        # The memory limit stays for the rest of the build (scores, search index): an IMDb-sized catalog
        # would otherwise take most of the machine's memory.
        con.execute(f"SET memory_limit = {_lit(self.options.memory_limit or default_memory_limit())}")
        try:
            # Row order within a table carries no meaning here; not keeping it saves memory and time.
            with duckdb_settings(con, preserve_insertion_order="false"):
                self._load_files(con)
                self.report.seconds["read files"] = time.perf_counter() - started
                t = time.perf_counter()
                self._finish(con)
                self.report.seconds["link and clean"] = time.perf_counter() - t
        finally:
            for table in ("_imdb_episode", "_imdb_crew"):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DELETE FROM meta WHERE key LIKE 'imdb.%'")
        con.execute("INSERT INTO meta VALUES ('imdb.as_of', ?)", [self.as_of.isoformat()])
        for name, fr in self.report.files.items():
            if fr.skipped:
                con.execute("INSERT INTO meta VALUES (?, ?)",
                            [f"imdb.skipped.{name}", ", ".join(f"{k}: {v}" for k, v in fr.skipped.items())])

    # -- reading -------------------------------------------------------------------------------

    def _load_files(self, con: duckdb.DuckDBPyConnection) -> None:
        # Two workers: principals (the largest file) on one, the others on the other. The first failure
        # (or Ctrl-C) interrupts the other worker's query, so a bad file stops the build at once.
        tasks: list[Callable[[duckdb.DuckDBPyConnection], None]] = [
            self._principals, self._episode_then_basics, self._akas, self._names, self._crew, self._ratings,
        ]
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._failed: list[BaseException] = []
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="imdb")
        try:
            futures = [pool.submit(self._run, con, task) for task in tasks]
            for f in futures:
                f.exception()
        except BaseException:
            self._stop()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._failed:
            raise self._failed[0]

    def _stop(self) -> None:
        for cur in list(self._cursors):
            with contextlib.suppress(duckdb.Error):
                cur.interrupt()

    def _run(self, con: duckdb.DuckDBPyConnection, task: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        if self._failed:
            return
        cur = con.cursor()
        quiet(cur)
        self._cursors.append(cur)
        try:
            task(cur)
        except BaseException as exc:  # noqa: BLE001  (re-raised by _load_files in the building thread)
            if not self._failed:  # the first failure is the one to report; the others were interrupted
                self._failed.append(exc)
                self._stop()
        finally:
            self._cursors.remove(cur)
            cur.close()

    def _insert(self, cur: duckdb.DuckDBPyConnection, name: str, sql_template: str,
                params: list[object] | None = None) -> int:
        """Run one INSERT/CREATE over file ``name`` (``{src}`` in the template), then account for the rows
        the reader rejected: skipped and logged, or the whole build refused when there are too many."""
        path = self.files[name]
        rejects = "_rej_" + name.split(".tsv")[0].replace(".", "_")
        started = time.perf_counter()
        try:
            result = cur.execute(sql_template.format(src=read_sql(path, name, rejects)), params or []).fetchone()
        except duckdb.IOException as exc:
            raise BadInput(f"{path}: cannot be read to its end ({_first_line(exc)}): download it again") from None
        except duckdb.Error as exc:
            raise BadInput(f"{path}: {_first_line(exc)}") from None
        rows = int(result[0]) if result and result[0] is not None else 0
        fr = self.report.files.setdefault(name, FileReport(name))
        fr.rows += rows
        fr.seconds += time.perf_counter() - started
        bad = cur.execute(
            f"""SELECT line, any_value(error_type ORDER BY column_idx) AS why
                FROM {rejects} GROUP BY line ORDER BY line"""
        ).fetchall()
        if bad:
            by_reason: dict[str, int] = {}
            for _line, why in bad:
                reason = _REASONS.get(str(why), str(why).lower())
                by_reason[reason] = by_reason.get(reason, 0) + 1
            if len(bad) > max(MIN_BAD_ROWS, MAX_BAD_SHARE * (rows + len(bad))):
                first_line, first_why = bad[0]
                raise BadInput(
                    f"{path}: line {first_line}: {_REASONS.get(str(first_why), first_why)}; {len(bad):,} of "
                    f"{rows + len(bad):,} rows cannot be read: the file is not in the format this reelradar knows"
                )
            for reason, n in by_reason.items():
                fr.skipped[reason] = fr.skipped.get(reason, 0) + n
            fr.examples += [f"line {ln}: {_REASONS.get(str(w), w)}" for ln, w in bad[:5]]
            log.warning("%s: %d rows skipped (%s); first at line %s", name, len(bad),
                        ", ".join(f"{k}: {v}" for k, v in by_reason.items()), bad[0][0])
        cur.execute(f"DROP TABLE IF EXISTS {rejects}")
        cur.execute(f"DROP TABLE IF EXISTS {rejects}_scan")
        self.notify(f"{name}: {rows:,} rows read" + (f", {len(bad):,} skipped" if bad else ""))
        return rows

    def _episode_then_basics(self, cur: duckdb.DuckDBPyConnection) -> None:
        # Episodes first (a small file) so each episode row of title.basics gets its series and season.
        self._insert(cur, "title.episode.tsv.gz",
                     "CREATE TABLE _imdb_episode AS SELECT * FROM {src} WHERE tconst IS NOT NULL; "
                     "SELECT count(*) FROM _imdb_episode")
        kinds = "CASE b.titleType " + " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in KINDS.items())
        # Unknown types and rows without a title keep a marker kind and are counted and removed later.
        kind = f"{kinds} ELSE '?type ' || coalesce(b.titleType, 'none') END"
        self._insert(cur, "title.basics.tsv.gz", f"""
            INSERT INTO title (id, kind, title, original_title, year, end_year, runtime_min, genres,
                               parent_id, season_number, episode_number, is_adult, source, fetched_at)
            SELECT b.tconst,
                   CASE WHEN b.primaryTitle IS NULL THEN '?no title' ELSE {kind} END,
                   coalesce(b.primaryTitle, ''), b.originalTitle, b.startYear, b.endYear, b.runtimeMinutes,
                   string_split(b.genres, ','),
                   CASE WHEN e.seasonNumber IS NOT NULL THEN 'imdb:' || e.parentTconst || ':s' || e.seasonNumber
                        ELSE e.parentTconst END,
                   e.seasonNumber, e.episodeNumber, b.isAdult = 1, 'imdb', $1
            FROM {{src}} b LEFT JOIN _imdb_episode e ON e.tconst = b.tconst
            WHERE b.tconst IS NOT NULL""", [self.fetched_at])

    def _principals(self, cur: duckdb.DuckDBPyConnection) -> None:
        # characters is JSON-array text: the common plain case is cut by string functions (fast); anything
        # with escapes goes through the JSON parser; text that is not JSON is kept as it is.
        self._insert(cur, "title.principals.tsv.gz", """
            INSERT INTO credit (title_id, person_id, role, "character", ordering, source, fetched_at)
            SELECT tconst, nconst, CASE category WHEN 'actress' THEN 'actor' ELSE coalesce(category, 'unknown') END,
                   CASE WHEN characters IS NULL THEN NULL
                        WHEN starts_with(characters, '["') AND ends_with(characters, '"]')
                             AND NOT contains(characters, '\\') THEN replace(characters[3:-3], '","', ' / ')
                        WHEN json_valid(characters) AND starts_with(characters, '[')
                             THEN array_to_string(from_json(characters, '["VARCHAR"]'), ' / ')
                        ELSE characters END,
                   ordering, 'imdb', $1
            FROM {src} WHERE tconst IS NOT NULL AND nconst IS NOT NULL""", [self.fetched_at])

    def _crew(self, cur: duckdb.DuckDBPyConnection) -> None:
        # Directors and writers become credits after principals are in (those already billed there
        # are not repeated), so they wait in a small table.
        self._insert(cur, "title.crew.tsv.gz",
                     "CREATE TABLE _imdb_crew AS SELECT * FROM {src} WHERE tconst IS NOT NULL "
                     "AND (directors IS NOT NULL OR writers IS NOT NULL); SELECT count(*) FROM _imdb_crew")

    def _ratings(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._insert(cur, "title.ratings.tsv.gz", """
            INSERT INTO rating (title_id, source, metric, value, scale, count, as_of, via, fetched_at)
            SELECT tconst, 'imdb', 'user_mean', averageRating, 10, numVotes, $1, 'title.ratings.tsv.gz', $2
            FROM {src} WHERE tconst IS NOT NULL AND averageRating IS NOT NULL""", [self.as_of, self.fetched_at])

    def _akas(self, cur: duckdb.DuckDBPyConnection) -> None:
        o = self.options
        keep = "TRUE"
        if o.akas_regions or o.akas_languages:
            keep = "(list_contains($1, upper(region)) OR list_contains($2, lower(language)))"
        self._insert(cur, "title.akas.tsv.gz", f"""
            INSERT INTO title_aka (title_id, title, region, language, source)
            SELECT titleId, title, region, language, 'imdb' FROM {{src}}
            WHERE titleId IS NOT NULL AND title IS NOT NULL AND {keep}""",
                     [[r.upper() for r in o.akas_regions], [lang.lower() for lang in o.akas_languages]]
                     if keep != "TRUE" else None)

    def _names(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._insert(cur, "name.basics.tsv.gz", """
            INSERT INTO person (id, name, birth_year, death_year, professions, source, fetched_at)
            SELECT nconst, coalesce(primaryName, ''), birthYear, deathYear, string_split(primaryProfession, ','),
                   'imdb', $1
            FROM {src} WHERE nconst IS NOT NULL""", [self.fetched_at])

    # -- linking and cleaning ------------------------------------------------------------------

    @contextlib.contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.report.seconds[phase] = self.report.seconds.get(phase, 0.0) + time.perf_counter() - started

    def _finish(self, con: duckdb.DuckDBPyConnection) -> None:
        rep = self.report
        with self._timed("duplicates"):
            self._dedupe(con, "title", "title.basics.tsv.gz")
            self._dedupe(con, "person", "name.basics.tsv.gz")
        with self._timed("left out"):
            self._leave_out(con)
        with self._timed("crew credits"):
            self._crew_credits(con)
        with self._timed("seasons"):
            self._seasons(con)
        con.execute("DROP TABLE IF EXISTS _imdb_dropped")
        for table in ("title", "title_aka", "person", "credit", "rating"):
            rep.rows[table] = int(con.execute(f"SELECT count(*) FROM {table} WHERE source = 'imdb'").fetchall()[0][0])

    def _leave_out(self, con: duckdb.DuckDBPyConnection) -> None:
        """Remove video games, unknown title types, rows without a title, and (with skip_adult) adult
        titles, with their episodes, credits, ratings and alternative titles."""
        rep = self.report
        adult = "OR is_adult" if self.options.skip_adult else ""
        con.execute(f"""CREATE TEMP TABLE _imdb_dropped AS
                        SELECT id, CASE WHEN starts_with(kind, '?') THEN kind ELSE 'adult' END AS why
                        FROM title WHERE source = 'imdb' AND (starts_with(kind, '?') {adult})""")
        if not con.execute("SELECT count(*) FROM _imdb_dropped").fetchall()[0][0]:
            return
        con.execute("""INSERT INTO _imdb_dropped
                       SELECT id, 'episodes of series left out' FROM title
                       WHERE source = 'imdb' AND kind = 'episode' AND parent_id IS NOT NULL
                         AND CASE WHEN season_number IS NULL THEN parent_id ELSE split_part(parent_id, ':', 2) END
                             IN (SELECT id FROM _imdb_dropped)""")
        for why, n in con.execute("SELECT why, count(*) FROM _imdb_dropped GROUP BY why ORDER BY why").fetchall():
            reason = {"?type videoGame": "video games", "adult": "adult titles"}.get(why, why.lstrip("?"))
            rep.dropped[reason] = n
            if why.startswith("?") and why != "?type videoGame":
                log.warning("title.basics.tsv.gz: %d titles skipped (%s)", n, reason)
        con.execute("DELETE FROM title WHERE id IN (SELECT id FROM _imdb_dropped)")
        for table, words in (("credit", "credits"), ("title_aka", "alternative titles"), ("rating", "ratings")):
            n = con.execute(
                f"DELETE FROM {table} WHERE source = 'imdb' AND title_id IN (SELECT id FROM _imdb_dropped)"
            ).fetchone()
            if n and n[0]:
                rep.of_titles_left_out[words] = int(n[0])

    def _dedupe(self, con: duckdb.DuckDBPyConnection, table: str, name: str) -> None:
        """Keep the first row of each id (IMDb has shipped the same person twice in name.basics)."""
        extra = con.execute(
            f"SELECT count(*) - count(DISTINCT id) FROM {table} WHERE source = 'imdb'"
        ).fetchall()[0][0]
        if not extra:
            return
        con.execute(f"""DELETE FROM {table} WHERE rowid IN (
                          SELECT rowid FROM (
                            SELECT rowid, row_number() OVER (PARTITION BY id ORDER BY rowid) AS n FROM {table}
                            WHERE source = 'imdb' AND id IN (
                              SELECT id FROM {table} WHERE source = 'imdb' GROUP BY id HAVING count(*) > 1))
                          WHERE n > 1)""")
        fr = self.report.files.setdefault(name, FileReport(name))
        fr.skipped["duplicate id"] = fr.skipped.get("duplicate id", 0) + int(extra)
        log.warning("%s: %d duplicate rows skipped (the first row of each id is kept)", name, extra)

    def _crew_credits(self, con: duckdb.DuckDBPyConnection) -> None:
        # Stored in title order, as the principals before them (IMDb's files come sorted by tconst and a
        # gzip file is read in order): a title's credits then sit in a few row groups, which DuckDB's
        # min/max statistics find without reading the rest. Out of a DISTINCT in no order, the 15 million
        # crew credits of a full catalog made every lookup of one title's credits read them all (300 ms).
        with duckdb_settings(con, preserve_insertion_order="true"):
            con.execute("""
            INSERT INTO credit (title_id, person_id, role, ordering, source, fetched_at)
            WITH crew AS (
                SELECT tconst AS title_id, unnest(string_split(directors, ',')) AS person_id, 'director' AS role
                FROM _imdb_crew WHERE directors IS NOT NULL
                UNION ALL
                SELECT tconst, unnest(string_split(writers, ',')), 'writer' FROM _imdb_crew WHERE writers IS NOT NULL)
            SELECT DISTINCT c.title_id, c.person_id, c.role, NULL::INTEGER, 'imdb', $1::TIMESTAMP
            FROM crew c SEMI JOIN title t ON t.id = c.title_id
            ANTI JOIN (SELECT title_id, person_id, role FROM credit
                       WHERE source = 'imdb' AND role IN ('director', 'writer')) p
                 ON p.title_id = c.title_id AND p.person_id = c.person_id AND p.role = c.role
            ORDER BY c.title_id""",
                        [self.fetched_at])

    def _seasons(self, con: duckdb.DuckDBPyConnection) -> None:
        """Season titles (IMDb has none) from the episodes, and counts on each series."""
        # Episodes of a series that is not in the build lose their parent link rather than dangle.
        n = con.execute("""
            UPDATE title SET parent_id = NULL, season_number = NULL
            WHERE source = 'imdb' AND kind = 'episode' AND parent_id IS NOT NULL
              AND (CASE WHEN season_number IS NULL THEN parent_id ELSE split_part(parent_id, ':', 2) END)
                  NOT IN (SELECT id FROM title WHERE kind IN ('series', 'miniseries', 'tv_movie', 'special',
                                                              'movie', 'short', 'video'))""").fetchone()
        if n and n[0]:
            self.report.dropped["episode links to series not in the build"] = int(n[0])
        con.execute("""
            INSERT INTO title (id, kind, title, year, end_year, parent_id, season_number, episode_count,
                               is_adult, source, fetched_at)
            SELECT e.parent_id, 'season', s.title || ': season ' || e.season_number, e.y0, e.y1, s.id,
                   e.season_number, e.n, s.is_adult, 'imdb', s.fetched_at
            FROM (SELECT parent_id, any_value(season_number) AS season_number, min(year) AS y0, max(year) AS y1,
                         count(*) AS n
                  FROM title WHERE source = 'imdb' AND kind = 'episode' AND season_number IS NOT NULL
                  GROUP BY parent_id) e
            JOIN title s ON s.id = split_part(e.parent_id, ':', 2)""")
        con.execute("""
            UPDATE title SET season_count = c.seasons, episode_count = c.episodes
            FROM (SELECT CASE WHEN season_number IS NULL THEN parent_id ELSE split_part(parent_id, ':', 2) END AS sid,
                         count(DISTINCT season_number) AS seasons, count(*) AS episodes
                  FROM title WHERE source = 'imdb' AND kind = 'episode' AND parent_id IS NOT NULL GROUP BY 1) c
            WHERE title.id = c.sid""")


_REASONS = {
    "INVALID ENCODING": "invalid UTF-8",
    "INVALID UNICODE": "invalid UTF-8",
    "MISSING COLUMNS": "too few fields",
    "TOO MANY COLUMNS": "too many fields",
    "CAST": "a value of the wrong type",
    "UNQUOTED VALUE": "a malformed value",
    "LINE SIZE OVER MAXIMUM": "a line too long",
}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class ImdbBuild:
    """The outcome of ``update_imdb``: where the files came from, what changed, what was loaded."""

    catalog: Path
    folder: Path
    downloaded: list[str]
    unchanged: list[str]
    load: ImdbLoadReport
    rows: dict[str, int]
    failed: dict[str, str]
    seconds: float


def update_imdb(
    settings: Settings,
    *,
    from_dir: Path | None = None,
    options: ImdbOptions | None = None,
    progress: bool = True,
    notify: Callable[[str], None] = lambda _: None,
) -> ImdbBuild:
    """Fetch the seven IMDb files (or take them from ``from_dir``) and rebuild the catalog from them.

    A full build: a new catalog file is written and swapped in, with everything staged reloaded, so any
    failure leaves the previous catalog serving.
    """
    from reelradar.catalog.ensure import rebuild
    from reelradar.sources.imdb import download, locate

    started = time.perf_counter()
    options = options or ImdbOptions(
        skip_adult=settings.imdb_skip_adult, akas_regions=list(settings.imdb_akas_regions),
        akas_languages=list(settings.imdb_akas_languages), memory_limit=settings.imdb_memory_limit,
    )
    if from_dir is not None:
        files, fetched = locate(from_dir), []  # type: ignore[var-annotated]
    else:
        files, fetched = download(settings, progress=progress, notify=notify)
    loader = ImdbLoader(files, options, notify=notify)
    loader.check()  # refuse a changed header before anything is written
    report = rebuild(settings, [loader], after_load=[loader])
    return ImdbBuild(
        catalog=report.path, folder=files["title.basics.tsv.gz"].parent,
        downloaded=[r.path.name for r in fetched if r.changed],
        unchanged=[r.path.name for r in fetched if not r.changed],
        load=loader.report, rows={**report.rows, **loader.report.rows}, failed=report.failed,
        seconds=time.perf_counter() - started,
    )
