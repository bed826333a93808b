"""TMDB details (API v3 JSON, with ``append_to_response``) turned into catalog rows.

Pure functions: a details document in, rows for ``title``, ``title_xid``, ``series_status``,
``season``, ``title_keyword``, ``title_network``, ``person``, ``credit``, ``rating``, ``offer``,
``title_media`` (poster, backdrop, trailers) and a film's collection (a ``work`` of kind 'film series'
and a ``part_of_series`` relation to it) out. Unknown values stay NULL. Offers are JustWatch's data as
TMDB carries it: ``source='justwatch'``, ``via='tmdb'``, shown as "JustWatch via TMDB".

Trailers kept: YouTube or Vimeo videos of type Trailer or Teaser, official ones first, then the newest,
at most ``TRAILERS_KEPT``. Images are kept as TMDB's paths only; the files are fetched when shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

TMDB = "tmdb"
JUSTWATCH = "justwatch"
MONETIZATIONS = ("flatrate", "free", "ads", "rent", "buy")
CAST_KEPT = 30  # top-billed cast kept per title; the long tail adds rows, not answers
TRAILERS_KEPT = 3
TRAILER_SITES = ("YouTube", "Vimeo")
TRAILER_TYPES = ("Trailer", "Teaser")
COLLECTION_PREFIX = "tmdb:collection:"  # the work id of a TMDB collection ("The Godfather Collection")

TS = pa.timestamp("s")
SCHEMAS: dict[str, pa.Schema] = {
    "title": pa.schema([
        ("id", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("original_title", pa.string()),
        ("year", pa.int32()), ("end_year", pa.int32()), ("runtime_min", pa.int32()),
        ("genres", pa.list_(pa.string())), ("languages", pa.list_(pa.string())),
        ("countries", pa.list_(pa.string())), ("overview", pa.string()), ("season_count", pa.int32()),
        ("episode_count", pa.int32()), ("status", pa.string()), ("is_adult", pa.bool_()),
        ("source", pa.string()), ("fetched_at", TS), ("demo", pa.bool_()),
    ]),
    "title_xid": pa.schema([("title_id", pa.string()), ("source", pa.string()), ("xid", pa.string())]),
    "series_status": pa.schema([
        ("title_id", pa.string()), ("status", pa.string()), ("in_production", pa.bool_()),
        ("season_count", pa.int32()), ("episode_count", pa.int32()), ("last_air_date", pa.date32()),
        ("next_air_date", pa.date32()), ("next_season", pa.int32()), ("next_episode", pa.int32()),
        ("next_name", pa.string()), ("source", pa.string()), ("fetched_at", TS),
    ]),
    "season": pa.schema([
        ("title_id", pa.string()), ("season_number", pa.int32()), ("name", pa.string()),
        ("episode_count", pa.int32()), ("air_date", pa.date32()), ("source", pa.string()), ("fetched_at", TS),
    ]),
    "title_keyword": pa.schema([("title_id", pa.string()), ("keyword", pa.string()), ("source", pa.string())]),
    "title_network": pa.schema([
        ("title_id", pa.string()), ("network", pa.string()), ("network_id", pa.string()), ("role", pa.string()),
        ("source", pa.string()), ("fetched_at", TS),
    ]),
    "person": pa.schema([("id", pa.string()), ("name", pa.string()), ("source", pa.string()), ("fetched_at", TS)]),
    "credit": pa.schema([
        ("title_id", pa.string()), ("person_id", pa.string()), ("role", pa.string()), ("character", pa.string()),
        ("ordering", pa.int32()), ("source", pa.string()), ("fetched_at", TS),
    ]),
    "rating": pa.schema([
        ("title_id", pa.string()), ("source", pa.string()), ("metric", pa.string()), ("value", pa.float64()),
        ("scale", pa.float64()), ("count", pa.int64()), ("as_of", pa.date32()), ("via", pa.string()),
        ("fetched_at", TS),
    ]),
    "offer": pa.schema([
        ("title_id", pa.string()), ("country", pa.string()), ("provider", pa.string()),
        ("monetization", pa.string()), ("url", pa.string()), ("source", pa.string()), ("as_of", pa.date32()),
        ("via", pa.string()), ("fetched_at", TS),
    ]),
    # created on first write where missing (sources/publish.py): catalogs older than it keep opening
    "title_media": pa.schema([
        ("title_id", pa.string()), ("kind", pa.string()), ("site", pa.string()), ("path_or_key", pa.string()),
        ("name", pa.string()), ("language", pa.string()), ("published_at", TS), ("ordering", pa.int32()),
        ("source", pa.string()), ("fetched_at", TS),
    ]),
    "work": pa.schema([
        ("id", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("author_id", pa.string()),
        ("author_name", pa.string()), ("source", pa.string()), ("fetched_at", TS),
    ]),
    "relation": pa.schema([
        ("src", pa.string()), ("dst", pa.string()), ("kind", pa.string()), ("note", pa.string()),
        ("source", pa.string()), ("fetched_at", TS),
    ]),
    "offer_seen": pa.schema([
        ("title_id", pa.string()), ("country", pa.string()), ("provider", pa.string()),
        ("monetization", pa.string()), ("first_seen", pa.date32()), ("last_seen", pa.date32()),
        ("source", pa.string()), ("via", pa.string()),
    ]),
    "offer_check": pa.schema([
        ("title_id", pa.string()), ("first_checked", pa.date32()), ("last_checked", pa.date32()),
        ("source", pa.string()), ("via", pa.string()),
    ]),
}

WRITING_JOBS = {"Screenplay": "writer", "Writer": "writer", "Teleplay": "writer", "Novel": "author",
                "Author": "author", "Book": "author", "Characters": "author"}


def day(text: Any) -> date | None:
    """A TMDB date ("2025-07-09"; "" when unknown) as a date."""
    if not text or not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def kind_of(key: str, doc: dict[str, Any]) -> str:
    if key.startswith("movie:"):
        return "movie"
    return "miniseries" if doc.get("type") == "Miniseries" else "series"


def offer_rows(title_id: str, doc: dict[str, Any], fetched: datetime) -> list[dict[str, Any]]:
    """Offers per country and type from ``watch/providers`` (already narrowed to the kept countries)."""
    rows = []
    results = (doc.get("watch/providers") or {}).get("results") or {}
    for country, entry in sorted(results.items()):
        for monetization in MONETIZATIONS:
            for p in entry.get(monetization) or []:
                if p.get("provider_name"):
                    rows.append({"title_id": title_id, "country": country, "provider": p["provider_name"],
                                 "monetization": monetization, "url": entry.get("link"), "source": JUSTWATCH,
                                 "as_of": fetched.date(), "via": TMDB, "fetched_at": fetched})
    return rows


def offer_keys(doc: dict[str, Any]) -> list[str]:
    """Each offer of a details document as ``COUNTRY|provider|type`` (the snapshot key)."""
    return [f"{r['country']}|{r['provider']}|{r['monetization']}" for r in offer_rows("", doc, datetime.min)]


def title_rows(title_id: str, key: str, doc: dict[str, Any], fetched: datetime, *, own: bool) -> dict[str, list[dict[str, Any]]]:
    """All rows of one details document for catalog title ``title_id`` (``own``: also the title row)."""
    tv = key.startswith("tv:")
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS if not name.startswith("offer_")}
    first = day(doc.get("first_air_date") if tv else doc.get("release_date"))
    status = (doc.get("status") or None) and str(doc["status"]).lower()
    ended = status in ("ended", "canceled")
    last = day(doc.get("last_air_date"))
    if own:
        runtimes = doc.get("episode_run_time") or []
        countries = [c.get("name") for c in doc.get("production_countries") or [] if c.get("name")]
        out["title"].append({
            "id": title_id, "kind": kind_of(key, doc), "title": doc.get("name" if tv else "title") or key,
            "original_title": doc.get("original_name" if tv else "original_title"),
            "year": first.year if first else None,
            "end_year": (last or first).year if tv and ended and (last or first) else None,  # type: ignore[union-attr]
            "runtime_min": (runtimes[0] if runtimes else None) if tv else (doc.get("runtime") or None),
            "genres": [g["name"] for g in doc.get("genres") or [] if g.get("name")],
            "languages": [lang.get("english_name") or lang.get("name") for lang in doc.get("spoken_languages") or []],
            "countries": countries or list(doc.get("origin_country") or []),
            "overview": doc.get("overview") or None,
            "season_count": doc.get("number_of_seasons") if tv else None,
            "episode_count": doc.get("number_of_episodes") if tv else None,
            "status": status, "is_adult": bool(doc.get("adult")), "source": TMDB, "fetched_at": fetched,
            "demo": False,
        })
    ext = doc.get("external_ids") or {}
    xids = {"tmdb": key, "imdb": ext.get("imdb_id") or doc.get("imdb_id"), "wikidata": ext.get("wikidata_id"),
            "tvdb": str(ext["tvdb_id"]) if ext.get("tvdb_id") else None}
    out["title_xid"] = [{"title_id": title_id, "source": s, "xid": x} for s, x in xids.items() if x]
    if tv:
        nxt = doc.get("next_episode_to_air") or {}
        out["series_status"].append({
            "title_id": title_id, "status": status, "in_production": doc.get("in_production"),
            "season_count": doc.get("number_of_seasons"), "episode_count": doc.get("number_of_episodes"),
            "last_air_date": day(doc.get("last_air_date")), "next_air_date": day(nxt.get("air_date")),
            "next_season": nxt.get("season_number"), "next_episode": nxt.get("episode_number"),
            "next_name": nxt.get("name") or None, "source": TMDB, "fetched_at": fetched,
        })
        out["season"] = [
            {"title_id": title_id, "season_number": s.get("season_number"), "name": s.get("name"),
             "episode_count": s.get("episode_count"), "air_date": day(s.get("air_date")), "source": TMDB,
             "fetched_at": fetched}
            for s in doc.get("seasons") or [] if s.get("season_number") is not None
        ]
        out["title_network"] = [
            {"title_id": title_id, "network": n["name"], "network_id": f"tmdb:network:{n.get('id')}",
             "role": "network", "source": TMDB, "fetched_at": fetched}
            for n in doc.get("networks") or [] if n.get("name")
        ]
    words = doc.get("keywords") or {}
    out["title_keyword"] = [
        {"title_id": title_id, "keyword": k["name"], "source": TMDB}
        for k in (words.get("results") or words.get("keywords") or []) if k.get("name")
    ]
    people, credits = _credits(title_id, doc, tv, fetched)
    out["person"], out["credit"] = people, credits
    if doc.get("vote_count"):
        out["rating"].append({
            "title_id": title_id, "source": TMDB, "metric": "user_mean", "value": float(doc["vote_average"]),
            "scale": 10.0, "count": int(doc["vote_count"]), "as_of": fetched.date(), "via": TMDB,
            "fetched_at": fetched,
        })
    out["offer"] = offer_rows(title_id, doc, fetched)
    out["title_media"] = media_rows(title_id, doc, fetched)
    collection = doc.get("belongs_to_collection") if not tv else None
    if isinstance(collection, dict) and collection.get("id") is not None and collection.get("name"):
        work_id = f"{COLLECTION_PREFIX}{collection['id']}"
        out["work"].append({"id": work_id, "kind": "film series", "title": collection["name"], "source": TMDB,
                            "fetched_at": fetched})
        # keyed by title_id like every other row, so a catalog title claiming this record takes it over
        out["relation"].append({"title_id": title_id, "dst": work_id, "kind": "part_of_series",
                                "note": collection["name"], "source": TMDB, "fetched_at": fetched})
    return out


def moment(text: Any) -> datetime | None:
    """A TMDB timestamp ("2025-06-01T16:00:00.000Z") as a naive UTC datetime."""
    if not text or not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)  # "Z" and fractions of a second included (Python 3.11)
    except ValueError:
        return None
    return value.astimezone(UTC).replace(tzinfo=None, microsecond=0) if value.tzinfo else value.replace(microsecond=0)


def trailers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The videos kept of ``videos.results``: trailers and teasers on YouTube or Vimeo, official first, newest first."""
    results = (doc.get("videos") or {}).get("results") or []
    kept = [v for v in results if isinstance(v, dict) and v.get("key") and v.get("site") in TRAILER_SITES
            and v.get("type") in TRAILER_TYPES]
    kept.sort(key=lambda v: str(v.get("published_at") or ""), reverse=True)
    kept.sort(key=lambda v: not v.get("official"))  # stable: official first, each group newest first
    return kept[:TRAILERS_KEPT]


def media_rows(title_id: str, doc: dict[str, Any], fetched: datetime) -> list[dict[str, Any]]:
    """The poster and backdrop (TMDB image paths) and the kept trailers (site and key) of a details document."""
    rows: list[dict[str, Any]] = []
    for kind in ("poster", "backdrop"):
        path = doc.get(f"{kind}_path")
        if path and isinstance(path, str):
            rows.append({"title_id": title_id, "kind": kind, "site": "TMDB", "path_or_key": path,
                         "source": TMDB, "fetched_at": fetched})
    for order, v in enumerate(trailers(doc), 1):
        rows.append({"title_id": title_id, "kind": "trailer", "site": v["site"], "path_or_key": str(v["key"]),
                     "name": v.get("name") or None, "language": v.get("iso_639_1") or None,
                     "published_at": moment(v.get("published_at")), "ordering": order, "source": TMDB,
                     "fetched_at": fetched})
    return rows


def _credits(title_id: str, doc: dict[str, Any], tv: bool, fetched: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    people: dict[str, dict[str, Any]] = {}
    credits: list[dict[str, Any]] = []

    def add(person: dict[str, Any], role: str, character: str | None, ordering: int | None) -> None:
        pid = f"tmdb:p:{person.get('id')}"
        people.setdefault(pid, {"id": pid, "name": person.get("name") or pid, "source": TMDB, "fetched_at": fetched})
        credits.append({"title_id": title_id, "person_id": pid, "role": role, "character": character or None,
                        "ordering": ordering, "source": TMDB, "fetched_at": fetched})

    for person in doc.get("created_by") or []:
        add(person, "creator", None, None)
    block = doc.get("aggregate_credits" if tv else "credits") or {}
    for person in (block.get("cast") or [])[:CAST_KEPT]:
        if tv:  # aggregate credits: one person, the characters played across the whole series
            character = " / ".join(r["character"] for r in person.get("roles") or [] if r.get("character"))
        else:
            character = person.get("character")
        order = person.get("order")
        add(person, "actor", character, order + 1 if isinstance(order, int) else None)
    for person in block.get("crew") or []:
        jobs = [j.get("job") for j in person.get("jobs") or []] if tv else [person.get("job")]
        for job in dict.fromkeys(jobs):
            role = "director" if job == "Director" else WRITING_JOBS.get(job or "")
            if role and not (tv and role == "director"):  # a series' directors are per episode: not its credits
                add(person, role, None, None)
    return list(people.values()), credits


def trim(doc: dict[str, Any], countries: set[str] | None) -> dict[str, Any]:
    """What reelradar keeps of a details document: image paths (not images), the kept trailers, the
    collection's id and name, the top-billed cast, the kept countries."""
    drop = {"production_companies", "images", "homepage", "tagline", "last_episode_to_air"}
    out = {k: v for k, v in doc.items() if k not in drop}
    if "videos" in out:
        out["videos"] = {"results": [{k: v.get(k) for k in ("site", "key", "type", "official", "published_at",
                                                            "iso_639_1", "name")} for v in trailers(out)]}
    collection = out.get("belongs_to_collection")
    if isinstance(collection, dict):
        out["belongs_to_collection"] = {"id": collection.get("id"), "name": collection.get("name")}
    for name in ("aggregate_credits", "credits"):
        block = out.get(name)
        if isinstance(block, dict):
            out[name] = {
                "cast": [{k: c.get(k) for k in ("id", "name", "character", "roles", "order")}
                         for c in (block.get("cast") or [])[:CAST_KEPT]],
                "crew": [{k: c.get(k) for k in ("id", "name", "job", "jobs")}
                         for c in block.get("crew") or []
                         if c.get("job") in ("Director", *WRITING_JOBS)
                         or any(j.get("job") in WRITING_JOBS for j in c.get("jobs") or [])],
            }
    wp = out.get("watch/providers")
    if isinstance(wp, dict) and countries is not None:
        out["watch/providers"] = {"results": {c: v for c, v in (wp.get("results") or {}).items() if c in countries}}
    for s in out.get("seasons") or []:
        for k in ("poster_path", "overview"):
            s.pop(k, None)
    return out


def to_tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    """Row lists to Arrow tables with the catalog's column types."""
    # from_pylist with a schema takes the schema's columns by name (absent keys are NULL, others ignored)
    rows = {**rows, "relation": [{**r, "src": r.get("title_id", r.get("src"))} for r in rows.get("relation", [])],
            # the films of one collection each name it: one work row
            "work": list({w["id"]: w for w in rows.get("work", [])}.values())}
    return {name: pa.Table.from_pylist(rows.get(name, []), schema=SCHEMAS[name]) for name in SCHEMAS}
