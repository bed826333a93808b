"""Where a rule exists in SQL and in Python, the two agree on any text (property tests): search names
(catalog/search.py) and provider names (vocab.py)."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelradar.catalog.search import NORMALIZED_SQL, normalize
from reelradar.vocab import provider_key, provider_key_sql

# Titles as catalogs hold them: letters of several scripts, accents, digits, punctuation, spaces.
TITLE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 &'-:.,!?()_")
                             + list("éèàçñöüßÅøłÉ½ﬁＡ東京사랑Ночь")),
    max_size=30)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    yield c
    c.close()


@settings(max_examples=300, deadline=None)
@given(TITLE_TEXT)
def test_search_names_agree(con: duckdb.DuckDBPyConnection, text: str) -> None:
    row = con.execute(f"SELECT {NORMALIZED_SQL.format(col='$1')}", [text]).fetchone()
    assert row is not None and row[0] == normalize(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(["Amazon Prime Video", "Prime Video", "Disney+", "Disney Plus", "HBO Max", "Max",
                                  "Netflix Standard with Ads", "Netflix basic with Ads", "Apple TV+", "amazon"]),
                 TITLE_TEXT))
def test_provider_keys_agree(con: duckdb.DuckDBPyConnection, name: str) -> None:
    row = con.execute(f"SELECT {provider_key_sql('$1')}", [name]).fetchone()
    assert row is not None and row[0] == provider_key(name)


def test_provider_keys_join_the_forms_people_write() -> None:
    assert provider_key("Amazon Prime Video") == provider_key("Prime Video") == "primevideo"
    assert provider_key("Disney+") == provider_key("Disney Plus")
    assert provider_key("HBO Max") == provider_key("Max")
    assert provider_key("Netflix Standard with Ads") == provider_key("Netflix")
