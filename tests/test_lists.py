"""Saved lists out (analytics/lists.py): the settings' [lists.NAME] tables, served at /lists/NAME.json for
Radarr and Sonarr, .txt (IMDb ids) and .csv, and printed by `reelradar list` — on the demo catalog, with
a few TMDB and TVDB ids added to its id crosswalk (the demo holds IMDb ids only)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from fastapi.testclient import TestClient
from helpers.api_errors import assert_error
from typer.testing import CliRunner

from reelradar.analytics.lists import saved_list
from reelradar.analytics.picks import MODES
from reelradar.api import create_app
from reelradar.catalog.db import open_catalog, write_catalog
from reelradar.cli import app
from reelradar.config import ListMode, Settings, load_settings
from reelradar.errors import BadInput, NotFound
from reelradar.resolve.distance import FILM_KINDS, SERIES_KINDS
from reelradar.testing import copy_data_dir

LISTS = """
[lists.films]
mode = "top"
kind = "movie"
limit = 12

[lists.series]
mode = "top"
kind = "series"
limit = 5
"""
TMDB_GIVEN = 5  # of the films list, the first this many get a TMDB id; the rest have IMDb ids only
TVDB_BALLARD = 424242
IMDB_LINE = re.compile(r"tt\d{7,}")
runner = CliRunner()


@pytest.fixture(scope="module")
def lists_settings(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("lists")
    plain = copy_data_dir(demo_dir, base / "data")
    config = base / "config.toml"
    config.write_text(LISTS)
    settings = load_settings(config, data_dir=plain.data_dir)
    con = open_catalog(settings.catalog_path)
    films = [i.id for i in saved_list(con, settings, "films").items]
    con.close()
    with write_catalog(settings.catalog_path, start_from_current=True) as w:
        for n, title_id in enumerate(films[:TMDB_GIVEN], 1):
            w.execute("INSERT INTO title_xid VALUES (?, 'tmdb', ?)", [title_id, f"movie:{1000 + n}"])
        w.execute("INSERT INTO title_xid VALUES ('demo:ballard', 'tvdb', ?), ('demo:ballard', 'tmdb', 'tv:777')",
                  [str(TVDB_BALLARD)])
    return settings


@pytest.fixture(scope="module")
def client(lists_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(lists_settings), raise_server_exceptions=False) as c:
        yield c


def kinds_by_title(client: TestClient, name: str) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(client.get(f"/lists/{name}.csv").text)))
    return {r["title"]: r["kind"] for r in rows}


def test_the_modes_a_list_takes_are_those_of_picks() -> None:
    assert set(get_args(ListMode)) == set(MODES)


def test_radarr_json_holds_films_each_with_the_tmdb_id_radarr_reads(client: TestClient) -> None:
    r = client.get("/lists/films.json?for=radarr")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    items = json.loads(r.text)
    assert len(items) == TMDB_GIVEN
    assert all(isinstance(i["id"], int) and i["id"] > 0 for i in items)  # Radarr reads `id`: a TMDB id
    assert [i["id"] for i in items] == [1001 + n for n in range(TMDB_GIVEN)]  # in the list's order
    kinds = kinds_by_title(client, "films")
    assert {kinds[i["title"]] for i in items} <= FILM_KINDS
    assert r.headers["X-Reelradar-Left-Out-No-Id"] == str(len(kinds) - TMDB_GIVEN)  # counted, not guessed
    # series are never sent to Radarr: counted as the other kind
    series = client.get("/lists/series.json?for=radarr")
    assert json.loads(series.text) == [] and int(series.headers["X-Reelradar-Left-Out-Other-Kind"]) >= 1


def test_stevenlu_json_carries_the_imdb_id_of_every_film(client: TestClient) -> None:
    items = client.get("/lists/films.json?for=stevenlu").json()
    assert len(items) == len(kinds_by_title(client, "films"))
    assert all(IMDB_LINE.fullmatch(i["imdb_id"]) and i["title"] for i in items)


def test_sonarr_json_holds_only_series_with_their_tvdb_id(client: TestClient) -> None:
    items = client.get("/lists/series.json?for=sonarr").json()
    assert items and all(isinstance(i["tvdbId"], int) and i["tvdbId"] > 0 for i in items)
    assert {i["title"] for i in items} == {"Ballard"}
    assert items[0]["tmdbId"] == 777  # the tv: id, never a film's
    kinds = kinds_by_title(client, "series")
    assert set(kinds.values()) <= SERIES_KINDS
    films = client.get("/lists/films.json?for=sonarr")
    assert films.json() == [] and films.headers["X-Reelradar-Left-Out-Other-Kind"] == str(len(kinds_by_title(client, "films")))


def test_the_text_list_is_imdb_ids_one_per_line_in_the_list_order(client: TestClient) -> None:
    r = client.get("/lists/films.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert lines and all(IMDB_LINE.fullmatch(line) for line in lines) and r.text.endswith("\n")
    rows = list(csv.DictReader(io.StringIO(client.get("/lists/films.csv").text)))
    assert lines == [row["imdb_id"] for row in rows if row["imdb_id"]]
    assert r.headers["X-Reelradar-Items"] == str(len(lines))


def test_the_csv_has_every_title_with_the_ids_the_catalog_holds(client: TestClient) -> None:
    r = client.get("/lists/series.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    ballard = next(row for row in rows if row["title"] == "Ballard")
    assert (ballard["tvdb_id"], ballard["tmdb_id"], ballard["imdb_id"]) == (str(TVDB_BALLARD), "777", "")
    assert [row["rank"] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]


def test_unknown_list_missing_target_and_made_up_parameters_are_errors_in_the_api_shape(client: TestClient) -> None:
    err = assert_error(client.get("/lists/nope.json?for=radarr"), 404, "not_found")
    assert "nope" in err["message"] and "films" in err["message"]  # names the lists there are
    assert_error(client.get("/lists/nope.txt"), 404, "not_found")
    assert_error(client.get("/lists/films.json"), 422, "bad_input")  # radarr or sonarr: say which
    assert_error(client.get("/lists/films.json?for=plex"), 422, "bad_input")
    assert "limit" in assert_error(client.get("/lists/films.txt?limit=5"), 422, "bad_input")["message"]


def test_lists_are_reads_behind_the_host_guard_and_kept_per_catalog(client: TestClient) -> None:
    assert client.get("/lists/films.txt", headers={"Host": "evil.example"}).status_code == 421
    first = client.get("/lists/films.txt")  # no token needed: a read
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get("/lists/films.txt", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(("table", "names"), [
    ('[lists.x]\nmode = "sideways"', "lists.x.mode"),
    ('[lists.x]\nlimit = 0', "lists.x.limit"),
    ('[lists.x]\nlimit = 100000', "lists.x.limit"),
    ('[lists.x]\nservices = "Netflix"', "lists.x.services"),
    ('[lists.x]\ndecade = 1995', "lists.x"),
    ('[lists.x]\ncountry = "US"', "lists.x"),
    ('[lists.x]\nmoode = "top"', "lists.x.moode"),
    ('[lists."My List"]\nmode = "top"', "lists"),
])
def test_a_bad_list_definition_is_one_clear_line(tmp_path: Path, table: str, names: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(table)
    with pytest.raises(BadInput) as exc:
        load_settings(config, data_dir=tmp_path)
    assert exc.value.message.startswith(f"bad setting {names}:") and "\n" not in exc.value.message
    result = runner.invoke(app, ["--config", str(config), "--data-dir", str(tmp_path), "lists"])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if line.strip()] == [f"reelradar: {exc.value.message}"]


def test_a_filter_the_catalog_refuses_names_the_list(lists_settings: Settings, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[lists.odd]\ngenre = "Opera buffa"\n')
    settings = load_settings(config, data_dir=lists_settings.data_dir)
    con = open_catalog(settings.catalog_path)
    try:
        with pytest.raises(BadInput, match=r"^list 'odd': unknown genre 'Opera buffa'"):
            saved_list(con, settings, "odd")
        with pytest.raises(NotFound):
            saved_list(con, settings, "films")
    finally:
        con.close()


@pytest.mark.parametrize(("name", "fmt", "path"), [
    ("films", "radarr", "/lists/films.json?for=radarr"), ("series", "sonarr", "/lists/series.json?for=sonarr"),
    ("films", "imdb", "/lists/films.txt"), ("films", "csv", "/lists/films.csv"),
])
def test_the_cli_prints_what_the_server_serves(client: TestClient, lists_settings: Settings, name: str, fmt: str,
                                               path: str) -> None:
    config = lists_settings.data_dir.parent / "config.toml"
    result = runner.invoke(app, ["--config", str(config), "--data-dir", str(lists_settings.data_dir), "list", name,
                                 "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.stdout == client.get(path).text


def test_lists_shows_every_saved_list_with_its_url(lists_settings: Settings) -> None:
    config = lists_settings.data_dir.parent / "config.toml"
    result = runner.invoke(app, ["--config", str(config), "--data-dir", str(lists_settings.data_dir), "lists", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert sorted(shown) == ["films", "series"]
    assert shown["films"]["mode"] == "top" and shown["films"]["url"].endswith("/lists/films")


def test_a_list_on_the_profiles_services_is_kept_apart_from_the_catalog_alone(lists_settings: Settings,
                                                                             tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('services = ["Prime Video"]\ncountry = "US"\n\n[lists.mine]\nmode = "top"\nkind = "series"\n'
                      'services = "profile"\n\n[lists.all]\nmode = "top"\nkind = "series"\n')
    settings = load_settings(config, data_dir=lists_settings.data_dir)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        mine, everything = c.get("/lists/mine.csv"), c.get("/lists/all.csv")
        assert mine.status_code == everything.status_code == 200
        assert mine.headers["ETag"] != everything.headers["ETag"]  # the profile's services are in its tag
        titles = [row["title"] for row in csv.DictReader(io.StringIO(mine.text))]
        assert set(titles) <= {row["title"] for row in csv.DictReader(io.StringIO(everything.text))}
