"""Answers computed from the catalog alone, kept in memory while the catalog file stays the same.

The catalog only changes by being swapped whole, so an answer keyed by (catalog version, question) is
valid until the next swap; the version changes with the file and old entries age out. Answers that
depend on the person's own data are never kept here.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")


class ResultCache:
    """A thread-safe least-recently-used map; ``size`` 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any:
        """The value kept for ``key``, or None."""
        if self.size == 0:
            return None
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
            return None

    def put(self, key: Hashable, value: Any) -> None:
        if self.size == 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.size == 0:
            return compute()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[no-any-return]
            self.misses += 1
        # Computed outside the lock: two requests for the same new key may both compute it, which is
        # cheaper than making every other request wait.
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def memo(request: Request, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()`` for this catalog version and ``key``, from the cache when it was asked before.
    Only for answers that depend on the catalog and ``key`` alone."""
    cache: ResultCache = request.app.state.cache
    version = getattr(request.state, "catalog_version", None)
    if version is None:
        return compute()
    return cache.get_or_compute((version, *key), compute)


async def memo_async(request: Request, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """Like ``memo``, for coroutine routes: a kept answer without leaving the event loop, a new one
    computed in a worker thread."""
    cache: ResultCache = request.app.state.cache
    full = (request.state.catalog_version, *key)
    value = cache.get(full)
    if value is None:
        value = await run_in_threadpool(compute)
        cache.put(full, value)
    return value  # type: ignore[no-any-return]


async def cached_json(request: Request, response: Response, compute: Callable[[], Any]) -> Response:
    """The JSON body of a catalog read, encoded once per catalog version and URL; with the ETag and
    Cache-Control headers ``catalog_read`` set. A kept answer is sent without leaving the event loop;
    a new one is computed in a worker thread (DuckDB queries block)."""
    cache: ResultCache = request.app.state.cache
    key = (request.state.catalog_version, "json", request.url.path, tuple(sorted(request.query_params.multi_items())))
    body = cache.get(key)
    if body is None:
        body = await run_in_threadpool(lambda: json.dumps(
            jsonable_encoder(compute()), ensure_ascii=False, separators=(",", ":")).encode())
        cache.put(key, body)
    out = Response(content=body, media_type="application/json")
    for name in ("etag", "cache-control"):
        if name in response.headers:
            out.headers[name] = response.headers[name]
    return out
