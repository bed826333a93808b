"""Where to watch, the profile's services, and snapshot comparisons."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from helpers.tiny_catalog import tiny_catalog
from typer.testing import CliRunner

from reelradar.analytics.availability import (
    current_profile,
    offer_changes,
    provider_key,
    provider_key_sql,
    where,
)
from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import picks
from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.cli import app
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.model import Profile

NAMES = ["Amazon Prime Video", "Prime Video", "Amazon Prime Video with Ads", "Disney Plus", "Disney+", "Netflix",
         "Netflix Standard with Ads", "Max", "HBO Max", "Apple TV+", "Apple TV Plus", "Apple TV", "Amazon Video"]


def test_provider_names_compare_by_service_in_python_and_sql_alike() -> None:
    assert provider_key("Amazon Prime Video") == provider_key("Prime Video") == provider_key("Amazon Prime Video with Ads")
    assert provider_key("Disney Plus") == provider_key("Disney+")
    assert provider_key("Netflix Standard with Ads") == provider_key("netflix")
    assert provider_key("HBO Max") == provider_key("Max")
    assert provider_key("Apple TV+") == provider_key("Apple TV Plus") != provider_key("Apple TV")  # store ≠ service
    assert provider_key("Amazon Video") != provider_key("Prime Video")  # Amazon's store is not the subscription
    con = duckdb.connect()
    sql = [r[0] for r in con.execute(f"SELECT {provider_key_sql('n')} FROM (SELECT unnest(?) AS n, generate_subscripts(?, 1) AS i) ORDER BY i",
                                     [NAMES, NAMES]).fetchall()]
    assert sql == [provider_key(n) for n in NAMES]


def test_where_ballard_on_the_demo_says_the_country_was_not_stated(demo_con: duckdb.DuckDBPyConnection) -> None:
    w = where(demo_con, "demo:ballard", Profile(country="US", services=["Amazon Prime Video"]))
    assert w.country == "US"
    [offer] = w.offers
    assert (offer.provider, offer.monetization, offer.country, offer.yours) == ("Prime Video", "flatrate", None, True)
    assert offer.provenance.text() == "news report, 2025-07-14 (demo data)"
    # rent/buy only: a subscription offer is not "yours"
    w = where(demo_con, "demo:ballard", Profile(services=["Prime Video"], offer_types=["rent", "buy"]))
    assert w.country is None and not w.offers[0].yours


def test_where_refuses_a_bad_country(demo_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(BadInput, match="two-letter"):
        where(demo_con, "demo:ballard", Profile(), country="USA")


def test_services_filter_in_picks_honours_names_and_offer_types(demo_con: duckdb.DuckDBPyConnection,
                                                               demo_settings: Settings) -> None:
    def ids(**kw: object) -> list[str]:
        return [p.id for p in picks(demo_con, demo_settings, mode="top", filters=Filters(kind="series", **kw))]  # type: ignore[arg-type]

    assert "demo:ballard" in ids(services=["Amazon Prime Video"], offer_types=["flatrate", "free", "ads"])
    assert "demo:ballard" not in ids(services=["Netflix"])
    assert "demo:ballard" not in ids(services=["Prime Video"], offer_types=["rent", "buy"])


def test_picks_cli_uses_the_profile_services(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("REELRADAR_SERVICES", '["Netflix"]')
    out = runner.invoke(app, ["--data-dir", str(demo_dir), "picks", "--kind", "series", "--mode", "top", "--json"])
    assert out.exit_code == 0, out.output
    assert "demo:ballard" not in [p["id"] for p in json.loads(out.stdout)["items"]]
    monkeypatch.setenv("REELRADAR_SERVICES", '["Amazon Prime Video"]')
    out = runner.invoke(app, ["--data-dir", str(demo_dir), "picks", "--kind", "series", "--mode", "top", "--json"])
    first = json.loads(out.stdout)["items"][0]
    assert first["id"] == "demo:ballard" and first["availability"]["status"] == "yours"


def test_profile_comes_from_the_user_store_when_there_is_one(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, country="DE", services=["Netflix"])
    assert current_profile(s) == Profile(country="DE", services=["Netflix"])
    from reelradar.users.store import UserStore

    with UserStore(s.users_path) as store:
        store.save_profile(Profile(name="me", country="GB", services=["Disney+"], offer_types=["flatrate", "rent"]))
    p = current_profile(s)
    assert (p.country, p.services, p.offer_types) == ("GB", ["Disney+"], ["flatrate", "rent"])


def snapshot_catalog(tmp_path: Path) -> Settings:
    """Offers of two titles checked on 11-01 and 11-10: one offer new at the second check, one gone."""
    s = tiny_catalog(tmp_path / "data")
    with write_catalog(s.catalog_path, start_from_current=True) as con:
        con.execute("""INSERT INTO offer_check VALUES
            ('demo:bosch', DATE '2026-11-01', DATE '2026-11-10', 'justwatch', 'tmdb'),
            ('demo:ballard', DATE '2026-11-10', DATE '2026-11-10', 'justwatch', 'tmdb')""")
        con.execute("""INSERT INTO offer_seen VALUES
            ('demo:bosch', 'US', 'Netflix', 'flatrate', DATE '2026-11-10', DATE '2026-11-10', 'justwatch', 'tmdb'),
            ('demo:bosch', 'US', 'Amazon Prime Video', 'flatrate', DATE '2026-11-01', DATE '2026-11-01', 'justwatch', 'tmdb'),
            ('demo:bosch', 'US', 'Apple TV', 'rent', DATE '2026-11-10', DATE '2026-11-10', 'justwatch', 'tmdb'),
            ('demo:bosch', 'DE', 'Netflix', 'flatrate', DATE '2026-11-10', DATE '2026-11-10', 'justwatch', 'tmdb'),
            ('demo:ballard', 'US', 'Netflix', 'flatrate', DATE '2026-11-10', DATE '2026-11-10', 'justwatch', 'tmdb')""")
    return s


def test_new_and_no_longer_seen_come_from_comparing_snapshots(tmp_path: Path) -> None:
    s = snapshot_catalog(tmp_path)
    con = open_catalog(s.catalog_path)
    c = offer_changes(con, Profile(country="US", services=["Netflix", "Prime Video", "Apple TV"]), days=7,
                      today=date(2026, 11, 12))
    # Ballard's first check cannot say what is new; the Apple TV rental is not a type the profile takes
    assert [(x.title_id, x.provider, x.country) for x in c.new] == [("demo:bosch", "Netflix", "US")]
    assert [(x.title_id, x.provider, x.last_seen) for x in c.gone] == [("demo:bosch", "Amazon Prime Video", date(2026, 11, 1))]
    assert c.gone[0].provenance.text() == "JustWatch via TMDB, 2026-11-10"
    later = offer_changes(con, Profile(country="US", services=["Netflix"]), days=7, today=date(2026, 11, 30))
    assert later.new == [] and later.gone == []  # outside the period
    con.close()


def test_new_on_services_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = snapshot_catalog(tmp_path)
    runner = CliRunner()
    out = runner.invoke(app, ["--data-dir", str(s.data_dir), "new-on-services"])
    assert out.exit_code == 0 and "no services in your profile" in out.stdout
    monkeypatch.setenv("REELRADAR_SERVICES", '["Netflix"]')
    monkeypatch.setenv("REELRADAR_COUNTRY", "US")
    out = runner.invoke(app, ["--data-dir", str(s.data_dir), "new-on-services", "--days", "100000", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert [(n["title_id"], n["provider"]) for n in data["new"]] == [("demo:bosch", "Netflix")]
    out = runner.invoke(app, ["--data-dir", str(s.data_dir), "new-on-services", "--days", "0"])
    assert out.exit_code == 2 and "--days" in out.output


def test_new_on_services_page_and_api(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from reelradar.api import create_app
    from reelradar.config import load_settings

    s = snapshot_catalog(tmp_path)
    with TestClient(create_app(load_settings(data_dir=s.data_dir))) as c:
        page = c.get("/new")
        assert page.status_code == 200 and "No services in your profile" in page.text
    mine = load_settings(data_dir=s.data_dir, services=["Netflix", "Prime Video"], country="US")
    with TestClient(create_app(mine)) as c:
        page = c.get("/new?days=3650")
        api = c.get("/api/v1/new-on-services?days=3650").json()
        bad = c.get("/new?days=0")
    assert page.status_code == 200
    new_part, gone_part = page.text.split('aria-label="No longer seen"')
    assert "Bosch" in new_part and "Netflix" in new_part and "JustWatch via TMDB, 2026-11-10" in new_part
    assert "Amazon Prime Video" in gone_part and "2026-11-01" in gone_part
    assert [(n["title_id"], n["provider"]) for n in api["new"]] == [("demo:bosch", "Netflix")]
    assert [(g["title_id"], g["provider"]) for g in api["gone"]] == [("demo:bosch", "Amazon Prime Video")]
    assert bad.status_code == 422
