"""Matching records to the demo catalog: ids first, then blocking and the distance, with verdicts."""

from __future__ import annotations

import duckdb
import pytest

from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.config import Settings, load_settings
from reelradar.resolve.candidates import CatalogIndex, GrowingIndex, index_for
from reelradar.resolve.link import Record, Resolver, match, resolver_for

GODFATHER = "tt0068646"


@pytest.fixture(scope="module", params=["whole", "growing"])
def resolver(demo_dir, request) -> Resolver:  # type: ignore[no-untyped-def]
    """Every test runs with the catalog indexed whole and with the index a large catalog gets (the
    candidates of each record looked up through the search index)."""
    con = open_catalog(load_settings(data_dir=demo_dir).catalog_path)
    yield Resolver(con, index=GrowingIndex(con) if request.param == "growing" else None)
    con.close()


@pytest.mark.parametrize("title", ["The Godfather", "Godfather, The", "the godfather", "GODFATHER",
                                   "The Godfather (1972)"])
def test_renderings_of_a_title_match_strongly(resolver: Resolver, title: str) -> None:
    m = resolver.match(Record(title, 1972))
    assert (m.title_id, m.verdict, m.method) == (GODFATHER, "strong", "title")
    assert m.tconst == GODFATHER


def test_a_year_one_off_is_still_strong_two_off_is_no_match(resolver: Resolver) -> None:
    near = resolver.match(Record("The Godfather", 1973))
    assert near.verdict == "strong" and near.title_id == GODFATHER
    year = next(c for c in near.components if c.name == "year")
    assert year.penalty == pytest.approx(0.3) and "1973 vs 1972" in year.note
    far = resolver.match(Record("The Godfather", 1975))
    assert far.verdict == "none" and far.title_id is None and "within a year of 1975" in far.reason


def test_a_dropped_subtitle_is_strong_alone_and_medium_with_a_year_off(resolver: Resolver) -> None:
    m = resolver.match(Record("Star Wars", 1977))
    assert m.verdict == "strong" and m.title_id == "tt0076759"
    assert "but for a subtitle" in next(c for c in m.components if c.name == "title").note
    worse = resolver.match(Record("Star Wars", 1978))
    assert worse.verdict == "medium" and worse.title_id == "tt0076759"


def test_two_equally_near_titles_make_a_medium_match_naming_the_runner_up(resolver: Resolver) -> None:
    m = resolver.match(Record("Hamlet", None, "movie"))
    assert m.verdict == "medium" and m.reason.startswith("ambiguous")
    assert m.runner_up and "Hamlet" in m.runner_up


def test_the_year_separates_remakes(resolver: Resolver) -> None:
    assert resolver.match(Record("Hamlet", 1996)).title_id == "tt0116477"
    assert resolver.match(Record("Les Misérables", 2012)).title_id == "tt1707386"


def test_an_id_links_before_any_name(resolver: Resolver) -> None:
    m = resolver.match(Record("Something else entirely", 1950, xids={"imdb": GODFATHER}))
    assert (m.title_id, m.verdict, m.method) == (GODFATHER, "strong", "id")
    assert m.components[0].name == "id" and "imdb tt0068646" in m.components[0].note


def test_an_id_the_catalog_lacks_falls_back_to_the_title(resolver: Resolver) -> None:
    m = resolver.match(Record("Bosch", 2014, "series", {"imdb": "tt3502248"}))
    assert m.title_id == "demo:bosch" and m.verdict == "strong" and m.method == "title"
    assert m.tconst is None  # the demo series carries no tconst: unknown, not guessed


def test_kind_blocks_films_from_series_and_episodes(resolver: Resolver) -> None:
    assert resolver.match(Record("The Godfather", 1972, "series")).verdict == "none"
    assert resolver.match(Record("Bosch", 2014, "episode")).verdict == "none"
    tv = resolver.match(Record("The Godfather", 1972, "tv_movie"))
    # a TV film filed as a film elsewhere: half a kind penalty, still the same title
    assert tv.title_id == GODFATHER and next(c for c in tv.components if c.name == "kind").penalty == 0.5
    assert tv.distance and tv.distance > 0


def test_people_pick_the_right_remake_without_a_year(resolver: Resolver) -> None:
    m = resolver.match(Record("Heat", None, "movie", people=["Michael Mann"]))
    assert m.title_id == "tt0113277" and m.verdict == "strong"
    people = next(c for c in m.components if c.name == "people")
    assert people.penalty == 0 and "Michael Mann" in people.note


def test_decoys_do_not_match(resolver: Resolver) -> None:
    for rec in (Record("The Godfather Returns", 1972), Record("A Film Nobody Made", 2019),
                Record("", 2000), Record(None, None, xids={"imdb": "tt0000001"})):
        assert resolver.match(rec).verdict == "none"


def test_a_title_that_only_looks_alike_is_never_strong(resolver: Resolver) -> None:
    sequel = resolver.match(Record("Star Wars: Episode IV – A New Hope 2", 1977))
    assert sequel.verdict == "none" and "numbers differ" in sequel.components[0].note
    longer = resolver.match(Record("Star Wars: Episode IV – A New Hope Harbor", 1977))
    assert longer.verdict != "strong" and "alike" in longer.components[0].note


def test_weights_and_thresholds_come_from_settings(demo_con: duckdb.DuckDBPyConnection) -> None:
    strict = load_settings(resolve_strong=0.05)
    assert match(demo_con, Record("Star Wars", 1977), strict).verdict == "medium"
    assert match(demo_con, Record("Star Wars", 1977)).verdict == "strong"
    assert resolver_for(demo_con).index is resolver_for(demo_con).index  # the index is built once per catalog


def test_alternative_titles_from_the_catalog_take_part(own_demo: Settings) -> None:
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        con.execute("INSERT INTO title_aka VALUES (?, 'Il padrino', 'IT', 'it', 'test')", [GODFATHER])
    con = open_catalog(own_demo.catalog_path)
    try:
        m = Resolver(con).match(Record("Il padrino", 1972))
    finally:
        con.close()
    assert m.title_id == GODFATHER and m.verdict == "strong"
    assert "alternative title 'Il padrino' (IT)" in m.components[0].note


def test_a_large_catalog_gets_the_growing_index_with_the_same_matches(demo_con: duckdb.DuckDBPyConnection) -> None:
    assert isinstance(index_for(demo_con), CatalogIndex)
    assert isinstance(index_for(demo_con, full_max=0), GrowingIndex)
    titles = demo_con.execute(
        "SELECT title, original_title, year, kind FROM title WHERE kind NOT IN ('season', 'episode')").fetchall()
    records = []
    for title, original, year, kind in titles:
        records += [Record(title, year), Record(title.upper(), None), Record(f"{title} ({year})", None, kind),
                    Record(title, (year or 2000) + 2)]
        if original:
            records.append(Record(original, year))
    whole, growing = Resolver(demo_con), Resolver(demo_con, index=GrowingIndex(demo_con))
    growing.prepare(records)
    assert len(growing.index.sub) < len(whole.index)  # only the titles these records may match
    for r in records:
        a, b = whole.match(r), growing.match(r)
        assert (a.title_id, a.verdict, a.reason) == (b.title_id, b.verdict, b.reason), r


def test_the_growing_index_finds_a_title_linked_by_hand(demo_con: duckdb.DuckDBPyConnection) -> None:
    growing = Resolver(demo_con, index=GrowingIndex(demo_con))
    m = growing.manual(GODFATHER)
    assert (m.title_id, m.title, m.method) == (GODFATHER, "The Godfather", "manual")
    assert growing.manual("tt0000000").reason == "linked by hand (title not in this catalog)"


@pytest.mark.parametrize(("title", "year", "tid"), [
    ("Twelve Monkeys", 1995, "tt0114746"),  # number words against digits
    ("Old Boy", 2003, "tt0364569"),  # words split where the catalog joins them
    ("Good, the Bad and the Ugly, The", 1966, "tt0060196"),  # the library's trailing article
    ("Alien³", 1992, "tt0103644"),  # a superscript number
    ("M*A*S*H", 1970, "tt0066026"),  # letters between symbols
    ("Se7en", 1995, "tt0114369"),  # a digit spelling its own number
    ("Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb", 1964, "tt0057012"),  # "X or: Y"
    ("Kill Bill: Vol. 1", 2003, "tt0266697"),  # Vol. and Volume
    ("Birdman or (The Unexpected Virtue of Ignorance)", 2014, "tt2562232"),
    ("Leon a.k.a. The Professional", 1994, "tt0110413"),  # "a.k.a." gives two names
])
def test_names_as_other_services_write_them_match_strongly(resolver: Resolver, title: str, year: int,
                                                           tid: str) -> None:
    m = resolver.match(Record(title, year, "movie"))
    assert (m.title_id, m.verdict) == (tid, "strong"), m.reason


def test_a_name_in_brackets_is_another_name_of_the_record(resolver: Resolver) -> None:
    m = resolver.match(Record("Oldboy (Oldeuboi)", 2003))
    assert (m.title_id, m.verdict) == ("tt0364569", "strong")
    # a cut in brackets is no name at all
    cut = resolver.match(Record("Seven (Director's Cut)", 1995))
    assert (cut.title_id, cut.verdict) == ("tt0114369", "strong")


def test_a_misspelt_name_is_found_but_only_possibly(resolver: Resolver) -> None:
    m = resolver.match(Record("Twelve Monkys", 1995))
    assert (m.title_id, m.verdict) == ("tt0114746", "medium")
    assert "respelling" in m.reason
    kb = resolver.match(Record("Birdmann", 2014))
    assert (kb.title_id, kb.verdict) == ("tt2562232", "medium")
    assert resolver.match(Record("Twelve Monkys", 1980)).verdict == "none"  # still within a year only


def test_splitting_and_numbers_do_not_merge_different_titles(resolver: Resolver) -> None:
    assert resolver.match(Record("Alien", 1992)).title_id != "tt0103644"
    assert resolver.match(Record("Seven Samurai", 1954)).title_id == "tt0047478"
    assert resolver.match(Record("Kill Bill: Vol. 2", 2003)).title_id != "tt0266697"


def test_a_match_keeps_every_field_through_its_stored_form(resolver: Resolver) -> None:
    from dataclasses import fields

    from reelradar.resolve.link import Match

    m = resolver.match(Record("Hamlet", None, "movie"))
    data = m.to_dict()
    assert set(data) == {f.name for f in fields(Match)}
    assert Match.from_dict(data) == m and data["verdict"] == "medium"
