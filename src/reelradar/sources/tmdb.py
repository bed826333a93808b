"""TMDB (The Movie Database) API v3, with the user's own API key.

What it fetches, per followed title, in one request (``append_to_response``): details (seasons and
episode counts, status, next episode, overview), keywords, external ids (IMDb, Wikidata, TVDB),
credits with characters (``aggregate_credits`` for series), and watch providers per country
(flatrate, free, ads, rent, buy), which TMDB takes from JustWatch and which reelradar credits as
"JustWatch via TMDB". Which titles are followed: those the catalog links to a TMDB id, TMDB's
trending list, and the most popular of TMDB's daily id exports (gzip JSON lines), which also say
which ids still exist.

Refresh is incremental: a title is fetched again only when it is new to us, when TMDB's change lists
name it since the last refresh, or when its copy is older than ``tmdb_stale_days``. Each fetched
document is kept (trimmed) under ``<data_dir>/sources/tmdb/``, with when each offer was first and last
seen, so rows can be rebuilt for the current catalog ids without asking TMDB again.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from reelradar.catalog.ensure import open_for_reading
from reelradar.config import Settings
from reelradar.errors import BadInput, SourceFailure, Unreachable
from reelradar.http import HttpClient, HttpError, HttpNotFound, client_for, host_of
from reelradar.sources.base import SourceInfo
from reelradar.sources.idmap import Ids, resolve_ids
from reelradar.sources.publish import publish
from reelradar.sources.tmdb_rows import JUSTWATCH, TMDB, offer_keys, title_rows, to_tables, trim

log = logging.getLogger(__name__)

INFOS = [
    SourceInfo(source=TMDB, name="TMDB API v3", label="TMDB", license="TMDB API terms of use (non-commercial, attribution)",
               credit="This product uses the TMDB API but is not endorsed or certified by TMDB.",
               url="https://www.themoviedb.org/"),
    SourceInfo(source=JUSTWATCH, name="JustWatch (watch providers via TMDB)", label="JustWatch",
               license="JustWatch data via the TMDB API; attribution to JustWatch required",
               credit="Where-to-watch data by JustWatch, via TMDB.", url="https://www.justwatch.com/"),
]
APPEND = {"movie": "external_ids,keywords,credits,watch/providers,videos",
          "tv": "external_ids,keywords,aggregate_credits,watch/providers,videos"}
EXPORT_FILES = {"movie": "movie_ids", "tv": "tv_series_ids"}
CHANGES_WINDOW_DAYS = 14  # TMDB's change lists cover at most 14 days per query
MAX_PAGES = 500  # TMDB serves at most 500 pages of any list
OFFLINE_HINT = "nothing was changed; run it again when online"  # TMDB has no local files to load instead


@dataclass
class UpdateReport:
    """What an update did, for the CLI, the benchmark and the logs."""

    source: str
    followed: int = 0
    fetched: int = 0
    unchanged: int = 0
    gone: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    seconds: float = 0.0
    fetch_seconds: float = 0.0  # of which asking the source (the rest: building rows, applying them)


class TmdbApi:
    """The TMDB endpoints reelradar uses; the key goes in a header (v4 token) or ``api_key`` (v3 key)."""

    def __init__(self, client: HttpClient, api_url: str, files_url: str, key: str) -> None:
        self.client, self.api_url, self.files_url = client, api_url.rstrip("/"), files_url.rstrip("/")
        bearer = key.startswith("eyJ")  # a v4 read access token is a JWT
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"} if bearer else {"Accept": "application/json"}
        self.params = {} if bearer else {"api_key": key}

    def get(self, path: str, params: dict[str, Any] | None = None, *, max_age: float = 0) -> Any:
        try:
            return self.client.get(f"{self.api_url}{path}", params={**self.params, **(params or {})},
                                   headers=self.headers, max_age=max_age).json()
        except HttpError as exc:
            if exc.status in (401, 403):
                raise SourceFailure(f"TMDB refused the API key ({exc.status}): check tmdb_api_key "
                                    "(REELRADAR_TMDB_API_KEY)") from None
            raise

    def details(self, key: str) -> dict[str, Any]:
        kind, number = key.split(":")
        doc = self.get(f"/{kind}/{number}", {"append_to_response": APPEND[kind]})
        if not isinstance(doc, dict) or "id" not in doc:
            raise SourceFailure(f"TMDB details of {key} have no id: not a details document", retryable=True)
        return doc

    def pages(self, path: str, params: dict[str, Any], max_pages: int, *, max_age: float = 0) -> Iterator[dict[str, Any]]:
        """Results of a paged list, page by page until ``total_pages``, an empty page or ``max_pages``."""
        page = 1
        while page <= min(max_pages, MAX_PAGES):
            data = self.get(path, {**params, "page": page}, max_age=max_age)
            results = data.get("results") or []
            yield from results
            if not results or page >= int(data.get("total_pages") or 1):
                return
            page += 1

    def trending(self, pages: int, max_age: float) -> list[str]:
        keys = []
        for r in self.pages("/trending/all/day", {}, pages, max_age=max_age):
            if r.get("media_type") in ("movie", "tv") and r.get("id") is not None:
                keys.append(f"{r['media_type']}:{r['id']}")
        return keys

    def changes(self, kind: str, start: date, end: date) -> set[str]:
        params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        return {f"{kind}:{r['id']}" for r in self.pages(f"/{kind}/changes", params, MAX_PAGES) if r.get("id") is not None}

    def export(self, kind: str, today: date, max_age: float) -> tuple[date, list[dict[str, Any]]]:
        """The daily id export of ``kind`` (today's, else yesterday's: files appear around 08:00 UTC)."""
        for d in (today, today - timedelta(days=1)):
            url = f"{self.files_url}/{EXPORT_FILES[kind]}_{d.strftime('%m_%d_%Y')}.json.gz"
            try:
                body = self.client.get(url, max_age=max_age).body
            except HttpNotFound:
                continue
            return d, parse_export(body, url)
        raise SourceFailure(f"TMDB's {kind} id export is missing for {today} and the day before", retryable=True)


def parse_export(body: bytes, name: str) -> list[dict[str, Any]]:
    """TMDB's daily export: gzip, one JSON object per line (``id``, ``popularity``, ``adult``, names)."""
    try:
        text = gzip.decompress(body).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceFailure(f"{name} is not a complete gzip file ({exc})", retryable=True) from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            int(row["id"])
        except (ValueError, KeyError, TypeError):
            raise SourceFailure(f"{name} line {number} is not an id record: {line[:80]!r}") from None
        rows.append(row)
    return rows


class TmdbStore:
    """The kept documents (``titles.jsonl.gz``) and the refresh state (``state.json``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.docs_path, self.state_path = folder / "titles.jsonl.gz", folder / "state.json"

    def load(self) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        records: dict[str, dict[str, Any]] = {}
        if self.docs_path.exists():
            with gzip.open(self.docs_path, "rt", encoding="utf-8") as f:
                for line in f:
                    rec = json.loads(line)
                    records[rec["key"]] = rec
        state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        return records, state

    def save(self, records: dict[str, dict[str, Any]], state: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.docs_path.with_name(f"titles.{os.getpid()}.tmp")
        with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=3) as f:
            for key in sorted(records):
                f.write(json.dumps(records[key], separators=(",", ":")) + "\n")
        tmp.replace(self.docs_path)
        tmp = self.state_path.with_name(f"state.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state, indent=1))
        tmp.replace(self.state_path)


def kept_countries(settings: Settings) -> set[str] | None:
    """Countries whose offers are kept: ``tmdb_countries``, else your country, else all (None)."""
    if settings.tmdb_countries:
        return {c.upper() for c in settings.tmdb_countries}
    return {settings.country} if settings.country else None


def tmdb_client(settings: Settings, key: str) -> HttpClient:
    rates = {host_of(settings.tmdb_api_url): settings.tmdb_rate_limit,
             host_of(settings.tmdb_files_url): settings.tmdb_rate_limit}
    return client_for(settings, rate_limits=rates, secrets=[key])


def update(
    settings: Settings,
    *,
    full: bool = False,
    client: HttpClient | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Refresh the followed TMDB titles (incrementally unless ``full``), stage the rows and apply them
    to the live catalog. An authentication failure, a dead server or no network fails the whole update
    and changes nothing; so does an update where every request failed. A title that fails alone is
    reported and keeps its previous facts; when the network goes away mid-way, what was fetched is kept
    and the rest is asked first next time."""
    if settings.tmdb_api_key is None or not settings.tmdb_api_key.get_secret_value().strip():
        raise BadInput("TMDB needs your own API key: set tmdb_api_key in the config file or "
                       "REELRADAR_TMDB_API_KEY (free at https://www.themoviedb.org/settings/api)")
    key = settings.tmdb_api_key.get_secret_value().strip()
    started = time.monotonic()
    today = today or datetime.now(UTC).date()
    own_client = client is None
    client = client or tmdb_client(settings, key)
    api = TmdbApi(client, settings.tmdb_api_url, settings.tmdb_files_url, key)
    store = TmdbStore(settings.data_dir / "sources" / "tmdb")
    records, state = store.load()
    report = UpdateReport(source=TMDB)
    try:
        con = open_for_reading(settings)
        try:
            from_catalog = {x for (x,) in con.execute("SELECT DISTINCT xid FROM title_xid WHERE source = 'tmdb'").fetchall()}
        finally:
            con.close()
        followed, exists = _followed(api, settings, today, from_catalog, report)
        # an id missing from TMDB's own export of what exists was deleted there: stop following it
        for key in sorted(k for k in records if not _exists(exists, k)):
            report.gone.append(key)
            del records[key]
        # an id TMDB answered 404 for is asked again only once it is stale (the export can lag behind)
        stale_day = (today - timedelta(days=settings.tmdb_stale_days)).isoformat()
        recently_gone = {k for k, when in (state.get("gone") or {}).items() if when > stale_day and not full}
        followed = [k for k in followed if k not in report.gone and k not in recently_gone and _exists(exists, k)]
        due = _due(api, settings, today, followed, records, state, full, report)
        builder = RowBuilder()
        builder.start()
        try:
            _fetch(api, due, records, kept_countries(settings), today, report, progress, builder.queue.put)
        finally:
            built = builder.finish()
            report.fetch_seconds = time.monotonic() - started
        if report.failed and report.fetched == 0:
            first = next(iter(report.failed.values()))
            raise SourceFailure(f"TMDB failed for all {len(report.failed)} titles due ({first}); nothing was changed",
                                retryable=True)
    except Unreachable as exc:
        raise exc.with_hint(OFFLINE_HINT) from None
    finally:
        report.requests, report.cache_hits, report.retries = client.stats.requests, client.stats.cache_hits, client.stats.retries
        if own_client:
            client.close()
    report.followed = len(followed)
    report.unchanged = len(followed) - len(due)
    gone = {k: v for k, v in (state.get("gone") or {}).items() if k not in records}
    gone.update({k: today.isoformat() for k in report.gone})
    state = {"last_changes_check": today.isoformat(), "pending": sorted(report.failed),
             "followed": sorted(followed), "gone": gone}
    store.save(records, state)
    tables = rows_for_catalog(settings, records, set(followed), built)
    report.rows = publish(settings, TMDB, TMDB, tables, INFOS).rows
    report.seconds = time.monotonic() - started
    return report


def _exists(exists: dict[str, set[str] | None], key: str) -> bool:
    """Whether ``key`` is in its kind's export (True when that export could not be read)."""
    ids = exists.get(key.split(":")[0])
    return ids is None or key in ids


def _followed(api: TmdbApi, settings: Settings, today: date, from_catalog: set[str],
              report: UpdateReport) -> tuple[list[str], dict[str, set[str] | None]]:
    exists: dict[str, set[str] | None] = {"movie": None, "tv": None}
    popular: list[tuple[float, str]] = []
    asked, failures = 0, []  # the lists of titles to follow: when none answers, there is nothing to do
    if settings.tmdb_popular_titles > 0:
        for kind in ("movie", "tv"):
            asked += 1
            try:
                _, rows = api.export(kind, today, settings.http_cache_ttl)
            except Unreachable:
                raise
            except SourceFailure as exc:
                if not exc.retryable:
                    raise
                failures.append(exc.message)
                report.notes.append(f"TMDB {kind} export skipped: {exc.message}")
                continue
            exists[kind] = {f"{kind}:{r['id']}" for r in rows}
            popular += [(float(r.get("popularity") or 0), f"{kind}:{r['id']}") for r in rows if not r.get("adult")]
        popular.sort(key=lambda p: (-p[0], p[1]))
    trending: list[str] = []
    if settings.tmdb_trending_pages:
        asked += 1
        try:
            trending = api.trending(settings.tmdb_trending_pages, settings.http_cache_ttl)
        except HttpError as exc:
            failures.append(exc.message)
            report.notes.append(f"TMDB trending skipped: {exc.message}")
    if asked and len(failures) == asked and not from_catalog:
        raise SourceFailure(f"TMDB answered none of the {asked} lists of titles to follow (id exports, trending): "
                            f"{failures[0]}; nothing was changed", retryable=True)
    keys = [*sorted(from_catalog), *trending, *(k for _, k in popular[: settings.tmdb_popular_titles])]
    return list(dict.fromkeys(keys)), exists


def _due(api: TmdbApi, settings: Settings, today: date, followed: list[str], records: dict[str, dict[str, Any]],
         state: dict[str, Any], full: bool, report: UpdateReport) -> list[str]:
    """The followed titles to fetch: new, stale, failed last time, or named in TMDB's change lists."""
    stale_before = (datetime.now(UTC) - timedelta(days=settings.tmdb_stale_days)).isoformat()
    last = date.fromisoformat(state["last_changes_check"]) if state.get("last_changes_check") else None
    window_ok = last is not None and (today - last).days <= CHANGES_WINDOW_DAYS
    if full or not window_ok:
        if last is not None and not full:
            report.notes.append(f"last refresh {last} is beyond TMDB's {CHANGES_WINDOW_DAYS}-day change window: full refresh")
        return list(followed)
    pending = set(state.get("pending") or [])
    due = {k for k in followed if k not in records or records[k]["fetched_at"] < stale_before or k in pending}
    kinds = {k.split(":")[0] for k in followed if k not in due}
    for kind in sorted(kinds):
        changed = api.changes(kind, last, today)  # type: ignore[arg-type]
        due |= {k for k in followed if k in changed}
    return [k for k in followed if k in due]


def _fetch(api: TmdbApi, due: list[str], records: dict[str, dict[str, Any]], countries: set[str] | None,
           today: date, report: UpdateReport, progress: Callable[[int, int], None] | None,
           fetched: Callable[[tuple[str, dict[str, Any]]], None] = lambda _: None) -> None:
    for i, key in enumerate(due, 1):
        try:
            doc = api.details(key)
        except HttpNotFound:
            report.gone.append(key)
            records.pop(key, None)
            continue
        except Unreachable as exc:
            if report.fetched == 0:
                raise
            # the network went away mid-way: keep what came, ask for the rest first next time
            report.failed.update(dict.fromkeys(due[i - 1:], exc.message))
            report.notes.append(f"stopped after {report.fetched} of {len(due)} titles: {exc.message}")
            return
        except SourceFailure as exc:
            if not exc.retryable:
                raise
            report.failed[key] = exc.message
            if len(report.failed) >= 5 and report.fetched == 0:
                raise SourceFailure(f"TMDB failed for the first {len(report.failed)} titles ({exc.message}); "
                                    "nothing was changed", retryable=True) from None
            continue
        doc = trim(doc, countries)
        now = datetime.now(UTC).replace(microsecond=0)
        rec = records.get(key) or {"key": key, "seen": {}, "checked": [today.isoformat(), today.isoformat()]}
        rec["checked"] = [rec["checked"][0], today.isoformat()]
        seen = rec["seen"]
        for offer in offer_keys(doc):
            seen[offer] = [seen[offer][0] if offer in seen else today.isoformat(), today.isoformat()]
        rec.update(doc=doc, fetched_at=now.isoformat())
        records[key] = rec
        fetched((key, rec))
        report.fetched += 1
        if progress:
            progress(i, len(due))


def record_rows(key: str, rec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Rows of one kept document under its own id ``tmdb:KEY`` (re-keyed once catalog claims are known)."""
    own = f"tmdb:{key}"
    fetched = datetime.fromisoformat(rec["fetched_at"]).astimezone(UTC).replace(tzinfo=None)
    rows = title_rows(own, key, rec["doc"], fetched, own=True)
    first, last = rec["checked"]
    rows["offer_check"] = [{"title_id": own, "first_checked": date.fromisoformat(first),
                            "last_checked": date.fromisoformat(last), "source": JUSTWATCH, "via": TMDB}]
    rows["offer_seen"] = []
    for offer, (seen_first, seen_last) in rec["seen"].items():
        country, provider, monetization = offer.split("|", 2)
        rows["offer_seen"].append({
            "title_id": own, "country": country, "provider": provider, "monetization": monetization,
            "first_seen": date.fromisoformat(seen_first), "last_seen": date.fromisoformat(seen_last),
            "source": JUSTWATCH, "via": TMDB})
    return rows


class RowBuilder(threading.Thread):
    """Builds each fetched document's rows while the fetch loop sleeps until its next rate-limit slot, so a
    rate-limited refresh ends close to when its last request does."""

    def __init__(self) -> None:
        super().__init__(name="tmdb-rows", daemon=True)
        self.queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self.built: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            import reelradar.analytics.scores  # noqa: F401  (warm the import the apply step needs)

            while (item := self.queue.get()) is not None:
                self.built[item[0]] = record_rows(*item)
        except BaseException as exc:  # noqa: BLE001  (handed to the caller by finish())
            self.error = exc

    def finish(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error
        return self.built


def rows_for_catalog(settings: Settings, records: dict[str, dict[str, Any]], followed: set[str],
                     built: dict[str, dict[str, list[dict[str, Any]]]] | None = None) -> dict[str, Any]:
    """Rows of every kept document, under the catalog id that claims it now (or its own ``tmdb:`` id)."""
    keep = {k: r for k, r in records.items() if k in followed and r.get("doc")}
    ids = {k: Ids(imdb=(r["doc"].get("external_ids") or {}).get("imdb_id") or r["doc"].get("imdb_id"),
                  wikidata=(r["doc"].get("external_ids") or {}).get("wikidata_id"), tmdb=k) for k, r in keep.items()}
    con = open_for_reading(settings)
    try:
        claimed = resolve_ids(con, ids.values(), own_source=TMDB)
    finally:
        con.close()
    built = built or {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for key, rec in keep.items():
        part = built.get(key) or record_rows(key, rec)
        title_id = claimed.get(ids[key])
        if title_id is not None:  # a catalog title claims it: its facts go there, without a title row of ours
            part = {t: rs if t == "person" else [{**r, "title_id": title_id} for r in rs]
                    for t, rs in part.items() if t != "title"}
        for table, rs in part.items():
            rows.setdefault(table, []).extend(rs)
    # the same person appears in many titles: one row each
    rows["person"] = list({p["id"]: p for p in rows.get("person", [])}.values())
    return to_tables(rows)
