"""The person's data through the API and the web forms: the token, CSRF, uploads, imports."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reelradar.api import create_app
from reelradar.api.security import csrf_for
from reelradar.config import Settings
from reelradar.users.store import UserStore

DATA = Path(__file__).parent / "data"


@pytest.fixture
def app_client(own_demo: Settings) -> Iterator[tuple[TestClient, str]]:
    app = create_app(own_demo)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c, app.state.token


def letterboxd_zip(rows: list[tuple[str, str, int, str]]) -> bytes:
    """A Letterboxd export in its real layout: ratings.csv with Date,Name,Year,Letterboxd URI,Rating."""
    lines = ["Date,Name,Year,Letterboxd URI,Rating"]
    lines += [f"{d},{n},{y},https://boxd.it/{i},{r}" for i, (d, n, y, r) in enumerate(rows)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ratings.csv", "\n".join(lines) + "\n")
    return buf.getvalue()


def test_changes_need_the_token_and_a_wrong_one_is_refused(app_client: tuple[TestClient, str],
                                                           own_demo: Settings) -> None:
    c, token = app_client
    assert c.put("/api/v1/profile", json={"country": "US"}).status_code == 401
    r = c.put("/api/v1/profile", json={"country": "US"}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["error"]["kind"] == "unauthorized"
    r = c.put("/api/v1/profile", json={"country": "us", "services": ["Prime Video"]},
              headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["country"] == "US"
    assert c.get("/api/v1/profile").json()["services"] == ["Prime Video"]
    with UserStore(own_demo.users_path) as store:
        assert store.profile().country == "US"


def test_watchlist_buttons_record_and_undo(app_client: tuple[TestClient, str]) -> None:
    c, token = app_client
    auth = {"Authorization": f"Bearer {token}"}
    assert c.post("/api/v1/titles/demo:ballard/actions", json={"action": "watchlist"}).status_code == 401
    r = c.post("/api/v1/titles/demo:ballard/actions", json={"action": "watchlist"}, headers=auth)
    assert r.status_code == 201
    assert [i["title_id"] for i in c.get("/api/v1/watchlist").json()] == ["demo:ballard"]
    assert c.post("/api/v1/titles/nope/actions", json={"action": "seen"}, headers=auth).status_code == 404
    assert c.post("/api/v1/titles/demo:ballard/actions", json={"action": "bake"}, headers=auth).status_code == 422
    assert c.delete("/api/v1/titles/demo:ballard/actions/watchlist", headers=auth).json() == {"removed": 1}
    assert c.get("/api/v1/watchlist").json() == []


def test_browser_changes_need_the_unlock_cookie_and_the_csrf_token(app_client: tuple[TestClient, str]) -> None:
    c, token = app_client
    form = {"action": "seen"}
    assert c.post("/title/demo:ballard/action", data=form, headers={"HX-Request": "true"}).status_code == 401
    assert c.post("/unlock", data={"token": "wrong", "next": "/"}, follow_redirects=False).status_code == 401
    r = c.post("/unlock", data={"token": token, "next": "/title/demo:ballard"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/title/demo:ballard"
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
    # Unlocked, but without the page's CSRF token: refused (another site could send the cookie).
    assert c.post("/title/demo:ballard/action", data=form).status_code == 403
    assert c.post("/title/demo:ballard/action", data={**form, "csrf": "forged"}).status_code == 403
    # From another origin, even with the CSRF token: refused.
    r = c.post("/title/demo:ballard/action", data={**form, "csrf": csrf_for(token)},
               headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    # The page's own form: accepted, and the page shows the new state.
    page = c.get("/profile").text
    assert csrf_for(token) in page
    r = c.post("/title/demo:ballard/action", data={**form, "csrf": csrf_for(token)}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "Seen" in r.text
    assert "watched" in {i["action"] for i in c.get("/api/v1/interactions").json()}


def test_import_a_letterboxd_zip_gives_the_match_report(app_client: tuple[TestClient, str]) -> None:
    c, token = app_client
    data = letterboxd_zip([("2024-05-01", "The Godfather", 1972, "4.5"), ("2024-05-02", "No Such Film Zzqx", 1999, "3")])
    r = c.post("/api/v1/imports", data={"kind": "letterboxd"}, files={"file": ("my export.zip", data)},
               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["counts"]["rows"] == 2 and report["counts"]["strong"] == 1
    assert {row["title_id"] for row in report["rows"]} == {"tt0068646", None}
    assert report["path"] == "my_export.zip" and "/tmp" not in r.text  # no server paths in the answer


def test_web_import_shows_the_report(app_client: tuple[TestClient, str]) -> None:
    c, token = app_client
    c.post("/unlock", data={"token": token, "next": "/profile"})
    data = letterboxd_zip([("2024-05-01", "The Godfather", 1972, "4.5"), ("2024-05-02", "<b>Nope</b> Zzqx", 1999, "3")])
    r = c.post("/imports", data={"kind": "letterboxd", "csrf": csrf_for(token)},
               files={"file": ("lb.zip", data)}, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    assert "Import report" in r.text and "1 matched" in r.text and "1 not matched" in r.text
    assert "&lt;b&gt;Nope&lt;/b&gt;" in r.text and "<b>Nope</b>" not in r.text


def test_a_bad_export_is_one_clear_line_and_changes_nothing(app_client: tuple[TestClient, str],
                                                            own_demo: Settings) -> None:
    c, token = app_client
    r = c.post("/api/v1/imports", data={"kind": "letterboxd"}, files={"file": ("lb.zip", b"not a zip at all")},
               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400 and r.json()["error"]["kind"] == "bad_input"
    assert r.json()["error"]["message"].startswith("lb.zip: ")
    with UserStore(own_demo.users_path) as store:
        assert store.interactions() == []


def test_uploads_over_the_limit_are_refused_while_read(own_demo: Settings) -> None:
    settings = own_demo.model_copy(update={"upload_max_mb": 0.01})  # 10 kB
    app = create_app(settings)
    big = letterboxd_zip([("2024-05-01", f"Film {i}", 2000, "3") for i in range(2000)])
    assert len(big) > 10_000
    auth = {"Authorization": f"Bearer {app.state.token}"}
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/imports", data={"kind": "letterboxd"}, files={"file": ("lb.zip", big)}, headers=auth)
        assert r.status_code == 413 and r.json()["error"]["kind"] == "too_large"

        # Without a Content-Length (chunked), the body is counted as it arrives and cut off.
        def chunks() -> Iterator[bytes]:
            for i in range(0, 40_000, 4_000):
                yield b"x" * 4_000

        r = c.post("/api/v1/imports", content=chunks(), headers={**auth, "Content-Type": "multipart/form-data; boundary=zz"})
        assert r.status_code == 413 and r.json()["error"]["kind"] == "too_large"
    with UserStore(settings.users_path) as store:
        assert store.interactions() == []


def test_the_profile_route_checks_country_and_services_as_the_cli_does(app_client: tuple[TestClient, str],
                                                                       own_demo: Settings) -> None:
    c, token = app_client
    auth = {"Authorization": f"Bearer {token}"}
    r = c.put("/api/v1/profile", json={"country": "XX", "services": ["Netflix"]}, headers=auth)
    assert r.status_code == 400 and "is not a country" in r.json()["error"]["message"]
    r = c.put("/api/v1/profile", json={"country": "US", "services": ["Netflx"]}, headers=auth)
    assert r.status_code == 400 and "did you mean Netflix?" in r.json()["error"]["message"]
    with UserStore(own_demo.users_path) as store:  # nothing of a refused profile was kept
        assert store.profile().services == []
    r = c.put("/api/v1/profile", json={"country": "us", "services": ["prime video", " ", "Netflix"]}, headers=auth)
    assert r.status_code == 200 and r.json()["services"] == ["Prime Video", "Netflix"]
