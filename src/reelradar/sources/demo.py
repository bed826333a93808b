"""The demo source, offline and real.

- Films: the CC0 Wikidata film catalog shipped in the PyPI package ``bokeh-sampledata`` (``movies.db``,
  tables ``omdb`` and ``tomatoes``): titles with IMDb ids, genres, directors, writers, cast, countries,
  languages, Rotten Tomatoes Tomatometer with review counts and average critic rating, Metascore,
  box office. Credited as "Wikidata contributors, CC0".
- Series: a small hand-written slice (``demo_series.json``) for Bosch, Bosch: Legacy and Ballard, every
  fact with its source and date, unknown values left empty.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from reelradar.errors import SourceFailure
from reelradar.sources.base import SourceInfo, rows_to_table

WIKIDATA = "wikidata"
FILMS_VIA = WIKIDATA  # the dataset that carried the scores: its credit lives in source_info

TITLE = pa.schema(
    [
        ("id", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("original_title", pa.string()),
        ("year", pa.int32()), ("end_year", pa.int32()), ("runtime_min", pa.int32()),
        ("genres", pa.list_(pa.string())), ("languages", pa.list_(pa.string())),
        ("countries", pa.list_(pa.string())), ("overview", pa.string()),
        ("season_count", pa.int32()), ("episode_count", pa.int32()), ("status", pa.string()),
        ("source", pa.string()), ("fetched_at", pa.timestamp("s")), ("demo", pa.bool_()),
    ]
)
XID = pa.schema([("title_id", pa.string()), ("source", pa.string()), ("xid", pa.string())])
PERSON = pa.schema(
    [("id", pa.string()), ("name", pa.string()), ("professions", pa.list_(pa.string())), ("source", pa.string())]
)
CREDIT = pa.schema(
    [
        ("title_id", pa.string()), ("person_id", pa.string()), ("role", pa.string()),
        ("character", pa.string()), ("ordering", pa.int32()), ("source", pa.string()),
        ("fetched_at", pa.timestamp("s")),
    ]
)
WORK = pa.schema(
    [
        ("id", pa.string()), ("kind", pa.string()), ("title", pa.string()), ("author_id", pa.string()),
        ("author_name", pa.string()), ("source", pa.string()),
    ]
)
RELATION = pa.schema(
    [("src", pa.string()), ("dst", pa.string()), ("kind", pa.string()), ("note", pa.string()), ("source", pa.string())]
)
RATING = pa.schema(
    [
        ("title_id", pa.string()), ("source", pa.string()), ("metric", pa.string()), ("value", pa.float64()),
        ("scale", pa.float64()), ("count", pa.int64()), ("positive", pa.int64()), ("as_of", pa.date32()),
        ("via", pa.string()),
    ]
)
REACH = pa.schema(
    [
        ("title_id", pa.string()), ("metric", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
        ("source", pa.string()), ("as_of", pa.date32()), ("via", pa.string()),
    ]
)
CHART = pa.schema(
    [
        ("source", pa.string()), ("platform", pa.string()), ("country", pa.string()), ("category", pa.string()),
        ("period_start", pa.date32()), ("period_end", pa.date32()), ("rank", pa.int32()),
        ("raw_title", pa.string()), ("title_id", pa.string()), ("points", pa.int32()), ("as_of", pa.date32()),
        ("via", pa.string()),
    ]
)
OFFER = pa.schema(
    [
        ("title_id", pa.string()), ("country", pa.string()), ("provider", pa.string()),
        ("monetization", pa.string()), ("source", pa.string()), ("as_of", pa.date32()), ("via", pa.string()),
    ]
)


def movies_db_path() -> Path:
    try:
        from bokeh_sampledata.movies_data import movie_path
    except ImportError:  # pragma: no cover - a dependency of the package
        raise SourceFailure("the demo film data needs the package bokeh-sampledata: pip install bokeh-sampledata")
    return Path(movie_path)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _name_id(name: str) -> str:
    """People in the film data have names but no ids; within this source a name is one person."""
    return "demo:p:" + "-".join(name.lower().split())


def chart_points(rank: int | None) -> int | None:
    """FlixPatrol's convention: 10 points for #1 down to 1 for #10, none below."""
    if rank is None or rank < 1 or rank > 10:
        return None
    return 11 - rank


class DemoSource:
    """Bokeh's Wikidata films plus the hand-written series slice."""

    def __init__(self, movies_db: Path | None = None) -> None:
        self.movies_db = movies_db or movies_db_path()

    def infos(self) -> list[SourceInfo]:
        slice_ = _series_slice()
        infos = [
            SourceInfo(
                source=WIKIDATA,
                name="Wikidata film catalog (bokeh-sampledata)",
                label="Wikidata",
                license="CC0 1.0",
                credit="Wikidata contributors, CC0",
                url="https://www.wikidata.org/",
            )
        ]
        for key, meta in slice_["sources"].items():
            infos.append(SourceInfo(source=key, name=meta["name"], label=meta["label"], license=meta["license"], credit=meta["credit"], demo=True))
        return infos

    def tables(self) -> Iterator[tuple[str, pa.Table]]:
        yield from self._films()
        yield from self._series()

    # -- films ------------------------------------------------------------------------------------
    def _films(self) -> Iterator[tuple[str, pa.Table]]:
        if not self.movies_db.is_file():
            raise SourceFailure(f"demo film data not found at {self.movies_db}: reinstall bokeh-sampledata")
        try:
            con = sqlite3.connect(f"file:{self.movies_db}?mode=ro", uri=True)
            rows = con.execute(
                """SELECT o.imdbID, o.Title, o.Year, o.Runtime, o.Genre, o.Director, o.Writer, o.Cast,
                          o.Metacritic, o.Language, o.Country, o.lastUpdated,
                          t.Meter, t.Reviews, t.Fresh, t.Rating, t.BoxOffice, t.lastUpdated
                   FROM omdb o JOIN tomatoes t USING (ID) ORDER BY o.ID"""
            ).fetchall()
            con.close()
        except sqlite3.Error as exc:
            raise SourceFailure(f"demo film data {self.movies_db} cannot be read: {exc}") from None
        titles: list[dict[str, Any]] = []
        credits: list[dict[str, Any]] = []
        people: dict[str, dict[str, Any]] = {}
        ratings: list[dict[str, Any]] = []
        reach: list[dict[str, Any]] = []
        seen: set[str] = set()
        for (tconst, name, year, runtime, genre, director, writer, cast, metacritic, language, country,
             updated, meter, reviews, fresh, critic_avg, box_office, t_updated) in rows:
            if not tconst or tconst in seen:  # two rows of the snapshot repeat an IMDb id: keep the first
                continue
            seen.add(tconst)
            as_of = _day(t_updated or updated)
            fetched = datetime.combine(as_of, datetime.min.time()) if as_of else None
            titles.append(
                {
                    "id": tconst, "kind": "movie", "title": name, "year": year,
                    "runtime_min": int(runtime) if runtime else None,
                    "genres": _split(genre), "languages": _split(language), "countries": _split(country),
                    "source": WIKIDATA, "fetched_at": fetched, "demo": False,
                }
            )
            for role, names in (("director", director), ("writer", writer), ("actor", cast)):
                for person in _split(names):
                    pid = _name_id(person)
                    people.setdefault(pid, {"id": pid, "name": person, "source": WIKIDATA})
                    # cast is listed alphabetically in this data: billing order unknown, so no ordering
                    credits.append({"title_id": tconst, "person_id": pid, "role": role, "source": WIKIDATA, "fetched_at": fetched})
            rating_base = {"title_id": tconst, "as_of": as_of, "via": FILMS_VIA}
            if meter is not None and reviews:
                ratings.append(
                    {**rating_base, "source": "rotten_tomatoes", "metric": "critic_pct", "value": float(meter),
                     "scale": 100.0, "count": reviews, "positive": fresh}
                )
            if critic_avg is not None and reviews:
                ratings.append(
                    {**rating_base, "source": "rotten_tomatoes", "metric": "critic_mean", "value": float(critic_avg),
                     "scale": 10.0, "count": reviews}
                )
            if metacritic is not None:
                ratings.append(
                    {**rating_base, "source": "metacritic", "metric": "metascore", "value": float(metacritic), "scale": 100.0}
                )
            if box_office:
                reach.append(
                    {"title_id": tconst, "metric": "box_office", "value": float(box_office), "unit": "USD",
                     "source": WIKIDATA, "as_of": as_of, "via": FILMS_VIA}
                )
        yield "title", rows_to_table(titles, TITLE)
        yield "title_xid", rows_to_table([{"title_id": t["id"], "source": "imdb", "xid": t["id"]} for t in titles], XID)
        yield "person", rows_to_table(list(people.values()), PERSON)
        yield "credit", rows_to_table(credits, CREDIT)
        yield "rating", rows_to_table(ratings, RATING)
        yield "reach", rows_to_table(reach, REACH)

    # -- series -----------------------------------------------------------------------------------
    def _series(self) -> Iterator[tuple[str, pa.Table]]:
        data = _series_slice()
        as_of = {key: date.fromisoformat(meta["as_of"]) for key, meta in data["sources"].items()}
        stamp = {key: datetime.combine(day, datetime.min.time()) for key, day in as_of.items()}
        yield "title", rows_to_table(
            [{**t, "fetched_at": stamp[t["source"]], "demo": True} for t in data["titles"]], TITLE
        )
        yield "person", rows_to_table([{**p, "source": "demo:known"} for p in data["people"]], PERSON)
        yield "credit", rows_to_table([{**c, "fetched_at": stamp[c["source"]]} for c in data["credits"]], CREDIT)
        yield "work", rows_to_table(data["works"], WORK)
        yield "relation", rows_to_table(data["relations"], RELATION)
        yield "rating", rows_to_table([{**r, "as_of": _day(r["as_of"])} for r in data["ratings"]], RATING)
        yield "chart_entry", rows_to_table(
            [
                {**c, "period_start": _day(c["period_start"]), "period_end": _day(c["period_end"]),
                 "as_of": _day(c["as_of"]), "points": chart_points(c["rank"])}
                for c in data["charts"]
            ],
            CHART,
        )
        yield "offer", rows_to_table(
            [{**o, "as_of": _day(o["as_of"]), "via": o["source"]} for o in data["offers"]], OFFER
        )


def _series_slice() -> dict[str, Any]:
    text = resources.files("reelradar.sources").joinpath("demo_series.json").read_text(encoding="utf-8")
    return json.loads(text)
