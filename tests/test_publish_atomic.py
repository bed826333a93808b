"""An online source's facts reach the staged files and the catalog together: a write that fails after
its rows were prepared leaves both as they were, and a good one changes both."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reelradar.catalog.db import open_catalog
from reelradar.config import Settings
from reelradar.sources.base import SourceInfo
from reelradar.sources.publish import publish

INFO = SourceInfo(source="tmdb", name="TMDB", label="TMDB", license="TMDB terms", credit="TMDB", url=None)


def keywords(*words: str) -> pa.Table:
    return pa.table({"title_id": ["tt0068646"] * len(words), "keyword": list(words), "source": ["tmdb"] * len(words)})


def staged_words(settings: Settings) -> list[str]:
    return sorted(pq.read_table(settings.staged_dir / "title_keyword" / "tmdb.parquet")["keyword"].to_pylist())


def catalog_words(settings: Settings) -> list[str]:
    con = open_catalog(settings.catalog_path)
    try:
        return [r[0] for r in con.execute(
            "SELECT keyword FROM title_keyword WHERE source = 'tmdb' ORDER BY keyword").fetchall()]
    finally:
        con.close()


def test_a_failed_publish_changes_neither_the_staged_files_nor_the_catalog(own_demo: Settings) -> None:
    publish(own_demo, "tmdb", "tmdb", {"title_keyword": keywords("mafia")}, [INFO])
    assert staged_words(own_demo) == catalog_words(own_demo) == ["mafia"]
    # the second write fails inside the catalog write (a table no producer owns), after its rows were staged
    bad = {"title_keyword": keywords("family", "mafia"), "no_such_table": pa.table({"x": [1]})}
    with pytest.raises(KeyError):
        publish(own_demo, "tmdb", "tmdb", bad, [INFO])
    assert staged_words(own_demo) == catalog_words(own_demo) == ["mafia"]
    assert not (own_demo.staged_dir / "no_such_table").exists()
    publish(own_demo, "tmdb", "tmdb", {"title_keyword": keywords("family", "mafia")}, [INFO])
    assert staged_words(own_demo) == catalog_words(own_demo) == ["family", "mafia"]
