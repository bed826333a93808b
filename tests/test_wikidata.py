"""The Wikidata source against a real SPARQL-speaking server on 127.0.0.1 serving hand-recorded
JSON results."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from helpers.tiny_catalog import tiny_catalog

from reelradar.analytics.universe import universe
from reelradar.catalog.db import open_catalog
from reelradar.config import Settings, load_settings
from reelradar.errors import SourceFailure
from reelradar.sources import wikidata
from reelradar.sources.wikidata_rows import parse_score
from reelradar.testing import Request, Response, local_server

DATA = Path(__file__).parent / "data" / "wikidata"


class FakeWdqs:
    """Answers each of the four queries from its recorded rows, honouring LIMIT and OFFSET."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, int]] = []  # (query name, offset)
        self.fail_when: str | None = None  # a substring of the query that makes the server fail
        self.fault: Response | None = None
        self.faults: list[Response] = []  # served first, once each

    def __call__(self, req: Request) -> Response:
        assert req.method == "POST" and req.headers["accept"] == "application/sparql-results+json"
        query = parse_qs(req.body.decode())["query"][0]
        offset = int(re.search(r"OFFSET (\d+)", query).group(1))  # type: ignore[union-attr]
        name = ("ids" if "P4947" in query else "links" if "VALUES ?prop" in query
                else "cast" if "p:P161" in query else "scores")
        self.queries.append((name, offset))
        if self.faults:
            return self.faults.pop(0)
        if self.fault is not None and (self.fail_when is None or self.fail_when in query):
            return self.fault
        limit = int(re.search(r"LIMIT (\d+)", query).group(1))  # type: ignore[union-attr]
        files = ["links_page1.json", "links_page2.json"] if name == "links" else [f"{name}.json"]
        docs = [json.loads((DATA / f).read_text()) for f in files]
        rows = [b for d in docs for b in d["results"]["bindings"]][offset:offset + limit]
        page = {"head": docs[0]["head"], "results": {"bindings": rows}}
        return Response(200, json.dumps(page).encode(), {"Content-Type": "application/sparql-results+json"})


def settings_for(tiny: Settings, base: str, **extra: object) -> Settings:
    values = {"data_dir": tiny.data_dir, "cache_dir": tiny.data_dir / "cache", "wikidata_sparql_url": f"{base}/sparql",
                  "wikidata_page_size": 4, "wikidata_rate_limit": 1000.0, "http_backoff": 0.01, "http_retries": 1,
                  "http_cache_ttl": 0}
    return load_settings(**{**values, **extra})


def run(s: Settings) -> wikidata.UpdateReport:
    c = wikidata.client_for(s)
    c.sleep = lambda seconds: None
    with c:
        return wikidata.update(s, client=c)


@pytest.fixture
def tiny(tmp_path: Path) -> Settings:
    return tiny_catalog(tmp_path / "data")


def test_update_stages_relations_characters_scores_and_ids(tiny: Settings) -> None:
    fake = FakeWdqs()
    with local_server(fake) as (base, _):
        report = run(settings_for(tiny, base))
    assert report.followed == 3 and not report.failed  # the three titles with IMDb ids
    # pages of 4 rows: links (8 rows) ends on an empty third page, scores (6) on a short second one
    assert fake.queries == [("ids", 0), ("links", 0), ("links", 4), ("links", 8), ("cast", 0), ("scores", 0), ("scores", 4)]
    con = open_catalog(tiny.catalog_path)
    rel = set(con.execute("SELECT src, dst, kind, note, source FROM relation").fetchall())
    assert ("wd:Q9000002", "tt3502248", "spin_off_of", None, "wdqs") in rel
    assert ("tt3502248", "wd:Q9000010", "adapted_from", None, "wdqs") in rel
    assert ("tt9000003", "wd:Q9000011", "adapted_from", None, "wdqs") in rel
    assert ("tt3502248", "wd:Q9000030", "in_franchise", "Harry Bosch franchise", "wdqs") in rel
    # the character both titles list: the later one shares it with the first
    assert ("tt9000003", "tt3502248", "shares_character", "Harry Bosch", "wdqs") in rel
    assert con.execute("SELECT title, kind, author_name FROM work WHERE id = 'wd:Q9000010'").fetchone() == (
        "Harry Bosch", "novel series", "Michael Connelly")
    # a linked title the catalog lacks gets a Wikidata placeholder with its IMDb id
    assert con.execute("SELECT title, kind, year, source FROM title WHERE id = 'wd:Q9000002'").fetchone() == (
        "Bosch: Legacy", "series", 2022, "wdqs")
    assert con.execute("SELECT xid FROM title_xid WHERE title_id = 'wd:Q9000002' AND source = 'imdb'").fetchone() == (
        "tt9000002",)
    xids = set(con.execute("SELECT source, xid FROM title_xid WHERE title_id = 'tt3502248'").fetchall())
    assert xids == {("wikidata", "Q9000001"), ("imdb", "tt3502248"), ("tmdb", "tv:90001"), ("rotten_tomatoes", "tv/bosch"),
                    ("prime_video", "B00SVDK5CA")}  # a platform's own id: evidence for chart links
    credits = set(con.execute("""SELECT c.title_id, p.name, c.role, c."character" FROM credit c
                                 JOIN person p ON p.id = c.person_id WHERE c.source = 'wdqs'""").fetchall())
    assert credits == {("tt3502248", "Titus Welliver", "actor", "Harry Bosch"),
                       ("tt9000003", "Titus Welliver", "actor", "Harry Bosch"),
                       ("tt9000003", "Maggie Q", "actor", "Renée Ballard"),
                       ("tt3502248", "Eric Overmyer", "creator", None)}
    assert con.execute("SELECT network, role FROM title_network WHERE title_id = 'tt3502248'").fetchall() == [
        ("Prime Video", "original_broadcaster")]
    ratings = set(con.execute("SELECT title_id, source, metric, value, scale, count, as_of, via FROM rating").fetchall())
    assert ratings == {
        # the latest of two dated Tomatometer statements; the IMDb statement is not a reviewer we read
        ("tt3502248", "rotten_tomatoes", "critic_pct", 94.0, 100.0, 17, date(2021, 7, 1), "wdqs"),
        ("tt3502248", "rotten_tomatoes", "audience_pct", 85.0, 100.0, 250, date(2021, 7, 1), "wdqs"),
        ("tt3502248", "metacritic", "metascore", 71.0, 100.0, 12, date(2021, 7, 1), "wdqs"),
        ("tt9000003", "rotten_tomatoes", "critic_pct", 100.0, 100.0, 8, date(2025, 7, 14), "wdqs"),
    }
    # the scores take part in acclaim, and their provenance reads "Rotten Tomatoes via Wikidata"
    assert con.execute("SELECT count(*) FROM score_part WHERE title_id = 'tt3502248'").fetchone()[0] >= 3  # type: ignore[index]
    con.close()


def test_universe_from_wikidata_facts(tiny: Settings) -> None:
    with local_server(FakeWdqs()) as (base, _):
        run(settings_for(tiny, base))
    con = open_catalog(tiny.catalog_path)
    u = universe(con, "tt9000003")
    con.close()
    assert u.name == "Harry Bosch franchise"
    assert {n.label for n in u.titles()} == {"Ballard (IMDb)", "Bosch (IMDb)", "Bosch: Legacy"}
    harry = next(c for c in u.characters if c.name == "Harry Bosch")
    assert [(a.title, a.actor, a.source) for a in harry.appearances] == [
        ("Bosch (IMDb)", "Titus Welliver", "Wikidata"), ("Ballard (IMDb)", "Titus Welliver", "Wikidata")]


def test_rerun_replaces_instead_of_duplicating(tiny: Settings) -> None:
    with local_server(FakeWdqs()) as (base, _):
        s = settings_for(tiny, base)
        run(s)
        con = open_catalog(s.catalog_path)
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("relation", "rating", "credit", "title_xid", "title")]
        con.close()
        run(s)
    con = open_catalog(s.catalog_path)
    assert [con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("relation", "rating", "credit", "title_xid", "title")] == counts
    con.close()


def test_endpoint_down_fails_and_changes_nothing(tiny: Settings) -> None:
    fake = FakeWdqs()
    fake.fault = Response(500, b"java.util.concurrent.TimeoutException")
    before = tiny.catalog_path.read_bytes()
    with local_server(fake) as (base, _), pytest.raises(SourceFailure) as err:
        run(settings_for(tiny, base))
    assert "500" in err.value.message and err.value.retryable
    assert tiny.catalog_path.read_bytes() == before
    assert not (tiny.staged_dir / "relation").exists()


def test_429_retry_after_and_a_truncated_body_are_survived(tiny: Settings) -> None:
    fake = FakeWdqs()
    body = (DATA / "ids.json").read_bytes()
    fake.faults = [Response(429, b"Too Many Requests", {"Retry-After": "5"}), Response(200, body, truncate_to=50)]
    with local_server(fake) as (base, _):
        s = settings_for(tiny, base, http_retries=2)
        c = wikidata.client_for(s)
        c.sleep = lambda seconds: None
        with c:
            report = wikidata.update(s, client=c)
    assert c.stats.waits[0] == 5.0 and report.retries == 2 and not report.failed
    con = open_catalog(tiny.catalog_path)
    assert con.execute("SELECT count(*) FROM relation WHERE source = 'wdqs'").fetchone()[0] > 0  # type: ignore[index]
    con.close()


def test_a_failed_batch_keeps_what_its_titles_had(tiny: Settings) -> None:
    fake = FakeWdqs()
    with local_server(fake) as (base, _):
        s = settings_for(tiny, base, wikidata_batch=1)
        run(s)
        fake.fault, fake.fail_when = Response(500, b"busy"), "wd:Q9000003"  # only Ballard's batch fails now
        report = run(s)
    assert len(report.failed) == 1 and "batch" in next(iter(report.failed))
    con = open_catalog(s.catalog_path)
    assert con.execute("SELECT value FROM rating WHERE title_id = 'tt9000003' AND via = 'wdqs'").fetchone() == (100.0,)
    con.close()


def test_empty_results_are_an_empty_update(tiny: Settings) -> None:
    class Empty(FakeWdqs):
        def __call__(self, req: Request) -> Response:
            super().__call__(req)
            return Response(200, (DATA / "empty.json").read_bytes())

    with local_server(Empty()) as (base, _):
        report = run(settings_for(tiny, base))
    assert not report.failed and report.rows.get("relation") == 0


def test_not_sparql_json_is_a_source_failure(tiny: Settings) -> None:
    fake = FakeWdqs()
    fake.fault = Response(200, json.dumps({"error": "not results"}).encode())
    with local_server(fake) as (base, _), pytest.raises(SourceFailure, match="SPARQL JSON"):
        run(settings_for(tiny, base))


def test_review_score_values_are_read_by_reviewer_and_method() -> None:
    assert parse_score("rotten_tomatoes", "94%", "Tomatometer score") == ("critic_pct", 94.0, 100.0)
    assert parse_score("rotten_tomatoes", "85%", "Popcornmeter") == ("audience_pct", 85.0, 100.0)
    assert parse_score("rotten_tomatoes", "7.9/10", "average rating") == ("critic_mean", 7.9, 10.0)
    assert parse_score("metacritic", "71/100", "Metascore") == ("metascore", 71.0, 100.0)
    assert parse_score("metacritic", "8.1/10", "user score") == ("user_mean", 8.1, 10.0)
    assert parse_score("metacritic", "120/100", "") is None and parse_score("rotten_tomatoes", "Fresh", "") is None


def test_cli_update_wikidata_reports_as_json(tiny: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from reelradar.cli import app

    with local_server(FakeWdqs()) as (base, _):
        monkeypatch.setenv("REELRADAR_WIKIDATA_SPARQL_URL", f"{base}/sparql")
        monkeypatch.setenv("REELRADAR_WIKIDATA_PAGE_SIZE", "4")
        monkeypatch.setenv("REELRADAR_WIKIDATA_RATE_LIMIT", "1000")
        monkeypatch.setenv("REELRADAR_CACHE_DIR", str(tiny.data_dir / "cache"))
        out = CliRunner().invoke(app, ["--data-dir", str(tiny.data_dir), "update", "wikidata", "--limit", "2", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["source"] == "wdqs" and report["followed"] == 2 and report["rows"]["rating"] > 0
