"""Browsing as a person does it on the demo catalog: every home list has a page of its own that shows
the whole list a page at a time and sorts it; search tells titles of one name apart; genres are shown;
a filter chip never leads to an empty list by construction."""

from __future__ import annotations

import html
import re
from pathlib import Path

import duckdb
from fastapi.testclient import TestClient

from reelradar.analytics.picks import SORTS, pick_list
from reelradar.api import create_app
from reelradar.catalog.db import open_catalog
from reelradar.catalog.search import search_titles
from reelradar.config import load_settings
from reelradar.web.facets import facets

HTML = {"Accept": "text/html"}
CARD = re.compile(r'<a class="card-title" href="/title/([^"]+)"')


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_home_lists_link_to_their_whole_list_which_pages_without_repeats(demo_dir: Path) -> None:
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        home = client.get("/", headers=HTML).text
        see_all = re.search(r'href="(/list/radar[^"]*)">See all ([\d,]+), and sort them', home)
        assert see_all, "the radar list does not link to its own page"
        total = int(see_all.group(2).replace(",", ""))
        first = client.get(see_all.group(1), headers=HTML).text
        assert f"{total:,} titles in this list." in text_of(first)
        assert f"Showing 1–24 of {total:,}." in text_of(first)
        more = re.search(r'hx-get="([^"]+page=2[^"]*)"', first)
        assert more, "no 'Show more' on the first page"
        second = client.get(html.unescape(more.group(1)), headers={**HTML, "HX-Request": "true"}).text
        plain_second = client.get(html.unescape(more.group(1)), headers=HTML).text
    one, two = CARD.findall(first), CARD.findall(second)
    assert len(one) == 24 and len(two) == 24 and not set(one) & set(two)
    assert "<html" not in second.lower() and f"Showing 1–48 of {total:,}." in text_of(second)
    assert f"Showing 25–48 of {total:,}." in text_of(plain_second) and "First page" in plain_second
    assert total > 48  # the demo's radar list is long: the 13th title was unreachable before


def test_each_order_sorts_the_whole_list(demo_dir: Path) -> None:
    settings = load_settings(data_dir=demo_dir)
    con = open_catalog(settings.catalog_path)
    try:
        best = pick_list(con, settings, mode="radar", limit=50)
        least = pick_list(con, settings, mode="radar", limit=50, sort="least-known")
        newest = pick_list(con, settings, mode="top", limit=50, sort="newest")
        by_title = pick_list(con, settings, mode="radar", limit=50, sort="title")
        deep = pick_list(con, settings, mode="radar", limit=5, offset=best.total - 2)
    finally:
        con.close()
    acclaim = [p.acclaim for p in best.items]
    assert acclaim == sorted(acclaim, reverse=True)
    aware = [p.awareness for p in least.items]
    assert aware == sorted(aware)  # type: ignore[type-var]
    assert least.total == best.total and [p.id for p in least.items] != [p.id for p in best.items]
    years = [p.year or 0 for p in newest.items]
    assert years == sorted(years, reverse=True)
    names = [re.sub(r"^\W+", "", p.title.lower()) for p in by_title.items]
    assert names == sorted(names)
    assert len(deep.items) == 2 and deep.total == best.total


def test_list_pages_and_the_api_refuse_an_unknown_order_in_one_line(demo_dir: Path) -> None:
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        page = client.get("/list/top?sort=rating", headers=HTML)
        api = client.get("/api/v1/picks?mode=top&sort=rating")
        nowhere = client.get("/list/everything", headers=HTML)
        sorted_api = client.get("/api/v1/picks?mode=top&sort=newest&limit=5").json()
    assert page.status_code == 400 and "unknown order 'rating': use one of " + ", ".join(SORTS) in text_of(page.text)
    assert api.status_code == 400 and "unknown sort 'rating'" in api.json()["error"]["message"]
    assert nowhere.status_code == 404
    years = [i["year"] or 0 for i in sorted_api["items"]]
    assert years == sorted(years, reverse=True)
    assert all("genres" in i for i in sorted_api["items"])


def test_search_tells_titles_of_one_name_apart(demo_con: duckdb.DuckDBPyConnection, demo_dir: Path) -> None:
    hits = [h for h in search_titles(demo_con, "Inferno", limit=10) if h.title == "Inferno"]
    assert len(hits) >= 3
    assert all(h.year and h.made_by for h in hits)
    assert len({(h.year, tuple(h.made_by)) for h in hits}) == len(hits)
    assert {h.evidence for h in hits if h.votes is not None} <= {"votes", "reviews"}
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        said = text_of(client.get("/search?q=inferno", headers={**HTML, "HX-Target": "results"}).text)
    assert "Inferno 1980 · movie · directed by Dario Argento · acclaim" in said
    assert "match" not in said  # no look-up internals ("fuzzy match") shown to a person


def test_cards_show_genres_and_kind_chips_only_lead_to_titles(demo_con: duckdb.DuckDBPyConnection,
                                                               demo_dir: Path) -> None:
    kinds = facets(demo_con).kinds
    for kind in kinds:
        shown = demo_con.execute(
            """SELECT count(*) FROM (SELECT kind FROM pick_base UNION ALL
                 SELECT t.kind FROM title t SEMI JOIN chart_entry c ON c.title_id = t.id) WHERE kind = ?""",
            [kind]).fetchall()[0][0]
        assert shown > 0, kind
    unscored = demo_con.execute(
        "SELECT DISTINCT kind FROM title WHERE kind NOT IN ('season', 'episode') EXCEPT SELECT kind FROM pick_base"
    ).fetchall()
    for (kind,) in unscored:
        charting = demo_con.execute("SELECT count(*) FROM title t SEMI JOIN chart_entry c ON c.title_id = t.id "
                                    "WHERE t.kind = ?", [kind]).fetchall()[0][0]
        assert (kind in kinds) == bool(charting)
    with TestClient(create_app(load_settings(data_dir=demo_dir))) as client:
        home = client.get("/", headers=HTML).text
    assert re.search(r'<span class="meta">2009 · movie · Documentary', home)
