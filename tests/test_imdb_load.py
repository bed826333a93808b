"""The IMDb build from tiny hand-made files in IMDb's exact format (tests/data/imdb, made-up rows)."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, date
from pathlib import Path

import duckdb
import pytest

from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import picks
from reelradar.catalog.db import open_catalog
from reelradar.catalog.imdb_load import ImdbOptions, update_imdb
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput

DATA = Path(__file__).parent / "data" / "imdb"


def settings_for(root: Path) -> Settings:
    config = root / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("min_cohort = 2\nradar_min_evidence = 20\n")
    return load_settings(config, data_dir=root / "data", cache_dir=root / "cache")


def copy_files(dst: Path) -> Path:
    shutil.copytree(DATA, dst, ignore=shutil.ignore_patterns("*.py"))
    return dst


def rewrite(path: Path, edit) -> None:
    """Rewrite a gzip TSV through ``edit(bytes) -> bytes``."""
    path.write_bytes(gzip.compress(edit(gzip.decompress(path.read_bytes()))))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("imdb")
    s = settings_for(root)
    build = update_imdb(s, from_dir=DATA, progress=False)
    return s, build


@pytest.fixture
def con(built) -> duckdb.DuckDBPyConnection:
    c = open_catalog(built[0].catalog_path)
    yield c
    c.close()


def test_title_types_become_kinds(con: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(con.execute("SELECT id, kind FROM title WHERE source = 'imdb'").fetchall())
    assert kinds["tt9000001"] == "series" and kinds["tt9000015"] == "miniseries"
    assert kinds["tt9000007"] == "episode" and kinds["tt9000014"] == "tv_movie"
    assert kinds["tt9000013"] == "short" and kinds["tt9000018"] == "short" and kinds["tt9000016"] == "special"
    assert kinds["tt9000017"] == "video" and kinds["tt9000005"] == "movie"
    assert "tt9000009" not in kinds  # a video game is nothing to watch
    assert kinds["tt9000010"] == "movie"  # adult titles are kept unless asked otherwise


def test_title_fields_keep_quotes_accents_and_nulls(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute("SELECT title, original_title, year, end_year, runtime_min, genres FROM title WHERE id = 'tt9000005'").fetchone()
    assert row == ("Amélie", "Le fabuleux destin d'Amélie Poulain", 2001, None, 122, ["Comedy", "Romance"])
    assert con.execute("SELECT title FROM title WHERE id = 'tt9000006'").fetchone()[0] == 'The "Quoted" Heist'
    assert con.execute("SELECT original_title FROM title WHERE id = 'tt9000015'").fetchone()[0] == "Ночной город"


def test_episodes_link_to_seasons_and_series(con: duckdb.DuckDBPyConnection) -> None:
    ep = con.execute("SELECT parent_id, season_number, episode_number FROM title WHERE id = 'tt9000008'").fetchone()
    assert ep == ("imdb:tt9000001:s1", 1, 2)
    season = con.execute(
        "SELECT kind, title, parent_id, season_number, year, episode_count FROM title WHERE id = 'imdb:tt9000001:s1'"
    ).fetchone()
    assert season == ("season", "Ballard: season 1", "tt9000001", 1, 2025, 2)
    series = con.execute("SELECT season_count, episode_count FROM title WHERE id = 'tt9000012'").fetchone()
    assert series == (2, 2)
    # an episode whose series is not in title.basics keeps no dangling link
    assert con.execute("SELECT parent_id FROM title WHERE id = 'tt9000022'").fetchone() == (None,)


def test_credits_with_characters_and_crew(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """SELECT person_id, role, "character", ordering FROM credit WHERE title_id = ? ORDER BY ordering NULLS LAST, person_id, role""",
        ["tt9000006"],
    ).fetchall()
    assert rows == [("nm9000010", "actor", 'Jack "The Ghost" Moran / Narrator', 1), ("nm9000007", "director", None, 2)]
    ballard = con.execute("SELECT person_id, role, \"character\" FROM credit WHERE title_id = 'tt9000001'").fetchall()
    assert ("nm9000001", "actor", "Renée Ballard") in ballard  # actress -> actor, character kept
    # writers from title.crew, without repeating the one already billed in principals
    assert sorted(r for r in ballard if r[1] == "writer") == [("nm9000003", "writer", None), ("nm9000004", "writer", None)]
    assert con.execute("SELECT count(*) FROM credit WHERE title_id = 'tt9000009'").fetchone()[0] == 0


def test_crew_credits_are_stored_in_title_order(con: duckdb.DuckDBPyConnection) -> None:
    # Directors and writers come out of a DISTINCT; stored in title order (as IMDb's sorted files keep the
    # principals), a title's credits are found without reading the whole table (imdb_load._crew_credits).
    ids = [r[0] for r in con.execute("SELECT title_id FROM credit WHERE source = 'imdb' AND ordering IS NULL "
                                     "AND role IN ('director', 'writer') ORDER BY rowid").fetchall()]
    assert len(ids) > 3 and ids == sorted(ids)


def test_titles_are_stored_in_id_order(con: duckdb.DuckDBPyConnection) -> None:
    # looked up by id a few at a time (stories, title pages): in id order each lookup reads one row group
    ids = [r[0] for r in con.execute("SELECT id FROM title ORDER BY rowid").fetchall()]
    assert len(ids) > 10 and ids == sorted(ids)
    nullable = con.execute("SELECT is_nullable FROM duckdb_columns() WHERE table_name = 'title' AND column_name = 'id'")
    assert nullable.fetchone() == (False,)  # the table keeps its own definition


def test_ratings_with_votes_and_file_date(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT source, metric, value, scale, count, as_of, via FROM rating WHERE title_id = 'tt9000001'"
    ).fetchone()
    mtime = (DATA / "title.ratings.tsv.gz").stat().st_mtime
    from datetime import datetime

    assert row == ("imdb", "user_mean", 7.8, 10.0, 1840, datetime.fromtimestamp(mtime, tz=UTC).date(),
                   "title.ratings.tsv.gz")
    assert isinstance(row[5], date)


def test_akas_and_people(con: duckdb.DuckDBPyConnection) -> None:
    akas = con.execute("SELECT title, region, language FROM title_aka WHERE title_id = 'tt9000003' ORDER BY title").fetchall()
    assert akas == [("La oficina", "MX", "es"), ("The Office", "US", None)]
    person = con.execute("SELECT name, birth_year, death_year, professions FROM person WHERE id = 'nm9000007'").fetchone()
    assert person == ("Dana Whitfield", 1948, 2019, ["director"])
    info = con.execute("SELECT label, license FROM source_info WHERE source = 'imdb'").fetchone()
    assert info[0] == "IMDb" and "non-commercial" in info[1]


def test_report_counts_what_was_left_out(built) -> None:
    _, build = built
    assert build.load.dropped["video games"] == 1
    assert build.rows["title"] == 22 - 1 + 3  # 22 titles read, the video game left out, 3 seasons made
    assert build.load.files["title.principals.tsv.gz"].rows == 10


def test_skip_adult_and_aka_filters(tmp_path: Path) -> None:
    s = settings_for(tmp_path)
    build = update_imdb(s, from_dir=DATA, options=ImdbOptions(skip_adult=True, akas_regions=["de"]), progress=False)
    c = open_catalog(s.catalog_path)
    try:
        assert c.execute("SELECT count(*) FROM title WHERE id = 'tt9000010'").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM credit WHERE title_id = 'tt9000010'").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM rating WHERE title_id = 'tt9000010'").fetchone()[0] == 0
        assert sorted(r[0] for r in c.execute("SELECT DISTINCT region FROM title_aka").fetchall()) == ["DE"]
    finally:
        c.close()
    assert build.load.dropped["adult titles"] == 1


def test_scores_and_picks_work_on_an_imdb_catalog(built, con: duckdb.DuckDBPyConnection) -> None:
    s, _ = built
    top = picks(con, s, mode="top", filters=Filters(kind="movie"), limit=3)
    assert [p.id for p in top][:1] == ["tt9000005"]  # 8.3 over 790,000 votes beats 8.6 over 2,400
    assert "IMDb" in top[0].reason
    radar = picks(con, s, mode="radar", limit=10)
    assert radar, "an IMDb catalog yields radar picks"
    for p in radar:
        assert p.awareness is not None and p.awareness <= s.radar_max_awareness
    assert "tt9000020" not in [p.id for p in radar]  # 450,000 votes: everybody knows it


# -- bad input -------------------------------------------------------------------------------------

@pytest.fixture
def previous(tmp_path: Path) -> Settings:
    """A data folder with a catalog already built (what must survive a failed build)."""
    s = settings_for(tmp_path / "prev")
    update_imdb(s, from_dir=DATA, progress=False)
    return s


def unchanged(s: Settings, before: bytes) -> bool:
    return s.catalog_path.read_bytes() == before


def test_truncated_gzip_stops_the_build_and_keeps_the_catalog(previous: Settings, tmp_path: Path) -> None:
    files = copy_files(tmp_path / "files")
    big = gzip.compress(gzip.decompress((files / "name.basics.tsv.gz").read_bytes()) * 1)
    (files / "name.basics.tsv.gz").write_bytes(big[: len(big) - 30])
    before = previous.catalog_path.read_bytes()
    with pytest.raises(BadInput, match=r"name\.basics\.tsv\.gz"):
        update_imdb(previous, from_dir=files, progress=False)
    assert unchanged(previous, before)
    assert not list(previous.data_dir.glob("*.building*"))


def test_changed_header_names_file_and_line(previous: Settings, tmp_path: Path) -> None:
    files = copy_files(tmp_path / "files")
    rewrite(files / "title.ratings.tsv.gz", lambda b: b.replace(b"numVotes", b"votes", 1))
    before = previous.catalog_path.read_bytes()
    with pytest.raises(BadInput, match=r"title\.ratings\.tsv\.gz: line 1: the header changed \(new or renamed: votes; missing: numVotes\)"):
        update_imdb(previous, from_dir=files, progress=False)
    assert unchanged(previous, before)


def test_new_column_is_refused(tmp_path: Path) -> None:
    files = copy_files(tmp_path / "files")
    rewrite(files / "title.crew.tsv.gz",
            lambda b: b"\n".join(line + (b"\tproducers" if i == 0 else b"\t\\N") for i, line in enumerate(b.strip().split(b"\n"))) + b"\n")
    with pytest.raises(BadInput, match=r"title\.crew\.tsv\.gz: line 1: .*new or renamed: producers"):
        update_imdb(settings_for(tmp_path), from_dir=files, progress=False)


def test_bad_rows_are_skipped_counted_and_located(tmp_path: Path) -> None:
    files = copy_files(tmp_path / "files")

    def damage(b: bytes) -> bytes:
        lines = b.split(b"\n")
        lines[3] = lines[3].replace(b"Conroy", b"Con\xffroy")  # invalid UTF-8 on line 4
        lines[5] = lines[5] + b"\textra"  # a field too many on line 6
        lines.insert(7, lines[6])  # a duplicate row (IMDb has shipped some)
        return b"\n".join(lines)

    rewrite(files / "name.basics.tsv.gz", damage)
    s = settings_for(tmp_path)
    build = update_imdb(s, from_dir=files, progress=False)
    fr = build.load.files["name.basics.tsv.gz"]
    assert fr.skipped == {"invalid UTF-8": 1, "too many fields": 1, "duplicate id": 1}
    assert fr.examples[:2] == ["line 4: invalid UTF-8", "line 6: too many fields"]
    c = open_catalog(s.catalog_path)
    try:
        assert c.execute("SELECT count(*), count(DISTINCT id) FROM person").fetchone() == (10, 10)
        skipped = dict(c.execute("SELECT key, value FROM meta WHERE key LIKE 'imdb.skipped.%'").fetchall())
        assert "invalid UTF-8: 1" in skipped["imdb.skipped.name.basics.tsv.gz"]
    finally:
        c.close()


def test_a_file_of_mostly_bad_rows_is_refused(previous: Settings, tmp_path: Path) -> None:
    files = copy_files(tmp_path / "files")
    good = gzip.decompress((files / "title.ratings.tsv.gz").read_bytes())
    bad_rows = b"".join(b"tt%07d\t7.0\n" % i for i in range(200))  # a field missing on every row
    (files / "title.ratings.tsv.gz").write_bytes(gzip.compress(good + bad_rows))
    before = previous.catalog_path.read_bytes()
    with pytest.raises(BadInput, match=r"title\.ratings\.tsv\.gz: line 19: too few fields; 200 of 217 rows"):
        update_imdb(previous, from_dir=files, progress=False)
    assert unchanged(previous, before)


def test_missing_file_is_named(tmp_path: Path) -> None:
    files = copy_files(tmp_path / "files")
    (files / "title.crew.tsv.gz").unlink()
    with pytest.raises(BadInput, match=r"lacks title\.crew\.tsv\.gz"):
        update_imdb(settings_for(tmp_path), from_dir=files, progress=False)


def test_charts_of_a_catalog_without_chart_rows_say_how_to_get_some(con: duckdb.DuckDBPyConnection) -> None:
    from reelradar.analytics.chart_views import chart_view
    from reelradar.errors import NotFound

    with pytest.raises(NotFound, match="no chart rows yet: `reelradar update netflix`"):
        chart_view(con)
    with pytest.raises(NotFound, match="no chart rows match these filters"):
        chart_view(con, platform="Netflix")
