"""Digests: the reader's week from the demo catalog (plus a few dated offers, a season and a breakout
added to a copy), each item a short story whose footnotes are catalog rows; the options narrow it; the
Atom and RSS feeds parse back; the web and API doors answer the same digest."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import feedparser
import pytest
from fastapi.testclient import TestClient
from helpers.story_facts import row_exists
from typer.testing import CliRunner

from reelradar.api import create_app
from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.cli import app
from reelradar.config import Settings
from reelradar.errors import BadInput
from reelradar.model import Interaction, Profile
from reelradar.story.digest import digest
from reelradar.story.feed import digest_feed
from reelradar.story.model import Digest
from reelradar.story.render import digest_html, digest_markdown
from reelradar.testing import copy_data_dir
from reelradar.users.actions import history_marks

TODAY = date(2025, 7, 16)
US_PRIME = Profile(country="US", services=["Prime Video"])
WATCHED = history_marks([Interaction("watched", "demo:bosch-legacy")])
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def week(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo catalog with a week's worth of events: an offer new on Prime Video, one that a source says
    ends in three days, a new season of Bosch: Legacy, and Ballard's chart entry as a breakout."""
    settings = copy_data_dir(demo_dir, tmp_path_factory.mktemp("week") / "data")
    with write_catalog(settings.catalog_path, start_from_current=True) as con:
        con.execute("""INSERT INTO offer (title_id, country, provider, monetization, available_until, source, as_of)
                       VALUES ('tt0108598', 'US', 'Amazon Prime Video', 'flatrate', ?, 'tmdb', ?)""",
                    [TODAY + timedelta(days=3), TODAY])
        con.execute("""INSERT INTO offer_seen VALUES ('tt0068646', 'US', 'Prime Video', 'flatrate', ?, ?, 'tmdb', 'tmdb')""",
                    [TODAY - timedelta(days=2), TODAY])
        con.execute("INSERT INTO offer_check VALUES ('tt0068646', ?, ?, 'tmdb', 'tmdb')", [TODAY - timedelta(days=30), TODAY])
        con.execute("""INSERT INTO season (title_id, season_number, name, episode_count, air_date, source, fetched_at)
                       VALUES ('demo:bosch-legacy', 4, 'Season 4', 10, ?, 'tmdb', ?)""", [TODAY - timedelta(days=1), TODAY])
        con.execute("UPDATE chart_momentum SET breakout = true WHERE title_id = 'demo:ballard'")
    return settings


@pytest.fixture(scope="module")
def week_con(week: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_catalog(week.catalog_path)
    yield con
    con.close()


def the_week(con: duckdb.DuckDBPyConnection, settings: Settings, **kw: object) -> Digest:
    return digest(con, settings, profile=kw.pop("profile", US_PRIME), history=kw.pop("history", WATCHED),  # type: ignore[arg-type]
                  today=TODAY, **kw)  # type: ignore[arg-type]


def test_the_week_has_each_section_the_data_fills(week_con: duckdb.DuckDBPyConnection, week: Settings) -> None:
    d = the_week(week_con, week)
    assert [s.key for s in d.sections] == ["radar", "breakout", "new", "leaving", "seasons"]
    by = {s.key: s for s in d.sections}
    texts = {k: [" ".join(x.text for x in (i.headline, *i.sentences)) for i in s.items] for k, s in by.items()}
    assert texts["breakout"][0].startswith("Ballard (2025) It is breaking out: #1 in 1 of 1 countries on Prime Video, "
                                           "new entry: 10 chart points")
    assert any("New on Prime Video (subscription, US) since 2025-07-14" in t for t in texts["new"])
    assert texts["leaving"][0].startswith("The Wrong Trousers (1993) Leaving Amazon Prime Video (subscription, US) "
                                          "on 2025-07-19.")
    assert texts["seasons"][0].startswith("Bosch: Legacy (2022–2025) Season 4 premiered on 2025-07-15, ten episodes.")
    # under the radar: the radar picks, each saying why, those of unknown availability marked
    radar = by["radar"].items
    assert radar and all("under the radar" in " ".join(s.text for s in i.sentences) for i in radar)
    assert radar[0].id == "tt0108598"  # on the reader's service (the dated offer above): first
    assert all(i.mark == "Availability on your services unknown in US" for i in radar[1:])
    assert "demo:bosch-legacy" not in {i.id for s in d.sections if s.key != "seasons" for i in s.items}  # seen
    assert d.notes == ["chart data as of 2025-07-14"]


def test_every_digest_footnote_is_a_catalog_row(week_con: duckdb.DuckDBPyConnection, week: Settings) -> None:
    d = the_week(week_con, week)
    markdown = digest_markdown(d)
    for s in d.sentences():
        assert s.notes and all(1 <= n <= len(d.facts) for n in s.notes), s.text
    for f in d.facts:
        assert f"[^{f.n}]: " in markdown
        assert row_exists(week_con, f.table, f.key) is not None, (f.table, f.key)


def test_options_narrow_the_digest(week_con: duckdb.DuckDBPyConnection, week: Settings) -> None:
    series = the_week(week_con, week, kinds=["series"])
    assert {i.kind for s in series.sections for i in s.items} == {"series"}
    one = the_week(week_con, week, limit=1, sections=["radar"])
    assert [s.key for s in one.sections] == ["radar"] and len(one.sections[0].items) == 1
    nobody = the_week(week_con, week, profile=Profile(), history=history_marks([]))
    assert {s.key for s in nobody.sections} <= {"radar", "breakout"}  # no services: nothing new or leaving
    netflix = the_week(week_con, week, services=["Netflix"])
    assert "new" not in {s.key for s in netflix.sections} and netflix.services == ["Netflix"]
    for bad in ({"days": 0}, {"limit": 0}, {"kinds": ["novel"]}, {"sections": ["gossip"]}, {"country": "XX"}):
        with pytest.raises(BadInput):
            the_week(week_con, week, **bad)


def test_old_chart_data_says_its_age(demo_con: duckdb.DuckDBPyConnection, demo_settings: Settings) -> None:
    d = digest(demo_con, demo_settings, today=date(2026, 7, 19))
    assert d.notes == ["chart data as of 2025-07-14, 1 year ago"]
    assert "chart data as of 2025-07-14, 1 year ago" in digest_markdown(d)


def test_feeds_parse_back(week_con: duckdb.DuckDBPyConnection, week: Settings) -> None:
    d = the_week(week_con, week)
    items = [(s, i) for s in d.sections for i in s.items]
    atom = digest_feed(d, kind="atom", base_url="http://127.0.0.1:8000")
    parsed = feedparser.parse(atom)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == len(items)
    first = parsed.entries[0]
    assert first.link == f"http://127.0.0.1:8000/story/{items[0][1].id}"
    assert first.title == f"{items[0][0].heading}: {items[0][1].headline.text}"
    assert "<script" not in first.content[0].value and "fn-" in first.content[0].value
    root = ET.fromstring(atom)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}updated").text.startswith("2025-07-16")  # type: ignore[union-attr]
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert len(set(ids)) == len(ids)
    assert ids == [e.find(f"{ATOM}id").text for e in ET.fromstring(  # type: ignore[union-attr]
        digest_feed(the_week(week_con, week), kind="atom", base_url="http://127.0.0.1:8000")).findall(f"{ATOM}entry")]
    rss = feedparser.parse(digest_feed(d, kind="rss"))
    assert not rss.bozo and rss.version == "rss20" and len(rss.entries) == len(items)
    with pytest.raises(BadInput):
        digest_feed(d, kind="json")


def test_digest_html_is_standalone_and_escaped(week: Settings, tmp_path: Path) -> None:
    hostile = copy_data_dir(week.data_dir, tmp_path / "data")
    with write_catalog(hostile.catalog_path, start_from_current=True) as con:
        con.execute("UPDATE title SET title = '<script>alert(1)</script>' WHERE id = 'demo:ballard'")
    con = open_catalog(hostile.catalog_path)
    try:
        d = the_week(con, hostile)
    finally:
        con.close()
    html = digest_html(d, "http://127.0.0.1:8000")
    assert "<script" not in html.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<style" not in html and "<link" not in html and 'href="http://127.0.0.1:8000/story/' in html
    assert "&lt;script&gt;" in digest_feed(d).decode()


def test_cli_digest_and_web_doors(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["--data-dir", str(demo_dir), "digest", "--limit", "2"])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("# What to watch: ") and "## Under the radar" in out.stdout
    data = json.loads(runner.invoke(app, ["--data-dir", str(demo_dir), "digest", "--json", "--kind", "movie"]).stdout)
    assert data["kinds"] == ["movie"] and data["sections"][0]["key"] == "radar"
    feed = runner.invoke(app, ["--data-dir", str(demo_dir), "digest", "--format", "rss", "--limit", "1"])
    assert feedparser.parse(feed.stdout.encode()).version == "rss20"
    bad = runner.invoke(app, ["--data-dir", str(demo_dir), "digest", "--days", "0"])
    assert bad.exit_code != 0 and "--days must be at least 1" in bad.stderr
    settings = copy_data_dir(demo_dir, tmp_path_factory.mktemp("digest-web") / "data")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        page = c.get("/digest", params={"limit": 2})
        assert page.status_code == 200 and "<script" not in page.text.lower() and "Under the radar" in page.text
        assert 'href="http://testserver/story/' in page.text
        api = c.get("/api/v1/digest", params={"limit": 2, "kind": "movie"}).json()
        assert api["sections"][0]["items"] and api["facts"]
        assert c.get("/api/v1/digest", params={"days": 0}).status_code == 422
        feed_xml = c.get("/feed.xml")
        assert feed_xml.headers["content-type"].startswith("application/atom+xml")
        assert feedparser.parse(feed_xml.content).version == "atom10"
        assert feedparser.parse(c.get("/feed.xml", params={"kind": "rss"}).content).version == "rss20"


def test_a_feed_per_profile_is_its_own_address(demo_dir: Path) -> None:
    """Feed readers send no cookie: the country and services in the address are the reader's profile,
    and two people of a household subscribe to two feeds whose entries never share an id."""
    from reelradar.config import load_settings

    with TestClient(create_app(load_settings(data_dir=demo_dir))) as c:
        mine = feedparser.parse(c.get("/feed.xml", params={"country": "US", "service": "Prime Video"}).content)
        theirs = feedparser.parse(c.get("/feed.xml", params={"country": "US", "service": "Netflix"}).content)
        plain = feedparser.parse(c.get("/feed.xml").content)
    assert mine.version == theirs.version == "atom10"
    assert mine.feed.id != theirs.feed.id != plain.feed.id
    self_link = next(link.href for link in mine.feed.links if link.rel == "self")
    assert self_link.endswith("/feed.xml?country=US&service=Prime+Video")
    assert mine.feed.title.endswith("· on Prime Video in US") and theirs.feed.title.endswith("· on Netflix in US")
    assert not {e.id for e in mine.entries} & {e.id for e in theirs.entries}
