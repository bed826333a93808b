"""The TMDB source against a real server on 127.0.0.1 serving hand-recorded API v3 answers."""

from __future__ import annotations

import copy
import gzip
import json
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers.tiny_catalog import tiny_catalog
from typer.testing import CliRunner

from reelradar.analytics.availability import offer_changes
from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.catalog.people import PERSON_TITLE_ROWS
from reelradar.cli import app
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput, SourceFailure
from reelradar.model import Profile
from reelradar.sources import tmdb
from reelradar.sources.tmdb import parse_export
from reelradar.testing import Request, Response, local_server

DATA = Path(__file__).parent / "data" / "tmdb"
KEY = "k3y-under-test-0123456789"
DAY1 = date(2026, 11, 20)


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


class FakeTmdb:
    """TMDB's API and export host on one server; tests change ``docs`` and ``faults`` between runs."""

    def __init__(self) -> None:
        self.docs = {"tv/90001": load("tv_90001.json"), "tv/90003": load("tv_90003.json"),
                     "movie/91001": load("movie_91001.json")}
        self.changes = {"tv": load("changes_empty.json"), "movie": load("changes_empty.json")}
        self.faults: dict[str, list[Response]] = {}  # path prefix -> answers served first
        self.export_days = {"tv_series_ids": DAY1, "movie_ids": DAY1 - timedelta(days=1)}
        self.trending = [load("trending_page1.json"), load("trending_page2.json")]

    def __call__(self, req: Request) -> Response:
        url = urlsplit(req.path)
        query = parse_qs(url.query)
        for prefix, answers in self.faults.items():
            if url.path.startswith(prefix) and answers:
                return answers.pop(0) if len(answers) > 1 else answers[0]
        if url.path.startswith("/p/exports/"):
            name = url.path.rsplit("/", 1)[1]
            for stem, day in self.export_days.items():
                if name == f"{stem}_{day.strftime('%m_%d_%Y')}.json.gz":
                    return Response(200, gzip.compress((DATA / f"{stem}.jsonl").read_bytes()))
            return Response(404, b"<Error>NoSuchKey</Error>")
        if query.get("api_key") != [KEY]:
            return Response(401, (DATA / "error_401.json").read_bytes())
        path = url.path.removeprefix("/3/")
        if path == "trending/all/day":
            return self.json(self.trending[int(query["page"][0]) - 1])
        if path.endswith("/changes"):
            return self.json(self.changes[path.split("/")[0]])
        if path in self.docs:
            assert query["append_to_response"][0].startswith("external_ids,keywords")
            return self.json(self.docs[path])
        return Response(404, (DATA / "error_404.json").read_bytes())

    @staticmethod
    def json(doc: dict) -> Response:
        return Response(200, json.dumps(doc).encode(), {"Content-Type": "application/json;charset=utf-8"})


def settings_for(own: Settings, base: str, **extra: object) -> Settings:
    values = {
        "data_dir": own.data_dir, "cache_dir": own.data_dir / "cache", "tmdb_api_key": KEY, "tmdb_api_url": f"{base}/3",
        "tmdb_files_url": f"{base}/p/exports", "tmdb_popular_titles": 10, "tmdb_trending_pages": 5,
        "tmdb_countries": ["US", "DE"], "http_backoff": 0.01, "http_retries": 2,
    }
    return load_settings(**{**values, **extra})


def link_ballard(s: Settings) -> None:
    """The demo's Ballard carries its TMDB id, as a Wikidata crosswalk would give it."""
    with write_catalog(s.catalog_path, start_from_current=True) as con:
        con.execute("INSERT INTO title_xid VALUES ('demo:ballard', 'tmdb', 'tv:90003')")


def run(s: Settings, today: date = DAY1, **kw: object) -> tmdb.UpdateReport:
    c = tmdb.tmdb_client(s, KEY)
    c.sleep = lambda seconds: None  # Retry-After and backoff waits are recorded, not slept
    with c:
        return tmdb.update(s, client=c, today=today, **kw)  # type: ignore[arg-type]


def fetched_paths(seen: list[Request]) -> list[str]:
    return sorted(urlsplit(r.path).path for r in seen if "/changes" not in r.path and r.path.startswith(("/3/tv/", "/3/movie/")))


@pytest.fixture
def fake() -> FakeTmdb:
    return FakeTmdb()


@pytest.fixture
def tiny(tmp_path: Path) -> Settings:
    return tiny_catalog(tmp_path / "data")


def test_update_fetches_followed_titles_and_applies_their_facts(tiny: Settings, fake: FakeTmdb,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    link_ballard(tiny)
    caplog.set_level(logging.DEBUG)
    with local_server(fake) as (base, seen):
        s = settings_for(tiny, base)
        report = run(s)
    # followed: Ballard (catalog), trending pages 1-2 (Ballard, the film), the export's popular ids
    assert fetched_paths(seen) == ["/3/movie/91001", "/3/tv/90001", "/3/tv/90002", "/3/tv/90003"]
    assert report.fetched == 3 and report.gone == ["tv:90002"] and not report.failed
    assert "movie:91002" not in json.dumps(report.__dict__)  # adult ids in the export are not followed
    con = open_catalog(s.catalog_path)
    # TMDB facts of Ballard land on the demo's own title, which claims that TMDB id
    offers = con.execute("SELECT provider, country, monetization, source, via, url FROM offer "
                         "WHERE title_id = 'demo:ballard' AND via = 'tmdb'").fetchall()
    assert offers == [("Amazon Prime Video", "US", "flatrate", "justwatch", "tmdb",
                       "https://www.themoviedb.org/tv/90003-ballard/watch?locale=US")]
    assert con.execute("SELECT next_air_date, next_season, next_episode, status FROM series_status "
                       "WHERE title_id = 'demo:ballard'").fetchone() == (date(2026, 12, 3), 2, 1, "returning series")
    assert con.execute("SELECT count(*) FROM title WHERE id = 'tmdb:tv:90003'").fetchone() == (0,)
    # Bosch's IMDb id names a catalog title: its facts land there, and no TMDB title row is added
    assert con.execute("SELECT count(*) FROM title WHERE id = 'tmdb:tv:90001'").fetchone() == (0,)
    assert set(con.execute("SELECT source, xid FROM title_xid WHERE title_id = 'tt3502248'").fetchall()) == {
        ("tmdb", "tv:90001"), ("imdb", "tt3502248"), ("wikidata", "Q9000001"), ("tvdb", "277928")}
    assert con.execute("SELECT status, season_count, episode_count, last_air_date FROM series_status "
                       "WHERE title_id = 'tt3502248'").fetchone() == ("ended", 7, 68, date(2021, 6, 25))
    assert con.execute("SELECT season_number, episode_count FROM season WHERE title_id = 'tt3502248' "
                       "ORDER BY 1").fetchall() == [(1, 10), (7, 8)]
    credits = con.execute("""SELECT p.name, c.role, c."character" FROM credit c JOIN person p ON p.id = c.person_id
                             WHERE c.title_id = 'tt3502248' ORDER BY c.role, p.name""").fetchall()
    # a series' per-episode directors are not its credits; the novelist is its author
    assert sorted(credits) == [("Eric Overmyer", "creator", None), ("Madison Lintz", "actor", "Maddie Bosch"),
                               ("Michael Connelly", "author", None), ("Titus Welliver", "actor", "Harry Bosch")]
    assert set(con.execute("SELECT country, provider, monetization FROM offer WHERE title_id = 'tt3502248'").fetchall()) == {
        ("US", "Amazon Prime Video", "flatrate"), ("US", "Freevee", "ads"), ("US", "Apple TV", "buy"),
        ("DE", "Amazon Prime Video", "flatrate")}
    assert con.execute("SELECT value, scale, count, via FROM rating WHERE title_id = 'tt3502248'").fetchone() == (
        8.1, 10.0, 1234, "tmdb")
    assert {k for (k,) in con.execute("SELECT keyword FROM title_keyword WHERE title_id = 'tt3502248'").fetchall()} == {
        "based on novel or book", "los angeles, california"}
    # the film is unknown to the catalog: it gets TMDB's own id, with the title row and its IMDb id
    row = con.execute("SELECT title, kind, year, runtime_min, status, source FROM title "
                      "WHERE id = 'tmdb:movie:91001'").fetchone()
    assert row == ("The Hand-made Verdict", "movie", 2011, 118, "released", "tmdb")
    assert con.execute("SELECT xid FROM title_xid WHERE title_id = 'tmdb:movie:91001' AND source = 'imdb'").fetchone() == (
        "tt9100100",)
    film_roles = con.execute("""SELECT c.role, p.name FROM credit c JOIN person p ON p.id = c.person_id
                                WHERE c.title_id = 'tmdb:movie:91001' ORDER BY 1""").fetchall()
    assert film_roles == [("actor", "Lead Actor"), ("author", "Michael Connelly"), ("director", "Film Director")]
    # the people of a new or changed title find it among their titles (catalog/people.py person_title)
    assert set(con.execute("SELECT * FROM person_title").fetchall()) == set(con.execute(PERSON_TITLE_ROWS).fetchall())
    assert con.execute("SELECT count(*) FROM person_title WHERE title_id = 'tmdb:movie:91001'").fetchone() == (3,)
    assert con.execute("SELECT credit FROM source_info WHERE source = 'justwatch'").fetchone() == (
        "Where-to-watch data by JustWatch, via TMDB.",)
    # the key went to TMDB and nowhere else: not in logs, files, the catalog or the report
    assert KEY not in caplog.text and KEY not in json.dumps(report.__dict__, default=str)
    for f in s.data_dir.rglob("*"):
        if f.is_file() and f.suffix != ".duckdb":
            raw = f.read_bytes()
            assert KEY.encode() not in (gzip.decompress(raw) if f.suffix == ".gz" else raw), f
    con.close()


def test_rerun_replaces_rows_instead_of_duplicating(tiny: Settings, fake: FakeTmdb) -> None:
    with local_server(fake) as (base, _):
        s = settings_for(tiny, base)
        run(s)
        con = open_catalog(s.catalog_path)
        first = con.execute("SELECT count(*) FROM offer").fetchone(), con.execute("SELECT count(*) FROM credit").fetchone()
        con.close()
        run(s, full=True)
    con = open_catalog(s.catalog_path)
    assert (con.execute("SELECT count(*) FROM offer").fetchone(), con.execute("SELECT count(*) FROM credit").fetchone()) == first
    # the demo's own offers are untouched
    assert con.execute("SELECT count(*) FROM offer WHERE source = 'demo:article'").fetchone() == (1,)
    con.close()


def test_incremental_refresh_fetches_only_what_changed_and_snapshots_show_changes(tiny: Settings, fake: FakeTmdb) -> None:
    with local_server(fake) as (base, seen):
        s = settings_for(tiny, base)
        run(s)
        seen.clear()
        # the next day: TMDB's change list names Bosch (and an id nobody follows); Bosch's offers moved
        fake.changes["tv"] = load("changes_tv.json")
        doc = copy.deepcopy(fake.docs["tv/90001"])
        us = doc["watch/providers"]["results"]["US"]
        del us["ads"]
        us["flatrate"].append({"provider_id": 8, "provider_name": "Netflix", "display_priority": 0})
        fake.docs["tv/90001"] = doc
        report = run(s, today=DAY1 + timedelta(days=1))
    assert fetched_paths(seen) == ["/3/tv/90001"]
    assert report.fetched == 1 and report.unchanged == 2
    con = open_catalog(s.catalog_path)
    profile = Profile(country="US", services=["Netflix", "Freevee"])
    changes = offer_changes(con, profile, days=3, today=DAY1 + timedelta(days=1))
    assert [(c.title, c.provider, c.monetization, c.first_seen) for c in changes.new] == [
        ("Bosch (IMDb)", "Netflix", "flatrate", DAY1 + timedelta(days=1))]
    assert [(c.title, c.provider, c.last_seen, c.last_checked) for c in changes.gone] == [
        ("Bosch (IMDb)", "Freevee", DAY1, DAY1 + timedelta(days=1))]
    assert changes.new[0].provenance.text() == f"JustWatch via TMDB, {DAY1 + timedelta(days=1)}"
    # the first snapshot of a title is not "new": nothing was known before it
    assert offer_changes(con, Profile(country="US", services=["Prime Video"]), days=3,
                         today=DAY1 + timedelta(days=1)).new == []
    con.close()


def test_bad_key_401_fails_the_update_and_changes_nothing(tiny: Settings, fake: FakeTmdb) -> None:
    before = tiny.catalog_path.read_bytes()
    with local_server(fake) as (base, _):
        s = load_settings(**{**settings_for(tiny, base).model_dump(), "tmdb_api_key": "wrong-key"})
        with pytest.raises(SourceFailure) as err:
            run(s)
    assert "TMDB refused the API key (401)" in err.value.message and "wrong-key" not in err.value.message
    assert tiny.catalog_path.read_bytes() == before
    assert not (tiny.staged_dir / "offer").exists()


def test_missing_key_is_bad_input(tiny: Settings) -> None:
    with pytest.raises(BadInput, match="tmdb_api_key"):
        tmdb.update(tiny)


def test_429_with_retry_after_is_honoured(tiny: Settings, fake: FakeTmdb) -> None:
    fake.faults["/3/tv/90001"] = [Response(429, (DATA / "error_429.json").read_bytes(), {"Retry-After": "2"}), FakeTmdb.json(fake.docs["tv/90001"])]
    with local_server(fake) as (base, _):
        s = settings_for(tiny, base)
        c = tmdb.tmdb_client(s, KEY)
        c.sleep = lambda seconds: None
        with c:
            report = tmdb.update(s, client=c, today=DAY1)
    assert not report.failed and report.retries == 1 and c.stats.waits == [2.0]


def test_a_title_failing_alone_is_reported_kept_and_retried_next_time(tiny: Settings, fake: FakeTmdb) -> None:
    with local_server(fake) as (base, seen):
        s = settings_for(tiny, base)
        run(s)
        fake.faults["/3/tv/90001"] = [Response(500, b"Internal Server Error")]
        report = run(s, full=True)
        assert list(report.failed) == ["tv:90001"] and report.fetched == 2
        con = open_catalog(s.catalog_path)  # its facts from the run before are still there
        assert con.execute("SELECT count(*) FROM offer WHERE title_id = 'tt3502248'").fetchone() == (4,)
        con.close()
        del fake.faults["/3/tv/90001"]
        seen.clear()
        run(s, today=DAY1 + timedelta(days=1))
    assert fetched_paths(seen) == ["/3/tv/90001"]  # pending from the failed run


def test_server_down_fails_the_update_and_changes_nothing(tiny: Settings, fake: FakeTmdb) -> None:
    before = tiny.catalog_path.read_bytes()
    fake.faults["/3/"] = [Response(500, b"")]
    with local_server(fake) as (base, _), pytest.raises(SourceFailure):
        run(settings_for(tiny, base, http_retries=0))
    assert tiny.catalog_path.read_bytes() == before


def test_truncated_details_are_fetched_again(tiny: Settings, fake: FakeTmdb) -> None:
    body = json.dumps(fake.docs["tv/90003"]).encode()
    fake.faults["/3/tv/90003"] = [Response(200, body, truncate_to=100), Response(200, body)]
    with local_server(fake) as (base, _):
        report = run(settings_for(tiny, base))
    assert report.fetched == 3 and not report.failed and report.retries >= 1


def test_paging_follows_total_pages_and_stops_at_an_empty_page(tiny: Settings, fake: FakeTmdb) -> None:
    empty = load("trending_page2.json")
    empty.update(results=[], total_pages=9)
    fake.trending = [{**load("trending_page1.json"), "total_pages": 9}, empty]
    with local_server(fake) as (base, seen):
        run(settings_for(tiny, base, tmdb_popular_titles=0))
    pages = [parse_qs(urlsplit(r.path).query)["page"][0] for r in seen if "/trending/" in r.path]
    assert pages == ["1", "2"]  # page 2 was empty: no page 3 although total_pages said 9


def test_export_must_be_complete_gzip_json_lines() -> None:
    good = gzip.compress(b'{"id":1,"original_name":"A","popularity":1.5}\n\n{"id":2,"popularity":0.1}\n')
    assert [r["id"] for r in parse_export(good, "tv_series_ids.json.gz")] == [1, 2]
    with pytest.raises(SourceFailure, match="not a complete gzip"):
        parse_export(good[:-8], "tv_series_ids.json.gz")
    with pytest.raises(SourceFailure, match="line 2"):
        parse_export(gzip.compress(b'{"id":1}\n{"name":"no id"}\n'), "movie_ids.json.gz")


def test_facts_survive_a_full_rebuild(tiny: Settings, fake: FakeTmdb) -> None:
    from reelradar.catalog.ensure import rebuild

    with local_server(fake) as (base, _):
        s = settings_for(tiny, base)
        run(s)
    rebuild(s, [])  # a full build (here of no primary source) reloads the staged tables
    con = open_catalog(s.catalog_path)
    assert con.execute("SELECT count(*) FROM offer WHERE via = 'tmdb'").fetchone()[0] == 8  # type: ignore[index]
    assert con.execute("SELECT count(*) FROM offer_seen").fetchone()[0] == 8  # type: ignore[index]
    assert con.execute("SELECT title FROM title WHERE id = 'tmdb:movie:91001'").fetchone() == ("The Hand-made Verdict",)
    assert con.execute("SELECT label FROM source_info WHERE source = 'justwatch'").fetchone() == ("JustWatch",)
    con.close()


def test_cli_update_then_where_credits_justwatch(tiny: Settings, fake: FakeTmdb, monkeypatch: pytest.MonkeyPatch) -> None:
    link_ballard(tiny)
    today = datetime.now(UTC).date()
    fake.export_days = {"tv_series_ids": today, "movie_ids": today}  # the CLI runs "today"
    with local_server(fake) as (base, _):
        for key, value in settings_for(tiny, base).model_dump(mode="json").items():
            if key.startswith(("tmdb_", "http_")) and value is not None:
                monkeypatch.setenv(f"REELRADAR_{key.upper()}", json.dumps(value) if isinstance(value, list) else str(value))
        monkeypatch.setenv("REELRADAR_TMDB_API_KEY", KEY)
        result = CliRunner().invoke(app, ["--data-dir", str(tiny.data_dir), "update", "tmdb", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["fetched"] == 3
    out = CliRunner().invoke(app, ["--data-dir", str(tiny.data_dir), "where", "Ballard", "--country", "US"])
    assert out.exit_code == 0, out.output
    assert "Amazon Prime Video · subscription · US" in out.stdout and "JustWatch via TMDB" in out.stdout
    assert "Where-to-watch data by JustWatch, via TMDB." in out.stdout
    assert "Prime Video · subscription · country not stated by the source" in out.stdout
    assert "returning series · next episode S2E1 “Hand-made Episode” on 2026-12-03 — TMDB" in out.stdout
    # the title card says it too: `show`, its JSON, and the web page read the same card
    shown = CliRunner().invoke(app, ["--data-dir", str(tiny.data_dir), "show", "Ballard"])
    assert "on air: returning series · next episode S2E1 “Hand-made Episode” on 2026-12-03 — TMDB" in shown.stdout
    card = json.loads(CliRunner().invoke(app, ["--data-dir", str(tiny.data_dir), "show", "Ballard", "--json"]).stdout)
    assert card["airing"].startswith("returning series · next episode S2E1")
    from fastapi.testclient import TestClient

    from reelradar.api import create_app
    from reelradar.config import load_settings

    with TestClient(create_app(load_settings(data_dir=tiny.data_dir))) as c:
        page = c.get(f"/title/{card['id']}")
    assert page.status_code == 200
    assert "On air: returning series · next episode S2E1 “Hand-made Episode” on 2026-12-03 — TMDB" in page.text


def test_cli_without_a_key_says_so_in_one_line(tiny: Settings) -> None:
    out = CliRunner().invoke(app, ["--data-dir", str(tiny.data_dir), "update", "tmdb"])
    assert out.exit_code == 2
    assert out.output.strip().count("\n") == 0 and "tmdb_api_key" in out.output


def test_new_titles_are_findable_by_name_after_an_update(tiny: Settings, fake: FakeTmdb) -> None:
    from reelradar.catalog.search import build_search_index, search_titles

    with write_catalog(tiny.catalog_path, start_from_current=True) as con:
        build_search_index(con)  # a built catalog has the word index
    with local_server(fake) as (base, _):
        run(settings_for(tiny, base))
    con = open_catalog(tiny.catalog_path)
    assert [h.id for h in search_titles(con, "hand-made verdict")][:1] == ["tmdb:movie:91001"]
    con.close()
