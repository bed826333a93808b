"""The user store: SQLite through SQLAlchemy with Alembic migrations, profile and interactions."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from reelradar.errors import BadInput, NotFound
from reelradar.model import Interaction, Profile
from reelradar.users.store import UserStore


def test_a_new_store_is_migrated_to_head_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "users.sqlite"
    UserStore(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"profile", "item", "title_match", "title_override", "interaction", "import_run", "notice_sent"} <= tables


def test_a_store_of_the_first_version_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    """A store made before notices were recorded there gets the table and loses nothing."""
    path = tmp_path / "users.sqlite"
    with UserStore(path) as store:
        store.save_profile(Profile(country="US", services=["Netflix"]))
    con = sqlite3.connect(path)
    con.execute("DROP TABLE notice_sent")
    con.execute("ALTER TABLE item DROP COLUMN akas")
    con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.commit()
    con.close()
    with UserStore(path) as store:
        assert store.profile().services == ["Netflix"]
        store.mark_sent("abc", ["k1", "k2"])
        store.mark_sent("abc", ["k2"])  # sent before: kept once
        assert store.notices_sent("abc") == {"k1", "k2"} and store.notices_sent("other") == set()


def test_a_store_without_other_names_is_migrated_and_its_items_read(tmp_path: Path) -> None:
    """A store of version 0002 (items without other names) gets the column, every item with none."""
    path = tmp_path / "users.sqlite"
    UserStore(path).close()
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE item DROP COLUMN akas")
    con.execute("INSERT INTO item (source, source_key, title, year, kind, xids, runtime_min, people, created_at) "
                "VALUES ('imdb', 'tt0068646', 'Il padrino', 1972, 'movie', '{}', NULL, '[]', '2026-01-01 00:00:00')")
    con.execute("UPDATE alembic_version SET version_num = '0002'")
    con.commit()
    con.close()
    with UserStore(path) as store:
        [item] = store.items()
        assert (item.record.title, item.record.akas) == ("Il padrino", [])


def test_the_default_profile_accepts_subscriptions_only(tmp_path: Path) -> None:
    with UserStore(tmp_path / "u.sqlite") as store:
        assert store.profile().offer_types == ["flatrate", "free", "ads"]


def test_a_saved_profile_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    with UserStore(path) as store:
        store.save_profile(Profile("ann", "de", ["Prime Video"], ["flatrate", "rent"]))
    with UserStore(path) as store:
        assert store.profile() == Profile("ann", "DE", ["Prime Video"], ["flatrate", "rent"])


@pytest.mark.parametrize("profile", [Profile(country="Germany"), Profile(offer_types=["stream"])])
def test_a_bad_profile_is_refused_and_the_old_one_kept(tmp_path: Path, profile: Profile) -> None:
    with UserStore(tmp_path / "u.sqlite") as store:
        store.save_profile(Profile("ann", "FR"))
        with pytest.raises(BadInput):
            store.save_profile(profile)
        assert store.profile().country == "FR"


def test_recording_the_same_interaction_twice_keeps_one(tmp_path: Path) -> None:
    with UserStore(tmp_path / "u.sqlite") as store:
        first = store.add_interaction(Interaction("watchlist", "tt0068646"), name="The Godfather", year=1972)
        again = store.add_interaction(Interaction("watchlist", "tt0068646"))
        store.add_interaction(Interaction("dismissed", "demo:bosch"))
        store.add_interaction(Interaction("watched", "demo:ballard", at=datetime(2025, 7, 20)))
        store.add_interaction(Interaction("watched", "demo:ballard", at=datetime(2025, 8, 1)))
        assert first == again
        got = store.interactions()
        assert [(i.action, i.title_id) for i in got] == [
            ("watched", "demo:ballard"), ("watched", "demo:ballard"), ("watchlist", "tt0068646"),
            ("dismissed", "demo:bosch")]
        assert got[2].xids == {"imdb": "tt0068646"}  # kept, so a rebuilt catalog can find it again
        assert store.item(first).record.title == "The Godfather"
        assert store.remove_interaction("watchlist", "tt0068646") == 1
        assert [i.action for i in store.interactions("watchlist")] == []


def test_unknown_actions_and_records_are_refused(tmp_path: Path) -> None:
    with UserStore(tmp_path / "u.sqlite") as store:
        with pytest.raises(BadInput, match="unknown action"):
            store.add_interaction(Interaction("loved", "tt0068646"))
        with pytest.raises(NotFound):
            store.item("#99")


def test_a_file_that_is_not_a_store_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(BadInput, match="cannot be read"):
        UserStore(path)
    assert path.read_bytes().startswith(b"this is not")  # left as it was
