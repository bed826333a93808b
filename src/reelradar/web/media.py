"""Posters on our own pages: ``GET /media/tmdb/{size}/{name}`` serves a TMDB image from the local cache,
fetching it from ``tmdb_image_base_url`` the first time it is asked for.

Why a route of ours rather than TMDB's URL in the page: the page's Content-Security-Policy allows images
from 'self' only, the browser never tells TMDB what is being looked at, and each image is fetched once.
Only the sizes of ``SIZES`` and paths shaped as TMDB's (``/abc.jpg``) are served, and only images the
catalog names (``title_media``): the route is no open proxy. A TMDB image path never changes content, so
the answer may be cached by the browser for a year.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from reelradar.api.deps import settings_of
from reelradar.api.pool import CatalogPool
from reelradar.catalog.query import MEDIA_TABLE, has_media_table
from reelradar.config import Settings
from reelradar.errors import NotFound, ReelradarError
from reelradar.http import client_for

SIZES = ("w185", "w342", "w780")
POSTER_SIZE = "w342"  # the title page's poster column is 11em: sharp on a screen of twice the density
PATH = re.compile(r"^/[A-Za-z0-9]+\.(jpg|png)$")
TYPES = {"jpg": "image/jpeg", "png": "image/png"}
LONG_CACHE = "public, max-age=31536000, immutable"

router = APIRouter()


def image_url(path: str | None, size: str = POSTER_SIZE) -> str | None:
    """Our URL of TMDB image ``path`` ("/abc.jpg") at ``size``; None when either is not one we serve."""
    if not path or size not in SIZES or not PATH.match(path):
        return None
    return f"/media/tmdb/{size}{path}"


def cached_file(settings: Settings, size: str, path: str) -> Path:
    return settings.cache_dir / "images" / "tmdb" / size / path.lstrip("/")


def known_path(request: Request, path: str) -> bool:
    """Whether the live catalog names ``path`` as an image of some title."""
    pool: CatalogPool = request.app.state.pool
    with pool.cursor() as (cur, _):
        if not has_media_table(cur):
            return False
        row = cur.execute(f"SELECT 1 FROM {MEDIA_TABLE} WHERE path_or_key = ? AND kind IN ('poster', 'backdrop') "
                          "LIMIT 1", [path]).fetchone()
    return row is not None


def fetch(settings: Settings, size: str, path: str, target: Path) -> bytes:
    """Fetch the image from TMDB's image host and keep it at ``target`` (written whole, then renamed)."""
    with client_for(settings) as client:
        answer = client.get(f"{settings.tmdb_image_base_url.rstrip('/')}/{size}{path}", cache=False)
    if not answer.headers.get("content-type", "").startswith("image/") or not answer.body:
        raise ReelradarError(f"{answer.url} answered with no image")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(answer.body)
    tmp.replace(target)
    return answer.body


@router.get("/media/tmdb/{size}/{name}", include_in_schema=False)
def tmdb_image(request: Request, size: str, name: str, settings: Settings = Depends(settings_of)) -> Response:
    """A TMDB image of the catalog, from the local cache (fetched once)."""
    path = f"/{name}"
    match = PATH.match(path)
    if size not in SIZES or match is None:
        return PlainTextResponse(f"no such image: sizes are {', '.join(SIZES)} and names as TMDB's (abc.jpg)",
                                 status_code=404)
    media_type = TYPES[match.group(1)]
    target = cached_file(settings, size, path)
    if target.is_file():
        body = target.read_bytes()
    elif not known_path(request, path):
        return PlainTextResponse(f"no title of this catalog has the image {path}", status_code=404)
    else:
        try:
            body = fetch(settings, size, path, target)
        except NotFound:
            return PlainTextResponse(f"TMDB has no image {path} at {size}", status_code=404)
        except ReelradarError as exc:
            line = (exc.message.splitlines() or [type(exc).__name__])[0]
            return PlainTextResponse(f"cannot fetch the image from TMDB: {line}", status_code=502)
    return Response(body, media_type=media_type, headers={"Cache-Control": LONG_CACHE})


def install(app: FastAPI) -> None:
    """Add the image route to ``app`` and the ``tmdb_image`` filter to its templates (after pages made them)."""
    templates = getattr(app.state, "templates", None)
    if templates is not None:
        templates.env.filters["tmdb_image"] = image_url
    app.include_router(router)
