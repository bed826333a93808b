"""A miss of an import is fixed from the web page, as from the CLI: the profile page lists the records
no title counts yet (possible matches first), and each can be linked to a title or marked as none."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from reelradar.api import create_app
from reelradar.api.security import csrf_for
from reelradar.cli import app
from reelradar.config import Settings
from reelradar.users.store import UserStore

DATA = Path(__file__).parent / "data" / "imports"
HTML = {"Accept": "text/html"}


def said(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_records_to_check_are_fixed_from_the_profile_page(own_demo: Settings) -> None:
    done = CliRunner().invoke(app, ["--data-dir", str(own_demo.data_dir), "import", "letterboxd",
                                    str(DATA / "letterboxd-filmfan-2024-07-01-10-00-utc.zip")])
    assert done.exit_code == 0, done.output
    application = create_app(own_demo)
    with TestClient(application, raise_server_exceptions=False) as c:
        token = application.state.token
        assert c.post("/unlock", data={"token": token, "next": "/"}, follow_redirects=False).status_code == 303
        csrf = csrf_for(token)
        page = c.get("/profile", headers=HTML).text
        text = said(page)
        assert "2 records of your history count for no title yet" in text
        hamlet = re.search(r'<li id="record-(\d+)"><strong>Hamlet', page)
        missing = re.search(r'<li id="record-(\d+)"><strong>A Film That Does Not Exist \(2020\)', page)
        assert hamlet and missing
        assert page.index(hamlet.group(0)) < page.index(missing.group(0))  # possible matches first
        assert "to confirm: ambiguous" in text and "Yes, it is Hamlet" in text

        # no CSRF token: refused, nothing changed
        refused = c.post(f"/records/{missing.group(1)}/link", data={"title": "The Godfather"})
        assert refused.status_code == 403
        linked = c.post(f"/records/{missing.group(1)}/link", data={"title": "The Godfather", "csrf": csrf},
                        follow_redirects=False)
        assert linked.status_code == 303 and linked.headers["location"].startswith("/profile?done=")
        after = said(c.get(linked.headers["location"], headers=HTML).text)
        assert "is now linked to The Godfather (1972)" in after and "1 record of your history" in after
        unlinked = c.post(f"/records/{hamlet.group(1)}/unlink", data={"csrf": csrf}, follow_redirects=False)
        assert unlinked.status_code == 303
        final = said(c.get(unlinked.headers["location"], headers=HTML).text)
        assert "is marked as no catalog title" in final and "Every record of your history counts" in final
        unknown = c.post("/records/999999/unlink", data={"csrf": csrf})
        assert unknown.status_code == 404 and "no record #999999" in said(unknown.text)
    with UserStore(own_demo.users_path) as store:
        assert store.item(int(missing.group(1))).override_title_id == "tt0068646"
        assert store.item(int(hamlet.group(1))).override == "unlink"


def test_a_netflix_viewing_history_and_a_windows_1252_export_upload_from_the_web(own_demo: Settings) -> None:
    application = create_app(own_demo)
    wild = DATA / "wild"
    with TestClient(application, raise_server_exceptions=False) as c:
        token = application.state.token
        assert "Netflix viewing activity (CSV)" in c.get("/profile", headers=HTML).text
        auth = {"Authorization": f"Bearer {token}"}
        netflix = c.post("/api/v1/imports", headers=auth, data={"kind": "netflix"},
                         files={"file": ("NetflixViewingHistory.csv", (wild / "NetflixViewingHistory.csv").read_bytes())})
        assert netflix.status_code == 201, netflix.text
        assert netflix.json()["counts"]["rows"] > 0
        c.post("/unlock", data={"token": token, "next": "/"}, follow_redirects=False)
        imdb = c.post("/imports", data={"kind": "imdb", "csrf": csrf_for(token)}, headers={"HX-Request": "true"},
                      files={"file": ("ratings.csv", (wild / "imdb_ratings_2019_windows1252.csv").read_bytes())})
    assert imdb.status_code == 200, imdb.text
    assert "read as Windows-1252 text (it is not UTF-8)." in said(imdb.text)
