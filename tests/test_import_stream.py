"""Large IMDb exports are read, resolved and written a batch at a time: the batches must not show.

The same rows give the same counts, report and stored rows whether they are written in one batch, in
many, or imported as many small files; a bad row late in the file leaves the store as it was; a second
import of the same file changes nothing.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa

from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.users import imports
from reelradar.users.imports import import_export
from reelradar.users.store import UserStore

HEADER = ["Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type", "IMDb Rating",
          "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors"]
WORDS = ("crimson", "harbor", "silent", "orchard", "velvet", "thunder", "paper", "lantern", "winter", "glass")


@pytest.fixture(scope="module")
def films(demo_dir: Path) -> list[tuple[str, str, int]]:
    settings = load_settings(data_dir=demo_dir)
    con = duckdb.connect(str(settings.catalog_path), read_only=True)
    try:
        return con.execute("SELECT id, title, year FROM title WHERE kind = 'movie' AND starts_with(id, 'tt') "
                           "AND year IS NOT NULL ORDER BY id LIMIT 4000").fetchall()
    finally:
        con.close()


def export_rows(films: list[tuple[str, str, int]], n: int) -> list[list[str]]:
    """Rows as in a person's ratings export: demo films by their tconst, demo films by name and year
    only (a tconst no catalog holds), and invented titles that match nothing."""
    out = []
    for i in range(n):
        day = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        rating = str(1 + i % 10)
        if i < 2 * len(films) and i % 2 == 0:
            tid, title, year = films[i // 2]
            out.append([tid, rating, day, title, title, "", "Movie", "", "", str(year), "", "", "", ""])
        elif i < 2 * len(films):
            _tid, title, year = films[i // 2]
            out.append([f"tt9{i:08d}", rating, day, title, title, "", "Movie", "", "", str(year), "", "", "", ""])
        else:
            name = " ".join(WORDS[(i // 10 ** k) % 10].title() for k in range(1 + i % 3)) + f" {i}"
            out.append([f"tt8{i:08d}", rating, day, name, name, "", "Movie", "", "", str(1950 + i % 75), "", "",
                        "", ""])
    return out


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def stored(settings: Settings, *, with_place: bool = True) -> dict[str, Any]:
    """Everything the store holds, keyed by what stays the same across stores (not row ids)."""
    with UserStore(settings.users_path) as store, store.engine.connect() as conn:
        items = {r.source_key: (r.title, r.year, r.kind, r.xids, r.runtime_min, r.people)
                 for r in conn.execute(sa.text("SELECT * FROM item"))}
        matches = {r.source_key: (r.title_id, r.tconst, r.verdict, r.distance, r.method, r.reason, r.match)
                   for r in conn.execute(sa.text("SELECT i.source_key, m.* FROM title_match m "
                                                 "JOIN item i ON i.id = m.item_id"))}
        facts = {r.dedupe_key: (r.source_key, r.action, r.rating, r.scale, r.at, r.rewatch, r.source)
                 + ((r.file, r.row_no) if with_place else ())
                 for r in conn.execute(sa.text("SELECT i.source_key, f.* FROM interaction f "
                                               "JOIN item i ON i.id = f.item_id"))}
    return {"items": items, "matches": matches, "facts": facts}


def everything(settings: Settings) -> tuple[Any, ...]:
    """The store's tables row by row, stamps included: what 'changes nothing' is held to."""
    with UserStore(settings.users_path) as store, store.engine.connect() as conn:
        return tuple(tuple(tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1")))
                     for table in ("item", "title_match", "title_override", "interaction", "import_run"))


def test_batches_and_small_files_store_the_same(tmp_path: Path, films: list[tuple[str, str, int]],
                                                demo_con: duckdb.DuckDBPyConnection,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    rows = export_rows(films, 30_000)
    big = write_csv(tmp_path / "ratings.csv", rows)
    many, one, small = (load_settings(data_dir=tmp_path / name) for name in ("many", "one", "small"))

    monkeypatch.setattr(imports, "BATCH", 1_000)
    in_batches = import_export(many, "imdb", big, demo_con)
    monkeypatch.setattr(imports, "BATCH", 100_000)  # the whole file at once, as before it was streamed
    at_once = import_export(one, "imdb", big, demo_con)
    monkeypatch.undo()
    parts = [import_export(small, "imdb", write_csv(tmp_path / f"part{k}.csv", rows[k:k + 3_000]), demo_con)
             for k in range(0, len(rows), 3_000)]

    counts = in_batches.counts
    assert counts["rows"] == 30_000 and counts["new"] == 30_000 and counts["strong"] > 3_000 and counts["none"] > 0
    assert counts == at_once.counts
    assert counts == {k: sum(p.counts[k] for p in parts) for k in counts}
    assert [r.to_dict() for r in in_batches.rows] == [r.to_dict() for r in at_once.rows]
    assert Counter(str(r.verdict) for r in in_batches.rows) == {
        k: counts[k] for k in ("strong", "medium", "none") if counts[k]}
    assert stored(many) == stored(one)
    assert stored(many, with_place=False) == stored(small, with_place=False)


def test_a_title_stated_twice_in_far_apart_batches_keeps_the_later_date(
        tmp_path: Path, films: list[tuple[str, str, int]], demo_con: duckdb.DuckDBPyConnection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rows = export_rows(films, 5_000)
    first = rows[0]
    rows[4_500] = [first[0], "3", "2009-01-01", *first[3:]]  # the same title rated again, dated earlier
    rows[4_800] = [first[0], "7", "2030-01-01", *first[3:]]  # and again, dated latest: this one counts
    path = write_csv(tmp_path / "ratings.csv", rows)
    many, one = load_settings(data_dir=tmp_path / "many"), load_settings(data_dir=tmp_path / "one")

    monkeypatch.setattr(imports, "BATCH", 1_000)
    report = import_export(many, "imdb", path, demo_con)
    monkeypatch.setattr(imports, "BATCH", 100_000)
    whole = import_export(one, "imdb", path, demo_con)
    assert report.counts == whole.counts
    assert (report.counts["new"], report.counts["unchanged"]) == (4_998, 2)
    assert stored(many) == stored(one)
    fact = stored(many)["facts"][f"imdb|rated|{first[0]}"]
    assert fact[2] == 7.0 and fact[-1] == 4_802  # the rating and line of the latest-dated row
    monkeypatch.setattr(imports, "BATCH", 1_000)
    again = import_export(many, "imdb", path, demo_con)
    assert (again.counts["new"], again.counts["updated"]) == (0, 0)


def test_a_bad_row_late_in_the_file_leaves_the_store_as_it_was(
        tmp_path: Path, films: list[tuple[str, str, int]], demo_con: duckdb.DuckDBPyConnection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    rows = export_rows(films, 6_000)
    import_export(settings, "imdb", write_csv(tmp_path / "earlier.csv", rows[:500]), demo_con)
    before = everything(settings)
    rows[5_900][9] = "1e30"  # a year no catalog holds, after five batches were written
    bad = write_csv(tmp_path / "ratings.csv", rows)
    monkeypatch.setattr(imports, "BATCH", 1_000)
    with pytest.raises(BadInput) as exc:
        import_export(settings, "imdb", bad, demo_con)
    assert f"{bad} line 5902" in str(exc.value) and "Year" in str(exc.value)
    assert everything(settings) == before


def test_a_second_import_of_a_large_file_changes_nothing(
        tmp_path: Path, films: list[tuple[str, str, int]], demo_con: duckdb.DuckDBPyConnection,
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    path = write_csv(tmp_path / "ratings.csv", export_rows(films, 10_000))
    monkeypatch.setattr(imports, "BATCH", 1_000)
    first = import_export(settings, "imdb", path, demo_con)
    after_first = everything(settings)
    again = import_export(settings, "imdb", path, demo_con)
    assert first.counts["new"] == 10_000
    assert again.counts == {**first.counts, "new": 0, "updated": 0, "unchanged": 10_000}
    assert everything(settings) == after_first  # no row rewritten, no second import line
