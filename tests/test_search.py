"""search_titles over the word index: names, original and alternative titles, typos, ranking, filters."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reelradar.catalog.db import open_catalog, schema_sql
from reelradar.catalog.imdb_load import update_imdb
from reelradar.catalog.search import (
    NORMALIZED_SQL,
    build_search_index,
    find_title,
    normalize,
    one_edit,
    search_titles,
    titles_named_on,
)
from reelradar.config import load_settings
from reelradar.errors import BadInput, NotFound

DATA = Path(__file__).parent / "data" / "imdb"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("search")
    (root / "config.toml").write_text("")
    s = load_settings(root / "config.toml", data_dir=root / "data")
    update_imdb(s, from_dir=DATA, progress=False)
    c = open_catalog(s.catalog_path)
    yield c
    c.close()


def ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_series_comes_before_episodes_of_the_same_name(con: duckdb.DuckDBPyConnection) -> None:
    hits = search_titles(con, "ballard")
    assert ids(hits)[0] == "tt9000001"
    assert hits[0].kind == "series" and hits[0].year == 2025 and hits[0].match == "exact"
    assert set(ids(hits)[1:3]) == {"tt9000002", "tt9000022"}  # the episodes named Ballard come after


def test_both_offices_with_years(con: duckdb.DuckDBPyConnection) -> None:
    for query in ("the office", "The Office", "OFFICE", "office"):
        hits = search_titles(con, query)
        assert [(h.id, h.year, h.end_year) for h in hits[:2]] == [("tt9000003", 2005, 2013), ("tt9000004", 2001, 2003)]


def test_accents_case_and_punctuation(con: duckdb.DuckDBPyConnection) -> None:
    assert ids(search_titles(con, "AMELIE"))[0] == "tt9000005"
    assert ids(search_titles(con, "tokyo nights"))[0] == "tt9000018"
    assert ids(search_titles(con, "quoted heist"))[0] == "tt9000006"
    assert ids(search_titles(con, "bloopers and outtakes"))[0] == "tt9000017"


def test_original_and_alternative_titles(con: duckdb.DuckDBPyConnection) -> None:
    hit = search_titles(con, "fabelhafte welt")[0]
    assert hit.id == "tt9000005" and hit.matched == "Die fabelhafte Welt der Amélie" and hit.title == "Amélie"
    assert ids(search_titles(con, "le fabuleux destin"))[0] == "tt9000005"
    assert ids(search_titles(con, "ночной город"))[0] == "tt9000015"
    assert ids(search_titles(con, "東京の夜"))[0] == "tt9000018"


def test_small_typos(con: duckdb.DuckDBPyConnection) -> None:
    for typo in ("balard", "ballrad", "ballardd", "bxllard"):
        hits = search_titles(con, typo)
        assert hits and hits[0].id == "tt9000001" and hits[0].match == "fuzzy", typo
    assert ids(search_titles(con, "harbr detectives"))[0] == "tt9000012"


def test_prefix_of_the_last_word(con: duckdb.DuckDBPyConnection) -> None:
    hits = search_titles(con, "harbor detec")
    assert hits[0].id == "tt9000012" and hits[0].match == "prefix"


def test_filters_by_kind_and_year(con: duckdb.DuckDBPyConnection) -> None:
    assert ids(search_titles(con, "ballard", kind="episode")) == ["tt9000022", "tt9000002"] or set(
        ids(search_titles(con, "ballard", kind="episode"))) == {"tt9000002", "tt9000022"}
    assert ids(search_titles(con, "the office", year=2001)) == ["tt9000004"]
    assert ids(search_titles(con, "the office", year=2006)) == ["tt9000003"]  # a year either side


def test_no_match_and_bad_queries(con: duckdb.DuckDBPyConnection) -> None:
    assert search_titles(con, "zzzzqqq") == []
    with pytest.raises(BadInput):
        search_titles(con, "  ¿?! ")
    with pytest.raises(NotFound):
        find_title(con, "zzzzqqq")
    assert find_title(con, "tt9000012") == "tt9000012"
    assert find_title(con, "the ofice") == "tt9000003"


def test_seasons_are_not_search_results(con: duckdb.DuckDBPyConnection) -> None:
    assert all(h.kind != "season" for h in search_titles(con, "ballard season", limit=20))


def test_demo_catalog_has_the_index_too(demo_con: duckdb.DuckDBPyConnection) -> None:
    hits = search_titles(demo_con, "ballard")
    assert hits and hits[0].title == "Ballard"


@pytest.mark.parametrize("text", ["The Office", "Amélie", "Ночной город", "Bloopers & Outtakes", "A", "The",
                                  "L'Été—à Paris!", "東京の夜", "  spaced   out  ", "Señor_Niño", "An American Tail",
                                  "8½", "ﬁlm", "ＦＵＬＬ", "사랑해"])
def test_sql_normalization_matches_python(text: str) -> None:
    c = duckdb.connect()
    row = c.execute(f"SELECT {NORMALIZED_SQL.format(col='$1')}", [text]).fetchone()
    c.close()
    assert row is not None and row[0] == normalize(text)


def test_one_edit() -> None:
    assert one_edit("ballard", "balard") and one_edit("ballard", "ballrad") and one_edit("ballard", "bxllard")
    assert not one_edit("ballard", "bollarb") and not one_edit("ballard", "ballad ")


def test_names_without_letters_or_digits_are_not_indexed() -> None:
    c = duckdb.connect()
    c.execute(schema_sql())
    c.execute("""INSERT INTO title (id, kind, title, original_title, year, source) VALUES
                 ('t1', 'movie', '?!', NULL, 2001, 'test'), ('t2', 'movie', 'Real Title', '...', 2002, 'test')""")
    c.execute("INSERT INTO title_aka VALUES ('t2', '—', 'US', NULL, 'test'), ('t2', 'Titre réel', 'FR', 'fr', 'test')")
    build_search_index(c)
    assert c.execute("SELECT count(*) FROM search_posting WHERE word = ''").fetchone() == (0,)
    assert c.execute("SELECT count(DISTINCT name) FROM search_posting").fetchone() == (2,)
    assert ids(search_titles(c, "titre reel")) == ["t2"]
    c.close()


def test_names_that_begin_with_a_title_s_name_are_the_same_from_the_index_as_from_a_scan(demo_dir: Path) -> None:
    """The postings of a name's rarest word find every longer name that begins with it (title pages'
    "same name" hint), as a scan of every title does: every 30th demo film (about 580; all of them take
    minutes) and those of a few series of films."""
    catalog = duckdb.connect(str(demo_dir / "catalog.duckdb"), read_only=True)
    scan = duckdb.connect()  # the same titles without the search index
    scan.execute(f"ATTACH '{demo_dir / 'catalog.duckdb'}' AS c (READ_ONLY)")
    scan.execute("CREATE TABLE title AS SELECT * FROM c.title")
    names = catalog.execute("SELECT id, title FROM title WHERE kind = 'movie' AND length(title) >= 4 ORDER BY id"
                            ).fetchall()[::30]
    names += catalog.execute("SELECT id, title FROM title WHERE title IN ('The Godfather', 'Alien', 'Rocky', "
                             "'Star Wars', 'Toy Story', 'Mission: Impossible', 'Halloween')").fetchall()
    kinds = ["movie", "tv_movie"]
    found = 0
    for id_, name in names:
        indexed = titles_named_on(catalog, name, kinds, leave_out=id_, leave_out_prefix="netflix:", limit=5)
        assert indexed == titles_named_on(scan, name, kinds, leave_out=id_, leave_out_prefix="netflix:", limit=5), name
        found += bool(indexed)
    assert found > 20  # "The Godfather" → Part II and III, "Alien" → "Alien: Resurrection", …
    assert [t for _, t, _ in titles_named_on(catalog, "The Godfather", kinds, leave_out="tt0068646",
                                             leave_out_prefix="netflix:", limit=5)][:2] == [
        "The Godfather Part II", "The Godfather Part III"]
