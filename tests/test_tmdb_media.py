"""Posters, trailers and collections from TMDB: details in TMDB's own format served on 127.0.0.1, through
``update tmdb``, to the title card, the title page (poster from the local image cache), the universe and
the story."""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers.tiny_catalog import tiny_catalog
from test_tmdb import DATA, FakeTmdb, load, run, settings_for

from reelradar.analytics.universe import universe
from reelradar.api import create_app
from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.catalog.ensure import rebuild
from reelradar.catalog.query import title_card
from reelradar.config import Settings
from reelradar.sources.demo import DemoSource
from reelradar.story.title import title_story
from reelradar.testing import Request, Response, local_server
from reelradar.web.title_parts import related

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the bytes the image server serves, kept and served back as they are


def video(key: str, *, site: str = "YouTube", type_: str = "Trailer", official: bool = True,
          published: str = "2025-06-01T16:00:00.000Z", name: str = "Official Trailer") -> dict:
    """One entry of ``videos.results`` as TMDB's API v3 returns it."""
    return {"iso_639_1": "en", "iso_3166_1": "US", "name": name, "key": key, "site": site, "size": 1080,
            "type": type_, "official": official, "published_at": published, "id": f"id{key}"}


COLLECTION = {"id": 91230, "name": "The Hand-made Collection", "poster_path": "/coll.jpg", "backdrop_path": "/collb.jpg"}


def film(number: int, title: str, year: int, imdb: str | None, **fields: object) -> dict:
    doc = copy.deepcopy(load("movie_91001.json"))
    doc.update(id=number, title=title, original_title=title, release_date=f"{year}-03-15", imdb_id=imdb,
               belongs_to_collection=COLLECTION, **fields)
    doc["external_ids"] = {**(doc.get("external_ids") or {}), "id": number, "imdb_id": imdb, "wikidata_id": None}
    return doc


def first_film() -> dict:
    return film(91010, "The Hand-made Verdict II", 2001, "tt0000009", poster_path="/abc.jpg", backdrop_path="/bdrop.jpg",
                videos={"results": [
                    video("bts0000000a", type_="Featurette", published="2025-09-01T10:00:00.000Z"),  # not a trailer
                    video("unofficial1", official=False, published="2025-08-01T10:00:00.000Z", name="Fan trailer"),
                    video("trailerOld1", published="2025-06-01T16:00:00.000Z"),
                    video("teaserNew01", type_="Teaser", published="2025-07-01T09:00:00.000Z", name="Teaser"),
                    video("x", site="Dailymotion"),  # a site we do not link
                    video("76979871", site="Vimeo", official=False, published="2024-01-01T00:00:00.000Z"),
                ]})


class Images:
    """TMDB's image host: ``/t/p/{size}{path}``; ``fail`` paths answer 500."""

    def __init__(self) -> None:
        self.fail: set[str] = set()

    def __call__(self, req: Request) -> Response:
        if req.path in self.fail:
            return Response(500, b"broken")
        if req.path.startswith("/t/p/w") and req.path.endswith(".jpg"):
            return Response(200, PNG, {"Content-Type": "image/jpeg"})
        return Response(404, b"not found")


@pytest.fixture
def updated(tmp_path: Path) -> Settings:
    """A tiny catalog after ``update tmdb``: its film tt0000009 is TMDB's 91010, and TMDB's 91011 (same
    collection, trending) becomes a title of its own."""
    tiny = tiny_catalog(tmp_path / "data")
    with write_catalog(tiny.catalog_path, start_from_current=True) as con:
        con.execute("INSERT INTO title_xid VALUES ('tt0000009', 'tmdb', 'movie:91010')")
    fake = FakeTmdb()
    fake.docs["movie/91010"] = first_film()
    fake.docs["movie/91011"] = film(91011, "The Hand-made Verdict III", 2004, None)
    fake.trending[0]["results"].append({"media_type": "movie", "id": 91011, "title": "The Hand-made Verdict III"})
    # TMDB's daily export says which ids exist: the two films are in it
    export = (DATA / "movie_ids.jsonl").read_bytes() + b"".join(
        json.dumps({"adult": False, "id": n, "original_title": "x", "popularity": 1.0, "video": False}).encode() + b"\n"
        for n in (91010, 91011))
    fake.faults["/p/exports/movie_ids"] = [Response(200, gzip.compress(export))]
    with local_server(fake) as (base, _):
        s = settings_for(tiny, base)
        run(s)
    return s


def test_title_card_has_poster_and_trailers_with_provenance(updated: Settings) -> None:
    con = open_catalog(updated.catalog_path)
    card = title_card(con, "tt0000009")
    con.close()
    today = datetime.now(UTC).date()
    poster = [m for m in card.media if m["kind"] == "poster"]
    assert [m["path_or_key"] for m in poster] == ["/abc.jpg"]
    assert poster[0]["provenance"].source == "TMDB" and poster[0]["provenance"].as_of == today
    assert [m["path_or_key"] for m in card.media if m["kind"] == "backdrop"] == ["/bdrop.jpg"]
    trailers = [m for m in card.media if m["kind"] == "trailer"]
    # trailers and teasers on YouTube or Vimeo only, official first, then the newest; three at most
    assert [m["path_or_key"] for m in trailers] == ["teaserNew01", "trailerOld1", "unofficial1"]
    assert trailers[0]["url"] == "https://www.youtube.com/watch?v=teaserNew01"
    assert trailers[1]["published_at"].isoformat() == "2025-06-01" and trailers[1]["language"] == "en"
    assert all(m["provenance"].text() == f"TMDB, {today.isoformat()}" for m in trailers)
    assert json.loads(json.dumps(card.to_dict(), default=str))["media"][0]["provenance"]["source"] == "TMDB"
    # what is kept of the document is what the rows need: the kept trailers, the collection's id and name
    with gzip.open(updated.data_dir / "sources" / "tmdb" / "titles.jsonl.gz", "rt") as f:
        kept = {r["key"]: r["doc"] for r in map(json.loads, f)}["movie:91010"]
    assert [v["key"] for v in kept["videos"]["results"]] == ["teaserNew01", "trailerOld1", "unofficial1"]
    assert kept["belongs_to_collection"] == {"id": 91230, "name": "The Hand-made Collection"}


def test_a_collection_groups_its_films_on_the_page_and_in_the_universe(updated: Settings) -> None:
    con = open_catalog(updated.catalog_path)
    rows = con.execute("SELECT src, dst, kind, note, source FROM relation ORDER BY src").fetchall()
    assert rows == [("tmdb:movie:91011", "tmdb:collection:91230", "part_of_series", "The Hand-made Collection", "tmdb"),
                    ("tt0000009", "tmdb:collection:91230", "part_of_series", "The Hand-made Collection", "tmdb")]
    assert con.execute("SELECT id, kind, title FROM work").fetchall() == [
        ("tmdb:collection:91230", "film series", "The Hand-made Collection")]  # one row for the two films
    card = title_card(con, "tt0000009")
    assert [(r.other_title, r.source) for r in card.relations] == [("The Hand-made Collection", "TMDB")]
    u = universe(con, "tt0000009")
    assert {n.label for n in u.titles()} == {"A Film Nobody Links", "The Hand-made Verdict III"}
    line = related(con, card, u)
    con.close()
    assert line.line_name == "The Hand-made Collection"
    assert [name for _, name, _ in line.in_order] == ["A Film Nobody Links", "The Hand-made Verdict III"]
    with TestClient(create_app(updated)) as c:
        page = c.get("/title/tt0000009").text
    assert "The Hand-made Collection, in order" in page
    assert 'href="/title/tmdb:movie:91011"' in page or 'href="/title/tmdb%3Amovie%3A91011"' in page


def test_poster_is_fetched_once_then_served_from_the_cache(updated: Settings) -> None:
    images = Images()
    images.fail.add("/t/p/w780/abc.jpg")
    with local_server(images) as (base, seen):
        s = settings_for(updated, base, tmdb_image_base_url=f"{base}/t/p")
        with TestClient(create_app(s)) as c:
            page = c.get("/title/tt0000009").text
            assert '<img class="poster" src="/media/tmdb/w342/abc.jpg" alt="Poster of A Film Nobody Links">' in page
            assert "Poster: TMDB" in page and "no poster in this catalog" not in page
            first, second = c.get("/media/tmdb/w342/abc.jpg"), c.get("/media/tmdb/w342/abc.jpg")
            assert first.status_code == second.status_code == 200
            assert first.content == second.content == PNG
            assert first.headers["content-type"] == "image/jpeg"
            assert "max-age=31536000" in second.headers["cache-control"]
            assert [r.path for r in seen] == ["/t/p/w342/abc.jpg"]  # the second came from the cache
            assert (s.cache_dir / "images" / "tmdb" / "w342" / "abc.jpg").read_bytes() == PNG
            # sizes outside the list, paths not shaped as TMDB's, images no title has: 404, nothing asked
            for bad in ("/media/tmdb/original/abc.jpg", "/media/tmdb/w342/ab-c.jpg", "/media/tmdb/w342/abc.gif",
                        "/media/tmdb/w342/..%2Fabc.jpg", "/media/tmdb/w342/unknown.jpg"):
                assert c.get(bad).status_code == 404, bad
            assert len(seen) == 1
            failed = c.get("/media/tmdb/w780/abc.jpg")
    assert failed.status_code == 502
    assert failed.text.startswith("cannot fetch the image from TMDB: ") and "\n" not in failed.text
    assert not (s.cache_dir / "images" / "tmdb" / "w780" / "abc.jpg").exists()


def test_trailer_link_on_the_page_and_in_the_story_with_its_source(updated: Settings) -> None:
    with TestClient(create_app(updated)) as c:
        page = c.get("/title/tt0000009").text
    assert '<a href="https://www.youtube.com/watch?v=teaserNew01" rel="noreferrer">Trailer</a>: “Teaser”' in page
    assert "<iframe" not in page
    con = open_catalog(updated.catalog_path)
    story = title_story(con, updated, "tt0000009")
    con.close()
    assert story.sections[-1].key == "trailer"
    [sentence] = story.sections[-1].sentences
    assert sentence.text == "Watch the trailer “Teaser” at https://www.youtube.com/watch?v=teaserNew01 on YouTube."
    [fact] = [f for f in story.facts if f.n in sentence.notes]
    assert fact.table == "title_media" and fact.key["path_or_key"] == "teaserNew01"
    assert fact.provenance.source == "TMDB" and fact.provenance.as_of == datetime.now(UTC).date()


def test_a_catalog_without_the_table_opens_with_the_placeholder(own_demo: Settings) -> None:
    demo_settings = own_demo
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        con.execute("DROP TABLE title_media")  # a catalog written before the table existed
    con = open_catalog(demo_settings.catalog_path)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'title_media'").fetchone() == (0,)
    assert title_card(con, "tt0068646").media == []
    assert "trailer" not in [s.key for s in title_story(con, demo_settings, "tt0068646").sections]
    con.close()
    with TestClient(create_app(demo_settings)) as c:
        page = c.get("/title/tt0068646")
        image = c.get("/media/tmdb/w342/abc.jpg")
    assert page.status_code == 200
    assert 'aria-label="No poster for The Godfather"' in page.text and "no poster in this catalog" in page.text
    assert 'id="trailer"' not in page.text and "/media/tmdb/" not in page.text
    assert image.status_code == 404


def test_a_full_rebuild_keeps_the_posters_and_trailers(updated: Settings) -> None:
    # what `reelradar demo` or `update imdb` does: a new catalog from the primary sources and the staged files
    rebuild(updated, [DemoSource()])
    con = open_catalog(updated.catalog_path)
    try:
        kinds = con.execute("SELECT kind, count(*) FROM title_media GROUP BY kind ORDER BY kind").fetchall()
    finally:
        con.close()
    assert dict(kinds).get("poster", 0) >= 1 and dict(kinds).get("trailer", 0) >= 3, kinds
