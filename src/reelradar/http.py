"""One HTTP client for every online source: an on-disk cache, retries with backoff that honour
``Retry-After``, a request rate per host, timeouts, a descriptive User-Agent, and secrets that never
reach a log line, an error message or a cache file.

The cache keeps successful answers under ``<cache_dir>/http/<host>/``. An answer younger than the
``max_age`` a caller asks for is reused without a request; an older one is revalidated with its
``ETag`` / ``Last-Modified`` when the server gave them (a 304 reuses the stored body).

A host that cannot be reached at all (its name does not resolve, the connection is refused or none
opens within ``CONNECT_TIMEOUT``) is tried ``CONNECT_RETRIES`` more time after a short wait and then
reported as ``Unreachable``: when the network is down, backing off for a minute only delays the news.
Answers that say "later" (429, 5xx) and reads that time out keep the full retries with backoff.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from reelradar import __version__
from reelradar.errors import NotFound, SourceFailure, Unreachable

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
CONNECT_RETRIES = 1  # one quick second try of a host that did not answer at all (a blip, not an outage)
CONNECT_RETRY_WAIT = 0.5  # seconds, at most, before that second try
CONNECT_TIMEOUT = 10.0  # seconds, at most, for a connection to open (the whole request has http_timeout)
_SECRETS: set[str] = set()  # every secret a client was given, kept out of every log line


class _Redact(logging.Filter):
    """httpx logs each request's full URL (with an ``api_key`` query parameter) at INFO: redact it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            text = record.getMessage()
            if any(secret in text for secret in _SECRETS):
                for secret in _SECRETS:
                    text = text.replace(secret, "***")
                record.msg, record.args = text, ()
        return True


for _name in ("httpx", "httpcore", __name__):
    logging.getLogger(_name).addFilter(_Redact())


class HttpError(SourceFailure):
    """An HTTP answer that is not a success; ``status`` is its code (0 when none came)."""

    def __init__(self, message: str, *, status: int, retryable: bool) -> None:
        super().__init__(message, retryable=retryable)
        self.status = status


class HttpNotFound(NotFound):
    """The server answered 404 for this URL."""


@dataclass
class HttpStats:
    """What a client did: requests sent (retries included), answers from the cache, waits."""

    requests: int = 0
    cache_hits: int = 0
    revalidated: int = 0
    retries: int = 0
    bytes: int = 0
    waits: list[float] = field(default_factory=list)  # seconds slept before each retry
    by_host: dict[str, int] = field(default_factory=dict)


@dataclass
class Answer:
    """A successful answer: its body, headers (lower-case names), and when it was fetched."""

    url: str  # redacted
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    from_cache: bool = False

    def json(self) -> Any:
        """The body as JSON; a body that is not (a cut-off download) is a retryable source failure."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceFailure(f"{self.url} answered with invalid JSON ({exc.__class__.__name__}: {exc})",
                                retryable=True) from None


class RateLimiter:
    """At most ``rate`` requests per second for one host, spaced evenly.

    Slots are booked on a schedule (not "sleep after each request"), so time spent handling an answer
    overlaps the wait for the next slot.
    """

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self.sleep(slot - now)


def unreachable(host: str, exc: httpx.TransportError) -> Unreachable:
    """The ``Unreachable`` failure for a connection to ``host`` that never opened, its reason in words."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return Unreachable(host, "its name does not resolve: offline?")
        if isinstance(cause, ConnectionRefusedError):
            return Unreachable(host, "connection refused")
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.TimeoutException):
        return Unreachable(host, "no connection opened in time: offline?")
    return Unreachable(host, "no connection: offline?")


def connect_timeout(timeout: float) -> httpx.Timeout:
    """``timeout`` for the whole of a request, of which at most ``CONNECT_TIMEOUT`` for the connection."""
    return httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT))


def user_agent(contact: str | None = None) -> str:
    """A User-Agent naming reelradar, its version and, when given, a contact (Wikimedia asks for one)."""
    base = f"reelradar/{__version__} (what-to-watch engine; python-httpx/{httpx.__version__})"
    return f"{base} {contact}" if contact else base


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class HttpClient:
    """The shared HTTP client. Create one per update and close it (or use it as a context manager)."""

    def __init__(
        self,
        cache_dir: Path | None,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_retry_wait: float = 120.0,
        rate_limits: Mapping[str, float] | None = None,
        secrets: list[str] | None = None,
        contact: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache_dir = cache_dir / "http" if cache_dir else None
        self.retries, self.backoff, self.max_retry_wait = retries, backoff, max_retry_wait
        self.secrets = [s for s in (secrets or []) if s]
        _SECRETS.update(self.secrets)
        self.sleep = sleep
        self.stats = HttpStats()
        self._limiters = {host: RateLimiter(rate) for host, rate in (rate_limits or {}).items()}
        self._client = httpx.Client(
            timeout=connect_timeout(timeout), headers={"User-Agent": user_agent(contact)},
            follow_redirects=True, transport=transport,
        )

    def __enter__(self) -> HttpClient:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    # -- requests -------------------------------------------------------------------------------
    def get(self, url: str, *, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
            max_age: float = 0.0, cache: bool = True) -> Answer:
        """GET ``url``; reuse a cached answer younger than ``max_age`` seconds (``cache=False``: never
        read or write the cache)."""
        return self.request("GET", url, params=params, headers=headers, max_age=max_age, cache=cache)

    def post_form(self, url: str, form: Mapping[str, str], *, headers: Mapping[str, str] | None = None,
                  max_age: float = 0.0, cache: bool = True) -> Answer:
        """POST a form (a long SPARQL query) with the same cache, retries and rate limit as GET."""
        return self.request("POST", url, data=form, headers=headers, max_age=max_age, cache=cache)

    def request(self, method: str, url: str, *, params: Mapping[str, Any] | None = None,
                data: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                max_age: float = 0.0, cache: bool = True) -> Answer:
        full = url + ("?" + urlencode(sorted((k, str(v)) for k, v in params.items())) if params else "")
        shown = self.redact(full)
        host = urlsplit(url).netloc
        body_key = urlencode(sorted(data.items())) if data else ""
        key = hashlib.sha256(f"{method} {shown} {self.redact(body_key)}".encode()).hexdigest()
        stored = self._cache_read(host, key) if cache and self.cache_dir else None
        if stored is not None and max_age > 0 and time.time() - stored.fetched_at.timestamp() < max_age:
            self.stats.cache_hits += 1
            return stored
        extra = dict(headers or {})
        if stored is not None:
            if stored.headers.get("etag"):
                extra["If-None-Match"] = stored.headers["etag"]
            if stored.headers.get("last-modified"):
                extra["If-Modified-Since"] = stored.headers["last-modified"]
        attempt = connect_failures = 0
        while True:
            wait: float | None = None
            try:
                response = self._send(method, url, host, params, data, extra)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # the connection never opened: one quick second try, then say so (no backoff)
                if connect_failures >= CONNECT_RETRIES:
                    raise unreachable(host, exc) from None
                connect_failures += 1
                self.stats.retries += 1
                self.stats.waits.append(wait := min(self.backoff, CONNECT_RETRY_WAIT))
                log.info("retrying %s in %.1f s (no connection)", shown, wait)
                self.sleep(wait)
                continue
            except httpx.TimeoutException:
                problem, status, wait = f"{shown} timed out", 0, None
            except httpx.TransportError as exc:
                # a body cut short (Content-Length not met) or a dropped connection
                problem, status = f"{shown} failed: {self.redact(str(exc) or type(exc).__name__)}", 0
            else:
                if response.status_code == 304 and stored is not None:
                    self.stats.revalidated += 1
                    stored.fetched_at = datetime.now(UTC)
                    self._cache_write(host, key, stored)
                    return stored
                if response.status_code < 300:
                    answer = Answer(shown, response.status_code, {k.lower(): v for k, v in response.headers.items()},
                                    response.content, datetime.now(UTC))
                    if cache and self.cache_dir:
                        self._cache_write(host, key, answer)
                    return answer
                status = response.status_code
                problem = f"{shown} answered {status} {response.reason_phrase}".rstrip()
                if status == 404:
                    raise HttpNotFound(problem)
                if status not in RETRY_STATUSES:
                    raise HttpError(problem, status=status, retryable=False)
                wait = retry_after(response.headers.get("retry-after"))
            if attempt >= self.retries:
                raise HttpError(f"{problem} (gave up after {attempt + 1} attempts)", status=status, retryable=True)
            if wait is None:
                wait = self.backoff * (2 ** attempt) * (0.75 + random.random() / 2)  # jitter: clients do not align
            if wait > self.max_retry_wait:
                raise HttpError(f"{problem}; asked to wait {wait:.0f} s, more than http_max_retry_wait",
                                status=status, retryable=True)
            attempt += 1
            self.stats.retries += 1
            self.stats.waits.append(wait)
            log.info("retrying %s in %.1f s (%s)", shown, wait, problem)
            self.sleep(wait)

    def _send(self, method: str, url: str, host: str, params: Mapping[str, Any] | None,
              data: Mapping[str, str] | None, headers: Mapping[str, str]) -> httpx.Response:
        limiter = self._limiters.get(host) or self._limiters.get("*")
        if limiter is not None:
            limiter.wait()
        self.stats.requests += 1
        self.stats.by_host[host] = self.stats.by_host.get(host, 0) + 1
        response = self._client.request(method, url, params=dict(params) if params else None, data=data,
                                        headers=headers)
        self.stats.bytes += len(response.content)
        return response

    # -- cache ----------------------------------------------------------------------------------
    def _paths(self, host: str, key: str) -> tuple[Path, Path]:
        assert self.cache_dir is not None
        folder = self.cache_dir / host.replace(":", "_") / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def _cache_read(self, host: str, key: str) -> Answer | None:
        body_path, meta_path = self._paths(host, key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if len(body) != meta.get("length"):
            return None  # a torn write: ask again
        return Answer(meta["url"], meta["status"], meta["headers"], body,
                      datetime.fromisoformat(meta["fetched_at"]), from_cache=True)

    def _cache_write(self, host: str, key: str, answer: Answer) -> None:
        body_path, meta_path = self._paths(host, key)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        keep = {k: v for k, v in answer.headers.items() if k in ("etag", "last-modified", "content-type")}
        meta = {"url": answer.url, "status": answer.status, "headers": keep, "length": len(answer.body),
                "fetched_at": answer.fetched_at.isoformat()}
        for path, payload in ((body_path, answer.body), (meta_path, json.dumps(meta).encode())):
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(payload)
            tmp.replace(path)


def client_for(settings: Any, *, rate_limits: Mapping[str, float] | None = None,
               secrets: list[str] | None = None, timeout: float | None = None,
               transport: httpx.BaseTransport | None = None) -> HttpClient:
    """An ``HttpClient`` configured from ``Settings`` (cache folder, timeouts, retries, contact)."""
    return HttpClient(
        settings.cache_dir, timeout=timeout or settings.http_timeout, retries=settings.http_retries,
        backoff=settings.http_backoff, max_retry_wait=settings.http_max_retry_wait, rate_limits=rate_limits,
        secrets=secrets, contact=settings.http_contact, transport=transport,
    )


def host_of(url: str) -> str:
    """The ``host[:port]`` part of a URL, the key of per-host rate limits."""
    return urlsplit(url).netloc
