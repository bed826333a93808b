"""The API's picks narrowed to services say how many titles they could check, and follow the profile
when asked, as the CLI and the web page do."""

from __future__ import annotations

from fastapi.testclient import TestClient

from reelradar.api import create_app
from reelradar.config import Settings


def test_picks_for_services_count_what_they_checked_and_follow_the_profile(own_demo: Settings) -> None:
    app = create_app(own_demo)
    with TestClient(app) as c:
        plain = c.get("/api/v1/picks", params={"mode": "top"}).json()
        assert plain.get("services") is None and plain["items"]
        r = c.get("/api/v1/picks", params={"mode": "top", "service": "Prime Video", "country": "US"})
        body = r.json()
        assert r.status_code == 200 and body["services"]["checked"] > 0, body.get("services")
        assert body["notes"] and "Prime Video" in body["notes"][0]
        # titles of unknown availability are kept and marked, none known only elsewhere is listed
        assert {p["availability"]["status"] for p in body["items"]} <= {"yours", "unknown"}
        # the profile's services, once stored, narrow the list only when asked for
        auth = {"Authorization": f"Bearer {app.state.token}"}
        assert c.put("/api/v1/profile", json={"country": "US", "services": ["Netflix"]}, headers=auth).status_code == 200
        mine = c.get("/api/v1/picks", params={"mode": "top", "profile": "true"})
        assert mine.json()["services"] is not None and "Netflix" in mine.json()["notes"][0]
        assert c.get("/api/v1/picks", params={"mode": "top"}).json().get("services") is None
        # a copy kept before the profile changed is not taken for the new answer
        tag = mine.headers["etag"]
        assert c.put("/api/v1/profile", json={"country": "US", "services": ["Prime Video"]}, headers=auth).status_code == 200
        again = c.get("/api/v1/picks", params={"mode": "top", "profile": "true"}, headers={"If-None-Match": tag})
        assert again.status_code == 200 and again.headers["etag"] != tag and "Prime Video" in again.json()["notes"][0]
        hot = c.get("/api/v1/picks", params={"mode": "hot", "profile": "true"})
        assert hot.status_code == 200
