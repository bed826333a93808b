"""JSON API of stories and digests (``/api/v1/story/{id}``, ``/api/v1/digest``): the records the web
page renders (story/model.py), every sentence with the numbers of its footnotes and every footnote
with its source, date and catalog row."""

from __future__ import annotations

from typing import Any

import duckdb
from fastapi import APIRouter, Depends, Query, Request

from reelradar.api.deps import catalog, settings_of
from reelradar.api.errors import ErrorResponse
from reelradar.config import Settings
from reelradar.web.story_pages import digest_for, story_for

ERRORS = {code: {"model": ErrorResponse} for code in (400, 404, 422, 500, 503)}

router = APIRouter(responses=ERRORS)  # type: ignore[arg-type]


@router.get("/story/{title_id}", summary="A title's story, with footnotes")
async def story_route(request: Request, title_id: str, settings: Settings = Depends(settings_of),
                      con: duckdb.DuckDBPyConnection = Depends(catalog)) -> dict[str, Any]:
    """``reelradar story --json``: headline, lead, sections (in the order chart, about, scores, where,
    universe, liked; those without facts left out) and the numbered facts, for the profile's country,
    services and history."""
    return (await story_for(request, con, settings, title_id)).to_dict()


@router.get("/digest", summary="The digest for your profile")
async def digest_route(
    request: Request,
    days: int = Query(7, ge=1, le=366, description="The period, in days up to today."),
    country: str | None = Query(None, min_length=2, max_length=2, description="Default: the profile's country."),
    service: list[str] = Query([], description="Services (repeatable; default: the profile's)."),
    kind: list[str] = Query([], description="Only titles of these kinds (repeatable)."),
    limit: int = Query(5, ge=1, le=50, description="Items per section."),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> dict[str, Any]:
    """``reelradar digest --json``: the sections the data fills (radar, breakout, new, leaving, seasons),
    each item a short story with its numbers, one list of facts for all."""
    return (await digest_for(request, con, settings, days=days, country=country, service=service, kind=kind,
                             limit=limit)).to_dict()
