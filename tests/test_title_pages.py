"""Title and person pages over the demo catalog, as a person reads them: the cast in billing order with
characters (and said so when no source gives the billing), a synopsis or its absence, a poster
placeholder, person pages and "more with …", films of a line in order or "no relation recorded",
rating from the page (CSRF kept), a title only charts name with each fact dated honestly, and similar
titles that say what they share or why none can be found."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reelradar.api import create_app
from reelradar.api.security import csrf_for
from reelradar.catalog.db import write_catalog
from reelradar.catalog.people import PERSON_TITLE_ROWS, more_with, title_counts
from reelradar.catalog.query import title_card
from reelradar.cli import app
from reelradar.config import Settings
from reelradar.testing import copy_data_dir

HTML = {"Accept": "text/html"}
HX = {"HX-Request": "true"}
GODFATHER, PART_II, PART_III = "tt0068646", "tt0071562", "tt0099674"
SQUID = "netflix:series:squid-game"
runner = CliRunner()

# Two weeks of Netflix's global TV chart in its real TSV layout: Squid Game, a title no other source has.
NETFLIX_TSV = (
    "week\tcategory\tweekly_rank\tshow_title\tseason_title\tweekly_hours_viewed\truntime\tweekly_views\t"
    "cumulative_weeks_in_top_10\n"
    "2021-09-26\tTV (Non-English)\t1\tSquid Game\tSquid Game: Season 1\t448730000\t8.1833\t54835000\t1\n"
    "2021-10-03\tTV (Non-English)\t1\tSquid Game\tSquid Game: Season 1\t571760000\t8.1833\t69868000\t2\n"
)


def text_of(html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` (tags dropped, spaces collapsed)."""
    m = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.DOTALL)
    assert m, f"no element #{element_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(2))).strip()


def names_in(html: str, element_id: str) -> list[str]:
    m = re.search(rf'<ol[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</ol>', html, re.DOTALL)
    assert m, f"no list #{element_id}"
    return re.findall(r'<li><a href="/person/[^"]+">([^<]+)</a>', m.group(1))


@pytest.fixture(scope="module")
def plain(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Settings]]:
    """The demo catalog with Netflix's chart of Squid Game imported as a person would."""
    tmp = tmp_path_factory.mktemp("pages")
    settings = copy_data_dir(demo_dir, tmp / "data")
    (tmp / "all-weeks-global.tsv").write_text(NETFLIX_TSV, encoding="utf-8")
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "update", "netflix", "--from",
                                 str(tmp / "all-weeks-global.tsv")])
    assert result.exit_code == 0, result.output
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c, settings


@pytest.fixture(scope="module")
def enriched(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo catalog plus what IMDb's principals (billing order, characters) and Wikidata's relations
    (follows, part of the series) say of the Godfather films, in the rows those sources write."""
    settings = copy_data_dir(demo_dir, tmp_path_factory.mktemp("enriched") / "data")
    with write_catalog(settings.catalog_path, start_from_current=True) as con:
        con.execute("INSERT INTO person (id, name, source) VALUES ('nm0000008', 'Marlon Brando', 'imdb'), "
                    "('nm0000199', 'Al Pacino', 'imdb'), ('nm0001001', 'James Caan', 'imdb')")
        con.execute(f"""INSERT INTO credit (title_id, person_id, role, "character", ordering, source) VALUES
            ('{GODFATHER}', 'nm0000008', 'actor', 'Don Vito Corleone', 1, 'imdb'),
            ('{GODFATHER}', 'nm0000199', 'actor', 'Michael Corleone', 2, 'imdb'),
            ('{GODFATHER}', 'nm0001001', 'actor', 'Sonny Corleone', 3, 'imdb')""")
        con.execute("INSERT INTO work (id, kind, title, source) VALUES ('wd:Q1139025', 'film series', "
                    "'The Godfather trilogy', 'wikidata')")
        con.execute(f"""INSERT INTO relation (src, dst, kind, note, source) VALUES
            ('{PART_II}', '{GODFATHER}', 'sequel_of', NULL, 'wikidata'),
            ('{PART_III}', '{PART_II}', 'sequel_of', NULL, 'wikidata'),
            ('{GODFATHER}', 'wd:Q1139025', 'part_of_series', 'The Godfather trilogy', 'wikidata'),
            ('{PART_II}', 'wd:Q1139025', 'part_of_series', 'The Godfather trilogy', 'wikidata'),
            ('{PART_III}', 'wd:Q1139025', 'part_of_series', 'The Godfather trilogy', 'wikidata')""")
        # A film whose only known fact beside its name is a genre no other title has.
        con.execute("INSERT INTO title (id, kind, title, year, genres, source) "
                    "VALUES ('tt9000001', 'movie', 'Lonely Opera', 2001, ['Kaiju Opera'], 'wikidata')")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def unlocked(own_demo: Settings) -> Iterator[tuple[TestClient, str]]:
    """A private demo catalog and a browser unlocked with the local token."""
    application = create_app(own_demo)
    with TestClient(application, raise_server_exceptions=False) as c:
        token = application.state.token
        r = c.post("/unlock", data={"token": token, "next": "/"}, follow_redirects=False)
        assert r.status_code == 303
        yield c, token


# -- cast and crew ------------------------------------------------------------------------------------

def test_cast_in_billing_order_with_characters_when_a_source_gives_it(enriched: TestClient) -> None:
    html = enriched.get(f"/title/{GODFATHER}", headers=HTML).text
    lead = names_in(html, "lead-cast")
    assert lead[:3] == ["Marlon Brando", "Al Pacino", "James Caan"]
    assert lead.count("Marlon Brando") == 1  # Wikidata and IMDb name him both: one person on the page
    cast = text_of(html, "lead-cast")
    assert "Marlon Brando as Don Vito Corleone" in cast and "Al Pacino as Michael Corleone" in cast
    assert "Billing order is given for the first 3 only" in text_of(html, "cast-order")


def test_without_billing_order_the_page_says_so_and_shows_the_leads_and_all_the_cast(
        plain: tuple[TestClient, Settings]) -> None:
    c, settings = plain
    html = c.get(f"/title/{GODFATHER}", headers=HTML).text
    lead = names_in(html, "lead-cast")
    assert {"Marlon Brando", "James Caan", "Robert Duvall", "Al Pacino"} <= set(lead)
    assert "Billing order unknown: Wikidata lists this cast without one" in text_of(html, "cast-order")
    # Every actor of the catalog is on the page ("show all"), none behind an API or CLI instruction.
    with duckdb.connect(str(settings.catalog_path), read_only=True) as con:
        actors = {r[0] for r in con.execute(
            "SELECT p.name FROM credit c JOIN person p ON p.id = c.person_id WHERE c.title_id = ? AND c.role = 'actor'",
            [GODFATHER]).fetchall()}
    shown = set(re.findall(r'<li><a href="/person/[^"]+">([^<]+)</a>', html))
    assert len(actors) == 40 and actors <= shown
    assert "Show all 40 of the cast" in html
    body = html.split('<main', 1)[1]
    assert "JSON API" not in body.split("<footer", 1)[0] and "reelradar " not in body.split("<footer", 1)[0]
    assert re.search(r'Directed by\s*<a href="/person/demo:p:francis-ford-coppola">', html)


def test_synopsis_with_its_source_or_said_missing_and_a_placeholder_poster(plain: tuple[TestClient, Settings]) -> None:
    c, _ = plain
    ballard = c.get("/title/demo:ballard", headers=HTML).text
    assert "Detective Renée Ballard runs the LAPD" in text_of(ballard, "synopsis")
    assert "news report" in text_of(ballard, "synopsis")  # whose words these are
    godfather = c.get(f"/title/{GODFATHER}", headers=HTML).text
    assert text_of(godfather, "synopsis") == "No synopsis: no source in this catalog gives one for this title."
    for html in (ballard, godfather):
        assert 'class="poster poster-none"' in html and "<img" not in html  # never a broken image


# -- people ---------------------------------------------------------------------------------------------

def test_person_page_lists_credits_by_role_and_year(plain: tuple[TestClient, Settings]) -> None:
    c, _ = plain
    r = c.get("/person/demo:p:al-pacino", headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert "<h1>Al Pacino" in html
    section = html.split('id="h-actor"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<td>(\d{4}|year unknown)</td>\s*<td><a href=\"/title/([^\"]+)\">([^<]+)</a>", section)
    years = [int(y) for y, _, _ in rows]
    assert years == sorted(years, reverse=True)  # newest first
    titles = [t for _, _, t in rows]
    assert {"The Godfather", "The Godfather Part II", "The Godfather Part III", "Scarface"} <= set(titles)
    # Roles: the most credited first (he directed twice, acted in many more).
    assert html.index('id="h-actor"') < html.index('id="h-director"')
    assert c.get("/person/nobody:here", headers=HTML).status_code == 404


def test_title_page_links_its_people_and_shows_more_with_them(plain: tuple[TestClient, Settings]) -> None:
    c, _ = plain
    html = c.get(f"/title/{GODFATHER}", headers=HTML).text
    assert '<a href="/person/demo:p:marlon-brando">Marlon Brando</a>' in html
    more = html.split('id="h-more"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/person/demo:p:francis-ford-coppola">Francis Ford Coppola</a>' in more
    assert "Apocalypse Now" in more and GODFATHER not in more  # other titles, not this one
    assert re.search(r'href="/person/demo:p:al-pacino">all \d+ →', more)


def test_people_s_titles_are_kept_in_person_order_and_read_the_same_without_that_table(own_demo: Settings) -> None:
    """``person_title`` holds what the credits say (films and series, no episodes) in person order, and a
    catalog built before it existed gives the same "more with" and cast counts from its credits."""
    con = duckdb.connect(str(own_demo.catalog_path), read_only=True)
    stored = con.execute("SELECT person_id, title_id, title, year FROM person_title").fetchall()
    assert stored and stored == sorted(stored, key=lambda r: (r[0], r[1]))  # stored in person order
    assert set(stored) == set(con.execute(PERSON_TITLE_ROWS).fetchall()) and len(set(stored)) == len(stored)
    card = title_card(con, GODFATHER)
    people = [c for c in card.credits if c.role in ("director", "actor")][:6]
    ids = [c.person_id for c in people]
    before = more_with(con, GODFATHER, people), title_counts(con, ids)
    con.close()
    assert before[0] and all(before[1].values())
    with write_catalog(own_demo.catalog_path, start_from_current=True) as w:
        w.execute("DROP TABLE person_title")
    con = duckdb.connect(str(own_demo.catalog_path), read_only=True)
    assert (more_with(con, GODFATHER, people), title_counts(con, ids)) == before
    con.close()


# -- relations ----------------------------------------------------------------------------------------

def test_no_relation_recorded_is_said_plainly_with_the_same_name_titles_apart(plain: tuple[TestClient, Settings]) -> None:
    c, _ = plain
    html = c.get(f"/title/{GODFATHER}", headers=HTML).text
    assert "No known franchise or source work" not in html
    assert "The Godfather universe" not in html  # no universe is invented from nothing
    said = text_of(html, "no-relation")
    assert said.startswith("No relation recorded")
    assert "Wikidata" in said  # which source would supply it
    universe = html.split('id="h-universe"', 1)[1].split("</section>", 1)[0]
    assert "The Godfather Part II" in universe and "The Godfather Part III" in universe
    assert "no source here records how they relate" in universe


def test_films_of_a_series_in_order_from_the_relations_sources_record(enriched: TestClient) -> None:
    html = enriched.get(f"/title/{PART_II}", headers=HTML).text
    universe = html.split('id="h-universe"', 1)[1].split("</section>", 1)[0]
    assert "The Godfather trilogy, in order" in universe
    in_order = re.search(r'<ol class="in-order">(.*?)</ol>', universe, re.DOTALL)
    assert in_order
    items = re.findall(r"<li>.*?>([^<>]+)</(?:a|strong)> \((\d{4})\)", in_order.group(1))
    assert items == [("The Godfather", "1972"), ("The Godfather Part II", "1974"), ("The Godfather Part III", "1990")]
    assert 'aria-current="true">The Godfather Part II' in in_order.group(1)  # this title, not a link
    assert "sequel to" in universe and "— Wikidata" in universe  # each relation with its source
    assert "No relation recorded" not in html


# -- your rating and history --------------------------------------------------------------------------

def test_rate_from_the_page_keeps_the_csrf_protection_and_shows_your_rating(unlocked: tuple[TestClient, str]) -> None:
    c, token = unlocked
    page = c.get(f"/title/{GODFATHER}", headers=HTML).text
    assert 'action="/title/tt0068646/rating"' in page and "Your rating" not in page
    form = {"rating": "4.5"}
    assert c.post(f"/title/{GODFATHER}/rating", data=form, headers=HX).status_code == 403  # no CSRF token
    assert c.post(f"/title/{GODFATHER}/rating", data={**form, "csrf": "forged"}, headers=HX).status_code == 403
    r = c.post(f"/title/{GODFATHER}/rating", data={**form, "csrf": csrf_for(token)},
               headers={**HX, "Origin": "http://evil.example"})
    assert r.status_code == 403
    r = c.post(f"/title/{GODFATHER}/rating", data={**form, "csrf": csrf_for(token)}, headers=HX)
    assert r.status_code == 200 and "Your rating: <strong>4.5★</strong>" in r.text
    assert f"rated here, {date.today()}" in r.text
    # Rated again: the new rating replaces the old one.
    r = c.post(f"/title/{GODFATHER}/rating", data={"rating": "3", "csrf": csrf_for(token)}, follow_redirects=False)
    assert r.status_code == 303
    page = c.get(f"/title/{GODFATHER}", headers=HTML).text
    assert text_of(page, "your-rating").startswith("Your rating: 3★")
    rated = [i for i in c.get("/api/v1/interactions", params={"action": "rated"}).json()]
    assert [(i["title_id"], i["rating"], i["scale"]) for i in rated] == [(GODFATHER, 3.0, 5.0)]
    assert c.post(f"/title/{GODFATHER}/rating", data={"rating": "7", "csrf": csrf_for(token)}).status_code == 400


def test_rating_through_the_api_needs_the_token(unlocked: tuple[TestClient, str]) -> None:
    c, token = unlocked
    c.cookies.clear()
    assert c.put(f"/api/v1/titles/{PART_II}/rating", json={"rating": 8, "scale": 10}).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    r = c.put(f"/api/v1/titles/{PART_II}/rating", json={"rating": 8, "scale": 10}, headers=auth)
    assert r.status_code == 200 and r.json()["rating"] == 8 and r.json()["at"].endswith("Z")
    assert c.put("/api/v1/titles/nope/rating", json={"rating": 4}, headers=auth).status_code == 404
    assert c.put(f"/api/v1/titles/{PART_II}/rating", json={"rating": 4.2}, headers=auth).status_code == 400
    assert "Your rating: <strong>8/10</strong>" in c.get(f"/title/{PART_II}", headers=HTML).text


def test_your_history_marks_the_similar_list_and_the_person_page(unlocked: tuple[TestClient, str]) -> None:
    c, token = unlocked
    auth = {"Authorization": f"Bearer {token}"}
    assert c.put(f"/api/v1/titles/{GODFATHER}/rating", json={"rating": 5}, headers=auth).status_code == 200
    similar = c.get(f"/title/{PART_II}/similar", headers=HX).text
    item = re.search(rf'<li><a href="/title/{GODFATHER}">The Godfather</a>.*?</li>', similar, re.DOTALL)
    assert item and '<span class="badge mine">seen, rated 5★</span>' in item.group(0)
    person = c.get("/person/demo:p:al-pacino", headers=HTML).text
    assert re.search(rf'href="/title/{GODFATHER}">The Godfather</a> <span class="badge mine">seen, rated 5★', person)


# -- a title only charts name -------------------------------------------------------------------------

def test_a_title_only_charts_name_shows_what_is_known_and_when_each_fact_was_dated(
        plain: tuple[TestClient, Settings]) -> None:
    c, _ = plain
    html = c.get(f"/title/{SQUID}", headers=HTML).text
    assert "Squid Game" in html and "(year unknown)" in html
    head = html.split('class="provenance"', 1)[1].split("</p>", 1)[0]
    # The day of the import is no date of a fact: said so, and the facts carry their chart weeks.
    assert "Facts from Netflix Top 10, " not in head
    assert "Known only from the charts that list it" in head and "2021-09-20 to 2021-10-03" in head
    assert f"Added to this catalog on {date.today()}" in head and "not a date of any fact" in head
    known = html.split('id="h-known"', 1)[1].split("</section>", 1)[0]
    rows = {m[0]: (m[1], m[2]) for m in re.findall(
        r"<tr><td>([^<]+)</td><td[^>]*>([^<]+)</td><td>([^<]+)</td></tr>", known)}
    assert rows["Kind"][0] == "series" and "2021-09-20 to 2021-10-03" in rows["Kind"][1]
    assert rows["Seasons charted"][0] == "Squid Game: Season 1"
    assert rows["Year"] == ("unknown", "no source in this catalog gives it")
    assert rows["Genres"][0] == "unknown" and rows["People"][0] == "unknown"


# -- similar titles -----------------------------------------------------------------------------------

def test_similar_says_too_little_is_known_instead_of_filler(plain: tuple[TestClient, Settings]) -> None:
    c, settings = plain
    html = c.get(f"/title/{SQUID}/similar", headers=HX).text
    assert text_of(html, "similar-unknown") == (
        "Too little is known about Squid Game to find titles like it: no genres, keywords, synopsis, credits or "
        "relations in the catalog.")
    assert '<ol class="similar">' not in html and "Ballard" not in html and "Bosch" not in html
    # The CLI says the same, in words and in JSON.
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "like", SQUID])
    assert result.exit_code == 0, result.output
    assert "too little is known about Squid Game to find titles like it" in result.output
    assert "1. " not in result.output
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "like", SQUID, "--json"])
    out = json.loads(result.output)
    assert out["items"] == [] and out["too_little"].startswith("too little is known about Squid Game")


def test_every_similar_title_says_what_it_shares(plain: tuple[TestClient, Settings]) -> None:
    c, settings = plain
    for title_id in ("demo:ballard", GODFATHER):
        html = c.get(f"/title/{title_id}/similar", headers=HX).text
        whys = re.findall(r'<span class="why">([^<]*)</span>', html)
        assert whys, title_id
        for why in whys:
            shared = [w for w in why.split(" · ") if not w.startswith(("acclaim ", "also from the "))]
            assert shared, f"{title_id}: a similar title that shares nothing: {why}"
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "like", "Ballard", "--limit", "20", "--json"])
    for item in json.loads(result.output)["items"]:
        assert any(r["kind"] not in ("acclaim", "era", "availability") for r in item["reasons"]), item["title"]


def test_a_title_that_shares_nothing_gets_no_filler(enriched: TestClient) -> None:
    html = enriched.get("/title/tt9000001/similar", headers=HX).text
    assert '<ol class="similar">' not in html
    assert "No other title in the catalog shares anything known about Lonely Opera." in html
