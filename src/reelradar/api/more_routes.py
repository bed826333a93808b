"""JSON API over charts, where to watch, universes and recommendations (``/api/v1``): each route a thin
shell over one library function of ``analytics`` or ``recommend``."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
from fastapi import APIRouter, Depends, Query, Request, Response

from reelradar.analytics.filters import Filters
from reelradar.api.cache import cached_json
from reelradar.api.deps import catalog, catalog_read, settings_of
from reelradar.api.errors import ErrorResponse
from reelradar.api.routes import filters_from_query
from reelradar.config import Settings
from reelradar.model import Profile

ERRORS = {code: {"model": ErrorResponse} for code in (400, 404, 422, 500, 503)}

router = APIRouter(responses=ERRORS)  # type: ignore[arg-type]


def profile_for(request: Request, settings: Settings) -> Profile:
    """The person's profile, its empty fields filled from the settings."""
    from reelradar.web.pages import profile_or_default

    return profile_or_default(request, settings)


@router.get("/charts", summary="Charts for a week, a day or their latest period, with movers")
async def charts_route(
    request: Request,
    response: Response,
    platform: str | None = Query(None, max_length=100), country: str | None = Query(None, max_length=10),
    category: str | None = Query(None, max_length=100),
    week: str | None = Query(None, max_length=10, description="ISO week, e.g. 2025-W28."),
    day: date | None = Query(None, description="A day (YYYY-MM-DD)."),
    limit: int = Query(10, ge=1, le=100, description="Rows per chart."),
    con: duckdb.DuckDBPyConnection = Depends(catalog_read),
) -> Response:
    """``reelradar charts``: each matching chart's ranking with position changes, weeks and peaks."""
    from reelradar.analytics.chart_views import chart_view

    return await cached_json(request, response, lambda: chart_view(
        con, platform=platform, country=country, category=category, week=week, day=day, limit=limit))


@router.get("/titles/{title_id}/charts", summary="A title's chart history")
async def title_charts_route(title_id: str, request: Request, response: Response,
                       con: duckdb.DuckDBPyConnection = Depends(catalog_read)) -> Response:
    """Every chart run of the title (a series with its seasons): ranks and points per period, peaks,
    weeks, weekly points, with sources and dates."""
    from reelradar.analytics.chart_views import chart_history

    return await cached_json(request, response, lambda: chart_history(con, title_id))


@router.get("/titles/{title_id}/universe", summary="The world around a title")
async def universe_route(
    title_id: str, request: Request, response: Response, max_nodes: int = Query(40, ge=1, le=500),
    con: duckdb.DuckDBPyConnection = Depends(catalog_read),
) -> Response:
    """``reelradar universe``: spin-offs, sequels, shared characters, source works and creators, as a
    graph (nodes and edges, each edge with its source)."""
    from reelradar.analytics.universe import universe

    return await cached_json(request, response, lambda: universe(con, title_id, max_nodes=max_nodes))


@router.get("/titles/{title_id}/where", summary="Where to watch a title")
def where_route(
    title_id: str, request: Request,
    country: str | None = Query(None, min_length=2, max_length=2, description="Default: the profile's country."),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Any:
    """``reelradar where``: offers in a country (and those whose country no source stated), each with its
    source and date, marked ``yours`` when on one of the profile's services."""
    from reelradar.analytics.availability import where

    return where(con, title_id, profile_for(request, settings), country=country)


@router.get("/titles/{title_id}/like", summary="More like this title")
def like_route(
    title_id: str, request: Request, limit: int = Query(10, ge=1, le=100),
    filters: Filters = Depends(filters_from_query),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> dict[str, Any]:
    """``reelradar like``: the titles most like this one, each with what it shares with it."""
    from reelradar.recommend.service import more_like_this

    seed, found = more_like_this(con, settings, title_id, filters=filters, limit=limit)
    return {"seed": seed, "items": found}


@router.get("/new-on-services", summary="Titles new on (or gone from) your services")
def new_on_services_route(
    days: int = Query(7, ge=1, le=3650, description="How far back to look, in days."),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Any:
    """``reelradar new-on-services``: offers on the profile's services (country, offer types) first
    seen, or no longer seen, in the last ``days`` days, each with its source and date."""
    from reelradar.analytics.availability import current_profile, offer_changes

    return offer_changes(con, current_profile(settings), days=days)


@router.get("/recommend", summary="Recommendations for you")
def recommend_route(
    request: Request,
    mode: str = Query("for-you", description="for-you, radar (under the radar) or hot (breaking out)."),
    limit: int = Query(10, ge=1, le=100),
    filters: Filters = Depends(filters_from_query),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Any:
    """``reelradar recommend``: from the person's history in the user store, never a title they have
    seen or dismissed; each with the reasons behind it."""
    from reelradar.api.user_routes import user_store
    from reelradar.recommend.service import recommend_for

    return recommend_for(con, settings, user_store(request).interactions(), mode=mode, filters=filters,
                         limit=limit)
