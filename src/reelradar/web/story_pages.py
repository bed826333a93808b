"""The web doors of stories and digests: ``/story/{id}`` and ``/digest`` as standalone HTML (or
Markdown with ``?format=markdown``), ``/feed.xml`` as Atom (or RSS with ``?kind=rss``). Each is a thin
shell over ``story.title.title_story``, ``story.digest.digest`` and ``story.feed.digest_feed``, for the
profile and history of the user store; answers are kept per catalog version, reader and day."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import Response

from reelradar.api.cache import memo_async
from reelradar.api.deps import catalog, settings_of
from reelradar.config import Settings
from reelradar.model import Profile
from reelradar.story.digest import digest
from reelradar.story.feed import digest_feed
from reelradar.story.model import Digest, Story
from reelradar.story.render import render
from reelradar.story.title import title_story
from reelradar.users.actions import YourHistory
from reelradar.web.pages import profile_or_default, your_history
from reelradar.web.urls import query_url

router = APIRouter(include_in_schema=False)

MEDIA = {"html": "text/html; charset=utf-8", "markdown": "text/markdown; charset=utf-8",
         "json": "application/json"}


def reader(request: Request, settings: Settings) -> tuple[Profile, YourHistory, tuple[Any, ...]]:
    """The reader's profile and history, and a key that changes when either does."""
    profile = profile_or_default(request, settings)
    history = your_history(request)
    key = (profile.country, tuple(profile.services), tuple(profile.offer_types),
           hash(frozenset(history.marks.items())))
    return profile, history, key


async def story_for(request: Request, con: duckdb.DuckDBPyConnection, settings: Settings, title_id: str) -> Story:
    profile, history, key = reader(request, settings)
    today = date.today()
    return await memo_async(request, ("story", title_id, key, today), lambda: title_story(
        con, settings, title_id, profile=profile, history=history, today=today))


async def digest_for(request: Request, con: duckdb.DuckDBPyConnection, settings: Settings, *, days: int,
                     country: str | None, service: list[str], kind: list[str], limit: int) -> Digest:
    profile, history, key = reader(request, settings)
    today = date.today()
    args = (days, country, tuple(service), tuple(kind), limit)
    return await memo_async(request, ("digest", args, key, today), lambda: digest(
        con, settings, profile=profile, history=history, today=today, days=days, country=country,
        services=[s for s in service if s], kinds=[k for k in kind if k], limit=limit))


def _answer(text: str, fmt: str) -> Response:
    return Response(text, media_type=MEDIA[fmt], headers={"Cache-Control": "private, no-cache"})


@router.get("/story/{title_id}")
async def story_page(
    request: Request, title_id: str, format: str = Query("html", pattern="^(html|markdown)$"),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """A title's story, as a standalone page (the same HTML a mail would carry)."""
    return _answer(render(await story_for(request, con, settings, title_id), format), format)


@router.get("/digest")
async def digest_page(
    request: Request, format: str = Query("html", pattern="^(html|markdown)$"),
    days: int = Query(7, ge=1, le=366), country: str | None = Query(None, min_length=2, max_length=2),
    service: list[str] = Query([]), kind: list[str] = Query([]), limit: int = Query(5, ge=1, le=50),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """The week's digest for the profile, each item linked to its story."""
    found = await digest_for(request, con, settings, days=days, country=country, service=service, kind=kind,
                             limit=limit)
    return _answer(render(found, format, str(request.base_url)), format)


@router.get("/feed.xml")
async def feed(
    request: Request, kind: str = Query("atom", pattern="^(atom|rss)$"), days: int = Query(7, ge=1, le=366),
    limit: int = Query(5, ge=1, le=50), country: str | None = Query(None, min_length=2, max_length=2),
    service: list[str] = Query([], max_length=20),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """The digest as an Atom feed (``?kind=rss``: RSS 2.0) for feed readers: of the stored profile, or
    of the country and services in its address (a feed per person of a household, each subscribed to
    its own address; a feed reader sends no cookie, so the address is the profile)."""
    services = [s for s in service if s]
    found = await digest_for(request, con, settings, days=days, country=country, service=services, kind=[],
                             limit=limit)
    path = query_url("/feed.xml", {"kind": kind if kind != "atom" else None, "country": country,
                                   "service": services})
    profile = "-".join([country or "", *services]) or "default"
    body = digest_feed(found, kind=kind, base_url=str(request.base_url), feed_path=path, profile=profile)
    media = "application/atom+xml" if kind == "atom" else "application/rss+xml"
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "private, no-cache"})


def install(app: FastAPI) -> None:
    app.include_router(router)
