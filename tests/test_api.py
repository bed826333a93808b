"""The JSON API through the ASGI client, against a real catalog built from the demo data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers.api_errors import assert_error

from reelradar.analytics.filters import Filters
from reelradar.analytics.picks import picks
from reelradar.api import create_app
from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.config import Settings, load_settings
from reelradar.testing import copy_data_dir


@pytest.fixture(scope="module")
def api_settings(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A private copy of the demo data folder shared by this module's read-only tests (the app writes
    its token file into the data folder)."""
    return copy_data_dir(demo_dir, tmp_path_factory.mktemp("api") / "data")


@pytest.fixture(scope="module")
def client(api_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as c:
        yield c


def test_one_error_shape_for_every_kind_of_error(client: TestClient, api_settings: Settings) -> None:
    # A ReelradarError from the library (NotFound), with its own message.
    err = assert_error(client.get("/api/v1/titles/tt-nope"), 404, "not_found")
    assert "tt-nope" in err["message"]
    # A BadInput from the library (unknown mode / kind).
    assert "mode" in assert_error(client.get("/api/v1/picks?mode=sideways"), 400, "bad_input")["message"]
    assert_error(client.get("/api/v1/picks?kind=opera"), 400, "bad_input")
    # A request validation error, with the parameter named.
    err = assert_error(client.get("/api/v1/picks?limit=0"), 422, "bad_input")
    assert err["details"][0]["where"] == "query.limit"
    assert_error(client.get("/api/v1/search"), 422, "bad_input")
    # Unknown route and wrong method.
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.delete("/api/v1/picks"), 405, "method_not_allowed")
    # A state change without the token.
    assert_error(client.put("/api/v1/profile", json={"country": "US"}), 401, "unauthorized")


def test_a_bug_answers_500_in_the_same_shape_without_internals(api_settings: Settings) -> None:
    app = create_app(api_settings)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/boom")
    err = assert_error(r, 500, "internal")
    assert "secret internal detail" not in r.text
    assert err["message"].startswith("internal error")


def test_missing_catalog_is_a_catalog_error_503(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "empty")
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        err = assert_error(c.get("/api/v1/picks"), 503, "catalog_error")
    assert "reelradar demo" in err["message"]


def test_openapi_documents_the_routes_and_the_error_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/search", "/api/v1/titles/{title_id}", "/api/v1/picks", "/api/v1/profile",
                 "/api/v1/imports", "/api/v1/watchlist"):
        assert path in spec["paths"], path
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    bad = spec["paths"]["/api/v1/picks"]["get"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert bad == {"$ref": "#/components/schemas/ErrorResponse"}
    assert client.get("/docs").status_code == 200


def test_title_card_of_ballard_has_scores_relations_offers_and_charts(client: TestClient) -> None:
    card = client.get("/api/v1/titles/demo:ballard").json()
    assert card["title"] == "Ballard" and card["kind"] == "series"
    sources = {s["source"] for s in card["pick"]["scores"]}
    assert {"Rotten Tomatoes", "IMDb"} <= sources
    for s in card["pick"]["scores"]:
        assert s["provenance"]["as_of"], s  # every score carries its date
    assert any(r["kind"] == "spin_off_of" and r["other_id"] == "demo:bosch" for r in card["relations"])
    assert any(o["provider"] == "Prime Video" for o in card["offers"])
    assert card["charts"] and card["charts"][0]["rank"] >= 1


def test_picks_are_the_library_picks_paged_without_overlap(client: TestClient, api_settings: Settings) -> None:
    first = client.get("/api/v1/picks?limit=5").json()
    second = client.get(f"/api/v1/picks?limit=5&offset={first['next_offset']}").json()
    assert first["offset"] == 0 and first["limit"] == 5 and first["next_offset"] == 5
    ids = [p["id"] for p in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 10
    con = open_catalog(api_settings.catalog_path)
    try:
        expected = [p.id for p in picks(con, api_settings, mode="radar", limit=10)]
    finally:
        con.close()
    assert ids == expected
    assert all(p["reason"] for p in first["items"])


def test_picks_filter_to_a_service_and_the_last_page_says_so(client: TestClient, api_settings: Settings) -> None:
    # Titles on the service first, then those whose availability no source states (kept, marked); the
    # demo's 17k films have no offers, so the list goes on
    page = client.get("/api/v1/picks", params={"mode": "top", "service": "Prime Video", "limit": 50}).json()
    con = open_catalog(api_settings.catalog_path)
    try:
        offered = {r[0] for r in con.execute("SELECT title_id FROM offer WHERE provider = 'Prime Video'").fetchall()}
        expected = picks(con, api_settings, mode="top", filters=Filters(services=["Prime Video"]), limit=50)
    finally:
        con.close()
    statuses = [p["availability"]["status"] for p in page["items"]]
    assert statuses[0] == "yours" and set(statuses[1:]) == {"unknown"}
    assert {p["id"] for p in page["items"] if p["availability"]["status"] == "yours"} <= offered
    assert [p["id"] for p in page["items"]] == [p.id for p in expected]
    assert page["next_offset"] == 50
    last = client.get("/api/v1/picks", params={"mode": "top", "service": "Prime Video", "kind": "series"}).json()
    assert [p["id"] for p in last["items"]] == ["demo:ballard"] and last["next_offset"] is None


def test_search_tolerates_typos_and_pages(client: TestClient) -> None:
    hits = client.get("/api/v1/search", params={"q": "balard"}).json()
    assert hits["items"][0]["id"] == "demo:ballard"
    one = client.get("/api/v1/search", params={"q": "love", "limit": 1}).json()
    two = client.get("/api/v1/search", params={"q": "love", "limit": 1, "offset": 1}).json()
    assert one["next_offset"] == 1 and one["items"][0]["id"] != two["items"][0]["id"]


def test_catalog_reads_carry_cache_headers_and_answer_304(client: TestClient) -> None:
    r = client.get("/api/v1/titles/demo:ballard")
    etag = r.headers["etag"]
    assert r.headers["cache-control"].startswith("private, max-age=")
    again = client.get("/api/v1/titles/demo:ballard", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # State is never cached.
    assert "etag" not in client.get("/api/v1/profile").headers


def test_a_rebuilt_catalog_is_picked_up_without_restart(own_demo: Settings) -> None:
    with TestClient(create_app(own_demo), raise_server_exceptions=False) as c:
        before = c.get("/api/v1/titles/demo:ballard")
        assert_error(c.get("/api/v1/titles/new:one"), 404, "not_found")
        with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
            con.execute("INSERT INTO title (id, kind, title, year, source) VALUES ('new:one', 'movie', 'Fresh', 2024, 'wikidata')")
        assert c.get("/api/v1/titles/new:one").json()["title"] == "Fresh"
        after = c.get("/api/v1/titles/demo:ballard", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]


def test_facets_list_what_the_catalog_holds(client: TestClient) -> None:
    f = client.get("/api/v1/facets").json()
    assert "Prime Video" in f["services"] and "series" in f["kinds"] and "Crime" in f["genres"]
    assert 2020 in f["decades"]


def test_token_is_made_once_private_and_kept(api_settings: Settings, client: TestClient) -> None:
    path = api_settings.data_dir / "api-token"
    assert path.exists() and oct(os.stat(path).st_mode & 0o777) == "0o600"
    token = path.read_text().strip()
    assert len(token) >= 32
    assert create_app(api_settings).state.token == token  # a restart keeps it
    assert create_app(api_settings).state.token_created is False



def test_serve_refuses_a_bad_port_in_one_line_and_knows_loopback(api_settings: Settings) -> None:
    from typer.testing import CliRunner

    from reelradar.api.server import is_loopback
    from reelradar.cli import app

    result = CliRunner().invoke(app, ["--data-dir", str(api_settings.data_dir), "serve", "--port", "70000"])
    assert result.exit_code == 2 and "70000" in result.output and "Traceback" not in result.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
