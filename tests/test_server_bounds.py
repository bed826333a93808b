"""A server that a web page cannot read or stall: bounded pages and cache, a Host allow-list, uploads
refused before they are read, a busy user store answered 503, a private store file, strict JSON, and
the small truths of HTTP (OPTIONS, UTC offsets, OpenAPI)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from reelradar.api import create_app, user_routes
from reelradar.api import routes as api_routes
from reelradar.api.cache import ComputeGate, ResultCache, ServerBusy, weigh
from reelradar.catalog.db import write_catalog
from reelradar.config import Settings, load_settings
from reelradar.errors import BadInput
from reelradar.testing import copy_data_dir
from reelradar.users.store import StoreBusy, UserStore

LOCAL = "http://127.0.0.1:8123"


@pytest.fixture(scope="module")
def settings(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A private copy of the demo data, with no extra Host names (the suite's "testserver" removed)."""
    s = copy_data_dir(demo_dir, tmp_path_factory.mktemp("bounds") / "data")
    return s.model_copy(update={"server_hosts": []})


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    err: dict[str, Any] = response.json()["error"]
    assert err["status"] == status and "\n" not in err["message"] and "Traceback" not in response.text
    return err


# -- 1. bounds on offset and limit ---------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/picks?mode=top", "/api/v1/search?q=love"])
def test_pages_are_bounded_in_offset_and_limit(client: TestClient, path: str) -> None:
    for query, name in (("offset=100000&limit=200", "offset"), ("offset=10001", "offset"), ("limit=201", "limit")):
        err = error_of(client.get(f"{path}&{query}"), 422)
        assert err["details"][0]["where"] == f"query.{name}", err
    page = client.get(f"{path}&offset=10000&limit=200").json()  # the deepest page is answered
    assert page["offset"] == 10000 and page["limit"] == 200


def test_a_page_asks_the_library_for_that_page_only_and_past_the_end_for_nothing(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    real = api_routes.picks

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(api_routes, "picks", counted)
    deep = client.get("/api/v1/picks", params={"mode": "top", "genre": "Crime", "offset": 9000, "limit": 50}).json()
    assert deep["items"] == [] and deep["next_offset"] is None
    assert [(c["offset"], c["limit"]) for c in calls] == [(9000, 51)]  # one page, not the 9,051 before it
    # The list's end is now known: deeper pages (and other limits) are answered without asking again.
    for offset, limit in ((9500, 50), (10000, 200), (9000, 10)):
        page = client.get("/api/v1/picks", params={"mode": "top", "genre": "Crime", "offset": offset, "limit": limit})
        assert page.status_code == 200 and page.json()["items"] == []
    assert len(calls) == 1
    # A page inside the list is the library's list from there.
    first = client.get("/api/v1/picks", params={"mode": "top", "genre": "Crime", "limit": 3}).json()
    second = client.get("/api/v1/picks", params={"mode": "top", "genre": "Crime", "offset": 3, "limit": 3}).json()
    assert first["next_offset"] == 3 and second["offset"] == 3
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


# -- 2. the answer cache: a byte bound, and no entries for made-up parameters ---------------------------
def test_cache_drops_least_recently_used_bodies_past_its_byte_bound() -> None:
    cache = ResultCache(100, max_bytes=3_000)
    for key in ("a", "b"):
        cache.put(key, b"x" * 1_000)
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("c", b"x" * 1_000)  # over 3,000 with the bookkeeping: b goes, not a
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert cache.bytes <= 3_000
    cache.put("huge", b"x" * 10_000)  # larger than the whole bound: not kept, nothing else lost
    assert cache.get("huge") is None and cache.get("a") is not None
    assert weigh([f"{i:0100d}" for i in range(1_000)]) >= 100_000  # objects are weighed by what they hold


def test_served_answers_stay_within_the_byte_bound(settings: Settings) -> None:
    small = settings.model_copy(update={"serve_cache_mb": 0.3})
    app = create_app(small)
    with TestClient(app, base_url=LOCAL) as c:
        for offset in range(0, 2_000, 200):  # pages of about 370 kB: each alone over the bound, so not kept
            assert c.get("/api/v1/picks", params={"mode": "top", "offset": offset, "limit": 200}).status_code == 200
        for q in ("love", "night", "man", "war", "the"):
            assert c.get("/api/v1/search", params={"q": q}).status_code == 200
        assert c.get("/").status_code == 200
    cache: ResultCache = app.state.cache
    assert 0 < len(cache) and cache.bytes <= 300_000


def test_past_the_compute_gate_new_answers_are_503_busy_and_kept_ones_still_answer(settings: Settings) -> None:
    """With every compute slot and waiting place taken, a new answer is refused at once (503, Retry-After,
    one line) while an answer already kept is sent; once a slot frees, the new one is computed."""
    one = settings.model_copy(update={"serve_compute_workers": 1, "serve_compute_waiting": 0})
    app = create_app(one)
    release, started = threading.Event(), threading.Event()

    def hold() -> None:
        app.state.gate.run(lambda: (started.set(), release.wait(10)))

    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        assert c.get("/api/v1/picks?mode=top&limit=3").status_code == 200  # kept from now on
        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert started.wait(5)
            busy = c.get("/api/v1/picks?mode=top&limit=4")
            err = error_of(busy, 503)
            assert err["kind"] == "busy" and busy.headers["retry-after"] == "2", err
            page = c.get("/title/tt0068646", headers={"Accept": "text/html"})
            assert page.status_code == 503 and "try again" in page.text
            assert c.get("/api/v1/picks?mode=top&limit=3").status_code == 200  # kept: no slot needed
        finally:
            release.set()
            holder.join()
        assert c.get("/api/v1/picks?mode=top&limit=4").status_code == 200


def test_the_gate_takes_workers_and_waiting_and_refuses_the_next() -> None:
    gate = ComputeGate(workers=2, waiting=1)
    release = threading.Event()
    inside = threading.Semaphore(0)

    def slow() -> None:
        inside.release()
        release.wait(10)

    threads = [threading.Thread(target=gate.run, args=(slow,)) for _ in range(3)]
    for t in threads:
        t.start()
    for _ in range(2):
        assert inside.acquire(timeout=5)  # two compute; the third waits for a slot
    while gate._in < 3:
        time.sleep(0.01)
    with pytest.raises(ServerBusy, match="computing 3 other answers"):
        gate.run(lambda: None)
    release.set()
    for t in threads:
        t.join()
    assert gate.run(lambda: 7) == 7


def test_unknown_query_parameters_are_refused_and_keep_nothing(client: TestClient) -> None:
    cache: ResultCache = client.app.state.cache  # type: ignore[attr-defined]
    assert client.get("/api/v1/titles/demo:ballard").status_code == 200
    before = len(cache)
    for url in ("/api/v1/titles/demo:ballard?bust=1", "/api/v1/picks?mode=top&bust=2", "/api/v1/facets?x=",
                "/api/v1/charts?zz=1", "/api/v1/profile?x=1"):
        err = error_of(client.get(url), 422)
        assert "unknown query parameter" in err["message"] and ("'bust'" in err["message"] or "'x'" in err["message"]
                                                                or "'zz'" in err["message"])
    assert len(cache) == before
    # The web page keys what it keeps by the parameters it understood: made-up ones change nothing.
    assert client.get("/?kind=movie").status_code == 200
    kept = len(cache)
    for n in range(5):
        assert client.get(f"/?kind=movie&bust={n}").status_code == 200
    assert len(cache) == kept


# -- 3. the Host allow-list (DNS rebinding) ----------------------------------------------------------------
def test_a_foreign_host_is_refused_before_anything_else(client: TestClient, settings: Settings) -> None:
    for host in ("evil.example", "evil.example:8123", "127.0.0.1.evil.example", "testserver", "localhost.evil"):
        r = client.get("/api/v1/watchlist", headers={"Host": host})
        assert r.status_code == 421, host
        assert r.text.count("\n") == 0 and "server_hosts" in r.text
        r = client.post("/api/v1/imports", headers={"Host": host}, content=b"x" * 1000)
        assert r.status_code == 421
    for host in ("127.0.0.1:8123", "localhost:9", "[::1]:8000", "LOCALHOST", "127.0.0.1"):
        assert client.get("/api/v1/watchlist", headers={"Host": host}).status_code == 200, host
    assert Settings.model_fields["server_hosts"].default_factory() == []  # type: ignore[misc,call-arg]
    with pytest.raises(BadInput, match="server_hosts"):
        load_settings(server_hosts=["http://films.lan/"])
    named = create_app(settings.model_copy(update={"server_hosts": ["films.lan"]}))
    with TestClient(named, base_url="http://films.lan:8000") as c:
        assert c.get("/api/v1/facets").status_code == 200
        assert c.get("/api/v1/facets", headers={"Host": "other.lan"}).status_code == 421


# -- 4. uploads refused before their body is read ----------------------------------------------------------
def drive_upload(app: FastAPI, headers: dict[str, str], size: int) -> tuple[int, int]:
    """POST a multipart upload of ``size`` bytes to /api/v1/imports straight through ASGI, the body given
    64 kB at a time; returns the answer's status and how many body bytes the app took."""
    boundary = "rrboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nimdb\r\n--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    total = len(head) + size + len(tail)

    def pieces() -> Iterator[bytes]:
        yield head
        for start in range(0, size, 65_536):
            yield b"x" * min(65_536, size - start)
        yield tail

    body = pieces()
    taken = 0
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal taken
        chunk = next(body, b"")
        taken += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": taken < total}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/v1/imports", "raw_path": b"/api/v1/imports", "query_string": b"", "root_path": "",
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8123),
             "headers": [(b"host", b"127.0.0.1:8123"), (b"content-length", str(total).encode()),
                         (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
                         *[(k.lower().encode(), v.encode()) for k, v in headers.items()]]}
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return status[0], taken


def test_an_upload_without_the_token_is_refused_unread(settings: Settings) -> None:
    app = create_app(settings)
    size = 19_000_000  # under upload_max_mb (20): only the token can refuse it
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        status, taken = drive_upload(app, headers, size)
        assert status == 401 and taken == 0, (headers, taken)
    # With the token the same route reads the upload (a CSV of x's: refused for its content, once read).
    status, taken = drive_upload(app, {"Authorization": f"Bearer {app.state.token}"}, 200_000)
    assert status == 400 and taken > 200_000


# -- 5. the user store busy with another writer ------------------------------------------------------------
@contextlib.contextmanager
def held_write_lock(path: Path) -> Iterator[None]:
    """Another writer in the middle of a transaction on the user store (as an import is)."""
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE profile SET name = name")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_changes_while_another_writer_holds_the_store_answer_503_and_retry_after(
        own_demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_routes, "BUSY_WAIT", 0.05)
    app = create_app(own_demo.model_copy(update={"server_hosts": []}))
    auth = {"Authorization": f"Bearer {app.state.token}"}
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        assert c.put("/api/v1/profile", json={"country": "US"}, headers=auth).status_code == 200
        with held_write_lock(own_demo.users_path):
            for r in (c.put("/api/v1/profile", json={"country": "DE"}, headers=auth),
                      c.post("/api/v1/titles/demo:ballard/actions", json={"action": "seen"}, headers=auth)):
                err = error_of(r, 503)
                assert err["kind"] == "busy" and "try again" in err["message"]
                assert int(r.headers["retry-after"]) > 0
            page = c.post("/title/demo:ballard/action", data={"action": "seen"}, headers=auth)
            assert page.status_code == 503 and "retry-after" in page.headers
            assert c.get("/api/v1/profile").json()["country"] == "US"  # reads go on
        assert c.put("/api/v1/profile", json={"country": "DE"}, headers=auth).json()["country"] == "DE"


def test_the_store_itself_says_busy_not_locked(tmp_path: Path) -> None:
    path = tmp_path / "users.sqlite"
    with UserStore(path) as store:
        store.save_profile(store.profile())
    with UserStore(path, busy_timeout=0.05) as store, held_write_lock(path), pytest.raises(StoreBusy) as info:
        store.save_profile(store.profile())
    assert "users.sqlite is busy" in info.value.message and info.value.http_status == 503


# -- 6. a private user store -------------------------------------------------------------------------------
def test_the_user_store_is_private_to_its_owner(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "users.sqlite"
        with UserStore(path) as store:
            store.save_profile(store.profile())
            files = [p for p in (path, tmp_path / "users.sqlite-wal", tmp_path / "users.sqlite-shm") if p.exists()]
            assert len(files) >= 2  # WAL: the -wal (and -shm) exist while it is open
            for p in files:
                assert oct(os.stat(p).st_mode & 0o777) == "0o600", p
        older = tmp_path / "older.sqlite"
        with UserStore(older):
            pass
        os.chmod(older, 0o644)  # as an earlier version left it
        with UserStore(older):
            assert oct(os.stat(older).st_mode & 0o777) == "0o600"
    finally:
        os.umask(old)


# -- 7. strict JSON ------------------------------------------------------------------------------------
def reject(name: str) -> None:
    raise ValueError(f"not JSON: {name}")


def test_non_finite_numbers_are_sent_as_null(own_demo: Settings) -> None:
    with write_catalog(own_demo.catalog_path, start_from_current=True) as con:
        con.execute("UPDATE score_part SET value = 'NaN'::DOUBLE WHERE title_id = 'demo:ballard' AND source = 'imdb'")
        con.execute("UPDATE chart_entry SET hours = 'inf'::DOUBLE WHERE title_id = 'demo:ballard'")
        con.execute("UPDATE offer SET price = 'NaN'::DOUBLE WHERE title_id = 'demo:ballard'")
    with TestClient(create_app(own_demo), raise_server_exceptions=False) as c:
        card = c.get("/api/v1/titles/demo:ballard")
        where = c.get("/api/v1/titles/demo:ballard/where")
        charts = c.get("/api/v1/charts", params={"platform": "Prime Video"})
    for r in (card, where, charts):
        assert r.status_code == 200, r.text
        json.loads(r.text, parse_constant=reject)
    imdb = [p for p in card.json()["pick"]["scores"] if p["source"] == "IMDb"]
    assert imdb and imdb[0]["value"] is None
    rows = [row for chart in charts.json() for row in chart["rows"] if row["title_id"] == "demo:ballard"]
    assert rows and all(row["hours"] is None for row in rows)
    assert all(o["price"] is None for o in where.json()["offers"])


# -- 8. OPTIONS, UTC offsets, OpenAPI ---------------------------------------------------------------------
def test_options_and_405_name_every_method_of_a_path(client: TestClient) -> None:
    r = client.options("/api/v1/profile")
    assert r.status_code == 204
    assert {"GET", "PUT"} <= {m.strip() for m in r.headers["allow"].split(",")}
    r = client.delete("/api/v1/profile")
    assert r.status_code == 405 and "PUT" in r.headers["allow"] and "PUT" in r.json()["error"]["message"]


def test_interaction_times_carry_their_utc_offset(own_demo: Settings) -> None:
    app = create_app(own_demo)
    with TestClient(app) as c:
        auth = {"Authorization": f"Bearer {app.state.token}"}
        made = c.post("/api/v1/titles/demo:ballard/actions", json={"action": "watchlist"}, headers=auth).json()
        listed = c.get("/api/v1/interactions").json() + c.get("/api/v1/watchlist").json()
    for at in [made["at"], *(i["at"] for i in listed)]:
        assert at.endswith(("Z", "+00:00")), at
        assert datetime.fromisoformat(at).utcoffset() == timedelta(0)


def test_openapi_keeps_success_bodies_and_documents_503(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/titles/{title_id}/actions"]["post"]["responses"]
    assert post["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Interaction"}
    assert post["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "503" in spec["paths"]["/api/v1/profile"]["put"]["responses"]
