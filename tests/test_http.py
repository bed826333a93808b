"""The shared HTTP client against a real server on 127.0.0.1: cache, retries, Retry-After, timeouts,
cut-off bodies, secrets kept out of messages and files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelradar.http import HttpClient, HttpError, HttpNotFound, RateLimiter, retry_after
from reelradar.testing import Request, Response, local_server


def client(tmp_path: Path, **kw: object) -> HttpClient:
    c = HttpClient(tmp_path / "cache", **{"timeout": 2.0, "retries": 2, "backoff": 0.01, **kw})  # type: ignore[arg-type]
    c.sleep = lambda seconds: None  # waits are recorded in c.stats.waits; not sleeping keeps tests fast
    return c


def scripted(*answers: Response):
    """A handler answering requests in order, the last answer repeating."""
    queue = list(answers)

    def handle(_: Request) -> Response:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handle


OK = Response(200, b'{"ok": true}', {"Content-Type": "application/json", "ETag": '"v1"'})


def test_success_is_cached_and_reused_within_max_age(tmp_path: Path) -> None:
    with local_server(scripted(OK)) as (base, seen), client(tmp_path) as c:
        assert c.get(f"{base}/a", max_age=3600).json() == {"ok": True}
        again = c.get(f"{base}/a", max_age=3600)
        assert again.from_cache and again.json() == {"ok": True}
        assert len(seen) == 1 and c.stats.cache_hits == 1


def test_stale_cache_is_revalidated_with_etag_and_304_reuses_the_body(tmp_path: Path) -> None:
    def handle(req: Request) -> Response:
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304)
        return OK

    with local_server(handle) as (base, seen), client(tmp_path) as c:
        c.get(f"{base}/a")
        second = c.get(f"{base}/a")  # max_age 0: ask again, with the validator
        assert second.json() == {"ok": True}
        assert seen[1].headers["if-none-match"] == '"v1"' and c.stats.revalidated == 1


def test_429_waits_as_retry_after_says_then_succeeds(tmp_path: Path) -> None:
    busy = Response(429, b'{"status_code": 25}', {"Retry-After": "3"})
    with local_server(scripted(busy, OK)) as (base, seen), client(tmp_path) as c:
        assert c.get(f"{base}/a").json() == {"ok": True}
        assert c.stats.waits == [3.0] and len(seen) == 2


def test_retry_after_longer_than_allowed_gives_up_retryable(tmp_path: Path) -> None:
    busy = Response(429, b"", {"Retry-After": "3600"})
    with local_server(scripted(busy)) as (base, seen), client(tmp_path, max_retry_wait=60) as c:
        with pytest.raises(HttpError) as err:
            c.get(f"{base}/a")
        assert err.value.retryable and err.value.status == 429 and "3600" in err.value.message
        assert len(seen) == 1


def test_500_is_retried_with_growing_backoff_and_then_fails(tmp_path: Path) -> None:
    with local_server(scripted(Response(500, b"oops"))) as (base, seen), client(tmp_path, retries=3) as c, \
            pytest.raises(HttpError) as err:
        c.get(f"{base}/a")
    assert err.value.retryable and err.value.status == 500 and "gave up after 4 attempts" in err.value.message
    assert len(seen) == 4
    waits = c.stats.waits
    assert len(waits) == 3 and waits[0] < waits[1] < waits[2]  # doubling (jitter stays within ±25%)


def test_500_then_success_recovers(tmp_path: Path) -> None:
    with local_server(scripted(Response(503, b""), OK)) as (base, _), client(tmp_path) as c:
        assert c.get(f"{base}/a").json() == {"ok": True} and c.stats.retries == 1


def test_401_and_404_are_not_retried(tmp_path: Path) -> None:
    def handle(req: Request) -> Response:
        return Response(401, b'{"status_code": 7}') if req.path.startswith("/auth") else Response(404, b"{}")

    with local_server(handle) as (base, seen), client(tmp_path) as c:
        with pytest.raises(HttpError) as err:
            c.get(f"{base}/auth")
        assert err.value.status == 401 and not err.value.retryable
        with pytest.raises(HttpNotFound):
            c.get(f"{base}/missing")
        assert len(seen) == 2


def test_timeout_is_retried_then_reported(tmp_path: Path) -> None:
    with local_server(scripted(Response(200, b"{}", delay=1.5))) as (base, seen), \
            client(tmp_path, timeout=0.2, retries=1) as c, pytest.raises(HttpError) as err:
        c.get(f"{base}/slow")
    assert "timed out" in err.value.message and err.value.retryable and len(seen) == 2


def test_truncated_body_is_retried_and_never_cached(tmp_path: Path) -> None:
    body = json.dumps({"results": list(range(200))}).encode()
    cut = Response(200, body, {"Content-Type": "application/json"}, truncate_to=40)
    with local_server(scripted(cut, Response(200, body))) as (base, seen), client(tmp_path) as c:
        assert len(c.get(f"{base}/list").json()["results"]) == 200
        assert len(seen) == 2 and c.stats.retries == 1
    with local_server(scripted(cut)) as (base, _), client(tmp_path / "other", retries=1) as c:
        with pytest.raises(HttpError) as err:
            c.get(f"{base}/list")
        assert err.value.retryable
        assert not list((tmp_path / "other").rglob("*.body"))


def test_secrets_stay_out_of_messages_and_cache_files(tmp_path: Path) -> None:
    secret = "s3cr3t-key-value"
    with local_server(scripted(OK, Response(500, b""))) as (base, seen), client(tmp_path, secrets=[secret], retries=0) as c:
        c.get(f"{base}/a", params={"api_key": secret})
        assert secret in seen[0].path  # it was sent...
        with pytest.raises(HttpError) as err:
            c.get(f"{base}/b", params={"api_key": secret})
        assert secret not in err.value.message and "***" in err.value.message  # ...and never shown
    for f in (tmp_path / "cache").rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes()


def test_user_agent_names_reelradar_and_the_contact(tmp_path: Path) -> None:
    with local_server(scripted(OK)) as (base, seen), client(tmp_path, contact="ops@example.org") as c:
        c.get(f"{base}/a")
    agent = seen[0].headers["user-agent"]
    assert agent.startswith("reelradar/") and "ops@example.org" in agent


def test_rate_limiter_books_evenly_spaced_slots() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(round(s, 6))
        now[0] += s

    limiter = RateLimiter(50.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert slept == [0.02, 0.02, 0.02, 0.02]  # 50 per second: 20 ms apart, the first at once
    now[0] += 1.0  # idle time is not banked into a burst beyond the next slot
    limiter.wait()
    assert len(slept) == 4


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("soon") is None and retry_after(None) is None
