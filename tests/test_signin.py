"""The address `reelradar serve` prints signs a browser in once; state changes keep their CSRF checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reelradar.api import create_app
from reelradar.api.security import COOKIE, SigninCodes, csrf_for
from reelradar.api.server import welcome
from reelradar.config import Settings

ACTION = "/title/demo:ballard/action"


@pytest.fixture
def served(own_demo: Settings) -> Iterator[tuple[TestClient, SigninCodes, str]]:
    application = create_app(own_demo)
    with TestClient(application, raise_server_exceptions=False) as c:
        yield c, application.state.signin, application.state.token


def test_the_printed_address_signs_the_browser_in_and_leaves_the_address_bar(
        served: tuple[TestClient, SigninCodes, str]) -> None:
    c, codes, token = served
    code = codes.issue()
    assert code != token and code not in token
    r = c.get(f"/signin/{code}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    # Signed in: the page carries the CSRF token, and a change with it works.
    page = c.get("/title/demo:ballard").text
    assert csrf_for(token) in page
    r = c.post(ACTION, data={"action": "watchlist", "csrf": csrf_for(token)}, follow_redirects=False)
    assert r.status_code in (200, 303)
    # The CSRF checks are those of /unlock: from another site, or without the page's token, refused.
    r = c.post(ACTION, data={"action": "seen", "csrf": csrf_for(token)}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    assert c.post(ACTION, data={"action": "seen", "csrf": "forged"}).status_code == 403


def test_a_used_wrong_or_late_code_gets_a_plain_page_and_no_cookie(
        served: tuple[TestClient, SigninCodes, str]) -> None:
    c, codes, _ = served
    code = codes.issue()
    assert c.get(f"/signin/{code}", follow_redirects=False).status_code == 303
    c.cookies.clear()
    for tried in (code, "not-a-code", "x" * 200):
        r = c.get(f"/signin/{tried}", follow_redirects=False)
        assert r.status_code == 401, tried
        assert "set-cookie" not in r.headers
        assert "This sign-in link has been used, has expired" in r.text
        assert 'action="/unlock"' in r.text  # the token still works from here
    assert c.post(ACTION, data={"action": "seen", "csrf": "x"}).status_code == 401
    # A code past its minutes is refused, and a new code replaces the one before.
    now = [0.0]
    late = SigninCodes(minutes=1, clock=lambda: now[0])
    first, second = late.issue(), late.issue()
    assert not late.redeem(first)
    now[0] = 61.0
    assert not late.redeem(second)


def test_unlock_with_the_token_still_works_for_a_second_browser(
        served: tuple[TestClient, SigninCodes, str]) -> None:
    c, _, token = served
    r = c.post("/unlock", data={"token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303 and COOKIE in r.headers["set-cookie"]


def test_serve_prints_one_address_and_never_the_token(tmp_path: Path) -> None:
    token_file = tmp_path / "api-token"
    for host, shown in (("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::1", "[::1]")):
        for created in (True, False):
            text = "\n".join(welcome(host, 8123, "CODE123", token_file, token_created=created))
            assert re.findall(r"https?://\S+", text) == [f"http://{shown}:8123/signin/CODE123"]
            assert str(token_file) in text
