"""Saved lists at the short URLs a media tool is given: ``/lists/NAME.json?for=radarr`` (or ``stevenlu``,
``sonarr``), ``/lists/NAME.txt`` (IMDb ids, one per line) and ``/lists/NAME.csv``; each a thin shell over
analytics/lists.py.

They are reads like every other: no token, behind the same Host guard, refusing parameters they do not
take. An answer is kept per catalog file, list and format, and, for a list narrowed to services, per
services, country and offer types as well, which its ETag names (a copy kept before the profile changed
is not the answer after). What a format leaves out is counted in ``X-Reelradar-Left-Out-No-Id`` (no id the
tool reads) and ``X-Reelradar-Left-Out-Other-Kind`` (a series in a Radarr list, a film in a Sonarr one).
"""

from __future__ import annotations

from typing import Any, Literal

import duckdb
from fastapi import APIRouter, Depends, Query, Request, Response

from reelradar.analytics.lists import Export, export, list_filters, saved_list
from reelradar.api.cache import memo_async
from reelradar.api.deps import catalog_read, settings_of
from reelradar.api.errors import ErrorResponse
from reelradar.api.routes import _etag as profile_etag
from reelradar.config import Settings

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 404, 422, 500, 503)}
router = APIRouter(responses=ERRORS)

_JSON = {200: {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
               "description": "The list as the tool reads it: a JSON array of objects."}}


def _text(media_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {"schema": {"type": "string"}}}, "description": what}}


async def _answer(request: Request, response: Response, name: str, fmt: str, settings: Settings,
                  con: duckdb.DuckDBPyConnection) -> Response:
    filters = list_filters(settings, name)  # an unknown list: 404 before any work
    key = (tuple(filters.services), filters.country, tuple(filters.offer_types))
    out: Export = await memo_async(request, ("list", name, fmt, key), lambda: export(
        saved_list(con, settings, name, filters=filters), fmt))
    headers = {"X-Reelradar-Items": str(out.shown), "X-Reelradar-Left-Out-No-Id": str(out.no_id),
               "X-Reelradar-Left-Out-Other-Kind": str(out.other_kind)}
    if filters.services:
        headers["ETag"] = profile_etag(request, key, "list")
    answer = Response(content=out.content, media_type=out.media_type, headers=headers)
    for header in ("etag", "cache-control"):
        if header in response.headers and header not in answer.headers:
            answer.headers[header] = response.headers[header]
    return answer


@router.get("/lists/{name}.json", summary="A saved list for Radarr or Sonarr", responses=_JSON)  # type: ignore[arg-type]
async def list_json_route(
    name: str, request: Request, response: Response,
    target: Literal["radarr", "stevenlu", "sonarr"] = Query(..., alias="for", description=(
        "radarr: Radarr's Custom Lists (films with a TMDB id, as `id`); stevenlu: Radarr's StevenLu Custom "
        "(films with an IMDb id, as `imdb_id`); sonarr: Sonarr's Custom List (series with a TVDB id, as `tvdbId`).")),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog_read),
) -> Response:
    """The saved list ``[lists.NAME]`` of the settings in the JSON a Radarr or Sonarr import list reads
    (docs/lists.md): films for Radarr, series for Sonarr, each only with the id that tool reads."""
    return await _answer(request, response, name, target, settings, con)


@router.get("/lists/{name}.txt", summary="A saved list as IMDb ids, one per line",
            responses=_text("text/plain", "IMDb ids, one per line."))  # type: ignore[arg-type]
async def list_text_route(name: str, request: Request, response: Response,
                          settings: Settings = Depends(settings_of),
                          con: duckdb.DuckDBPyConnection = Depends(catalog_read)) -> Response:
    """The saved list's IMDb ids, films and series, one per line (Kometa's ``text_file``, MDBList style)."""
    return await _answer(request, response, name, "imdb", settings, con)


@router.get("/lists/{name}.csv", summary="A saved list as CSV, with every id",
            responses=_text("text/csv", "rank,title,year,kind,imdb_id,tmdb_id,tvdb_id,reelradar_id"))  # type: ignore[arg-type]
async def list_csv_route(name: str, request: Request, response: Response,
                         settings: Settings = Depends(settings_of),
                         con: duckdb.DuckDBPyConnection = Depends(catalog_read)) -> Response:
    """Every title of the saved list with each id the catalog holds (blank where it holds none)."""
    return await _answer(request, response, name, "csv", settings, con)
