"""Request dependencies shared by the API and the web page: the catalog, settings, pagination."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import duckdb
from fastapi import Query, Request, Response
from pydantic import BaseModel

from reelradar.api.errors import CATALOG_CACHE, NotModified
from reelradar.api.pool import CatalogPool
from reelradar.config import Settings

T = TypeVar("T")

MAX_PAGE = 200  # items in one page of a list
MAX_OFFSET = 10_000  # deepest start of a page: lists are for browsing, not for dumping the catalog


# The dependencies are coroutines although they do no I/O worth waiting for: FastAPI runs a plain
# function dependency in a worker thread, and those hops were a large share of a cached answer's time.
async def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def catalog(request: Request) -> AsyncIterator[duckdb.DuckDBPyConnection]:
    """A cursor of the live catalog for this request (no cache headers: pages that also show user state)."""
    pool: CatalogPool = request.app.state.pool
    with pool.cursor() as (cur, version):
        request.state.catalog_version = version
        yield cur


async def catalog_read(request: Request, response: Response) -> AsyncIterator[duckdb.DuckDBPyConnection]:
    """A cursor for a pure catalog read: sets ETag and Cache-Control, and answers 304 when the client's
    copy is of the same catalog file (a rebuild changes the ETag of every read)."""
    pool: CatalogPool = request.app.state.pool
    with pool.cursor() as (cur, version):
        request.state.catalog_version = version
        etag = f'W/"{version}"'
        if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
            raise NotModified(etag)
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = CATALOG_CACHE
        yield cur


@dataclass
class PageParams:
    offset: int
    limit: int


async def page_params(
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description=f"How many items to skip (at most {MAX_OFFSET:,})."),
    limit: int = Query(20, ge=1, le=MAX_PAGE, description=f"How many items to return (at most {MAX_PAGE})."),
) -> PageParams:
    return PageParams(offset, limit)


class Page(BaseModel, Generic[T]):
    """One page of a list: ``next_offset`` is the offset of the next page, null on the last one."""

    items: list[T]
    offset: int
    limit: int
    next_offset: int | None


def paginate(items: list[T], page: PageParams) -> Page[T]:
    """Slice ``items`` (fetched with ``page.offset + page.limit + 1`` rows) into a page."""
    window = items[page.offset : page.offset + page.limit]
    more = len(items) > page.offset + page.limit
    return Page[T](items=window, offset=page.offset, limit=page.limit,
                   next_offset=page.offset + page.limit if more else None)
