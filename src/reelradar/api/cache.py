"""Answers computed from the catalog alone, kept in memory while the catalog file stays the same.

The catalog only changes by being swapped whole, so an answer keyed by (catalog version, question) is
valid until the next swap; the version changes with the file and old entries age out. Answers that
depend on the person's own data are never kept here.

The cache is bounded twice: by its number of entries (``serve_cache_entries``) and by the bytes they
hold (``serve_cache_mb``: a JSON body counts its length, a rendered part or a list of objects an
estimate of the memory it takes); the least recently used entries go first. An answer larger than the
whole bound is sent but not kept. Keys are made of a route's own, validated parameters: the API
refuses parameters a route does not take (``api/guards.py``), so no query string makes new entries
for an answer already kept.

New answers are computed through a gate (``ComputeGate``): at most one per core at a time, a few more
waiting, and past that the request is answered at once with 503 "busy" and Retry-After. Fifty clients
asking for distinct uncached title pages (a web page's ``<img>`` tags can) once had forty threads
computing together: the answers kept in the cache then took 0.5-1.8 s instead of 4 ms, as every thread
fought for the interpreter.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from reelradar.api.deps import Page, PageParams
from reelradar.api.jsonenc import encode
from reelradar.errors import Busy

T = TypeVar("T")

ENTRY_OVERHEAD = 200  # bytes of bookkeeping per entry (key tuple, map slot), roughly
MAX_WALK = 200_000  # objects looked at when weighing one value; past that the estimate stops growing


def weigh(value: Any) -> int:
    """About how many bytes ``value`` keeps alive: its length for bytes and text, else the sizes of
    the objects reachable through containers, dataclasses and models (each counted once)."""
    if isinstance(value, bytes | bytearray | str):
        return len(value)
    seen: set[int] = set()
    stack = [value]
    total = 0
    while stack and len(seen) < MAX_WALK:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj, 64)
        if isinstance(obj, str | bytes | bytearray | int | float | bool) or obj is None:
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        else:
            if hasattr(obj, "__dict__"):
                stack.append(vars(obj))
            stack.extend(getattr(obj, s) for s in getattr(type(obj), "__slots__", ()) if hasattr(obj, s))
    return total


class ResultCache:
    """A thread-safe least-recently-used map bounded by entries (``size``) and bytes (``max_bytes``);
    either 0 keeps nothing."""

    def __init__(self, size: int, max_bytes: int | None = None) -> None:
        self.size = size
        self.max_bytes = 64_000_000 if max_bytes is None else max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.size > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Any:
        """The value kept for ``key``, or None."""
        if not self.enabled:
            return None
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
            self.misses += 1
            return None

    def put(self, key: Hashable, value: Any, nbytes: int | None = None) -> None:
        """Keep ``value`` (weighing ``nbytes``, estimated when not given), then drop the least
        recently used entries until both bounds hold. A value over the byte bound alone is not kept."""
        if not self.enabled:
            return
        cost = (weigh(value) if nbytes is None else nbytes) + ENTRY_OVERHEAD
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            if cost > self.max_bytes:
                return
            self._items[key] = (value, cost)
            self.bytes += cost
            while len(self._items) > self.size or self.bytes > self.max_bytes:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        if not self.enabled:
            return compute()
        value = self.get(key)
        if value is None:
            # Computed outside the lock: two requests for the same new key may both compute it, which
            # is cheaper than making every other request wait.
            value = compute()
            self.put(key, value)
        return value  # type: ignore[no-any-return]


class ServerBusy(Busy):
    """More answers are being computed than the server takes on at once: nothing was done, ask again."""


class ComputeGate:
    """At most ``workers`` computations at once and ``waiting`` more in line; any other is refused."""

    def __init__(self, workers: int, waiting: int) -> None:
        self.workers, self.waiting = workers, waiting
        self._slots = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()
        self._in = 0  # computing or waiting

    def run(self, compute: Callable[[], T]) -> T:
        with self._lock:
            if self._in >= self.workers + self.waiting:
                raise ServerBusy(f"the server is computing {self._in} other answers: try again in a few seconds")
            self._in += 1
        try:
            with self._slots:
                return compute()
        finally:
            with self._lock:
                self._in -= 1


def gated(request: Request, compute: Callable[[], T]) -> Callable[[], T]:
    """``compute`` through the app's gate (as it is when the app has none)."""
    gate: ComputeGate | None = getattr(request.app.state, "gate", None)
    return compute if gate is None else (lambda: gate.run(compute))


def memo(request: Request, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()`` for this catalog version and ``key``, from the cache when it was asked before.
    Only for answers that depend on the catalog and ``key`` alone."""
    cache: ResultCache = request.app.state.cache
    version = getattr(request.state, "catalog_version", None)
    if version is None:
        return gated(request, compute)()
    return cache.get_or_compute((version, *key), gated(request, compute))


async def memo_async(request: Request, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """Like ``memo``, for coroutine routes: a kept answer without leaving the event loop, a new one
    computed in a worker thread."""
    cache: ResultCache = request.app.state.cache
    full = (request.state.catalog_version, *key)
    value = cache.get(full)
    if value is None:
        value = await run_in_threadpool(gated(request, compute))
        cache.put(full, value)
    return value  # type: ignore[no-any-return]


def query_key(request: Request, leave_out: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """The request's query parameters in a fixed order (those in ``leave_out`` left out)."""
    return tuple(sorted((k, v) for k, v in request.query_params.multi_items() if k not in leave_out))


async def cached_body(request: Request, key: tuple[Hashable, ...], compute: Callable[[], Any]) -> bytes:
    """The JSON body of ``compute()``, encoded once per catalog version and ``key``; a kept body is
    sent without leaving the event loop, a new one computed in a worker thread (DuckDB queries block)."""
    cache: ResultCache = request.app.state.cache
    full = (request.state.catalog_version, "json", *key)
    body = cache.get(full)
    if body is None:
        body = await run_in_threadpool(gated(request, lambda: encode(compute())))
        cache.put(full, body, len(body))
    return body  # type: ignore[no-any-return]


def json_response(body: bytes, response: Response, headers: dict[str, str] | None = None) -> Response:
    """``body`` as a JSON response with the ETag and Cache-Control headers ``catalog_read`` set."""
    out = Response(content=body, media_type="application/json", headers=headers)
    for name in ("etag", "cache-control"):
        if name in response.headers and name not in out.headers:
            out.headers[name] = response.headers[name]
    return out


async def cached_json(request: Request, response: Response, compute: Callable[[], Any]) -> Response:
    """The JSON answer of a catalog read, kept per catalog version, path and query parameters."""
    body = await cached_body(request, (request.url.path, query_key(request)), compute)
    return json_response(body, response)


async def cached_page(request: Request, response: Response, page: PageParams,
                      fetch: Callable[[int, int], list[Any]]) -> Response:
    """A page of a list as JSON: ``fetch(offset, n)`` returns up to ``n`` items from ``offset`` (the
    page and one more, to know whether another page follows).

    Once a page has reached the end of the list, its length is kept (per catalog version and the other
    parameters), and a page starting at or past it answers empty at once: an offset past the end does
    not compute the ranking again, nor adds an entry per offset."""
    cache: ResultCache = request.app.state.cache
    end_key = (request.state.catalog_version, "end", request.url.path, query_key(request, ("offset", "limit")))
    end = cache.get(end_key)
    if end is not None and page.offset >= end:
        return json_response(encode(Page[Any](items=[], offset=page.offset, limit=page.limit, next_offset=None)),
                             response)

    def compute() -> Any:
        items = fetch(page.offset, page.limit + 1)
        more = len(items) > page.limit
        if not more:
            known = cache.get(end_key)
            length = page.offset + len(items)
            cache.put(end_key, length if known is None else min(known, length), 0)
        return Page[Any](items=items[: page.limit], offset=page.offset, limit=page.limit,
                         next_offset=page.offset + page.limit if more else None)

    body = await cached_body(request, (request.url.path, query_key(request)), compute)
    return json_response(body, response)
