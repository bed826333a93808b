"""JSON API over the catalog (``/api/v1``): each route is a thin shell over one library function.

Catalog reads carry ``ETag`` and ``Cache-Control`` and answer ``304`` to a matching ``If-None-Match``;
lists are pages (``offset``, ``limit``, ``next_offset``).
"""

from __future__ import annotations

import hashlib
from datetime import date

import duckdb
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from reelradar.analytics.availability import current_profile, profile_filters
from reelradar.analytics.filters import Filters
from reelradar.analytics.hot import LeftOut
from reelradar.analytics.picks import MODES, SORTS, hot_picks, pick_list, picks
from reelradar.api.cache import cached_body, cached_json, cached_page, json_response, query_key
from reelradar.api.deps import Page, PageParams, catalog_read, page_params, paginate, settings_of
from reelradar.api.errors import ErrorResponse
from reelradar.catalog.query import title_card
from reelradar.catalog.search import SearchHit, search_titles
from reelradar.config import Settings
from reelradar.model import Pick, TitleCard
from reelradar.web.facets import Facets, facets

ERRORS = {code: {"model": ErrorResponse} for code in (400, 404, 422, 500, 503)}

router = APIRouter(responses=ERRORS)  # type: ignore[arg-type]


async def filters_from_query(
    kind: str | None = Query(None, description="movie, series, miniseries, ..."),
    genre: str | None = Query(None, description="A genre, e.g. Crime (case does not matter)."),
    year_from: int | None = Query(None, ge=1870, le=2200, description="Released in or after this year."),
    year_to: int | None = Query(None, ge=1870, le=2200, description="Released in or before this year."),
    service: list[str] = Query([], description="Only titles offered on this service (repeatable)."),
    country: str | None = Query(None, min_length=2, max_length=2, description="Country of the offers (ISO alpha-2)."),
) -> Filters:
    """The filters every list accepts, as query parameters (the CLI's --kind, --genre, ...)."""
    return Filters(kind=kind, genre=genre, year_from=year_from, year_to=year_to, services=service,
                   country=country.upper() if country else None)


@router.get("/search", response_model=Page[SearchHit], summary="Find titles by name")
async def search_route(
    request: Request,
    response: Response,
    q: str = Query(..., min_length=1, max_length=200, description="Words of the title (typos are tolerated)."),
    kind: str | None = Query(None),
    year: int | None = Query(None, ge=1870, le=2200, description="Release year ± 1."),
    page: PageParams = Depends(page_params),
    con: duckdb.DuckDBPyConnection = Depends(catalog_read),
) -> Response:
    """Titles whose name matches ``q``: exact names first, then prefixes, words and near spellings."""
    return await cached_page(request, response, page, lambda offset, n: search_titles(
        con, q, kind=kind, year=year, limit=offset + n)[offset:])


@router.get("/titles/{title_id}", response_model=TitleCard, summary="A title whole")
async def title_route(title_id: str, request: Request, response: Response,
                con: duckdb.DuckDBPyConnection = Depends(catalog_read)) -> Response:
    """Facts, credits with characters, relations, offers, chart history, and every score with its
    source, date, cohort percentile and weight (``pick``; null when no source scored it)."""
    return await cached_json(request, response, lambda: title_card(con, title_id))


class PicksPage(Page[Pick]):
    """A page of picks. In hot mode also: the newest chart day the breakouts stand on (``as_of``), its age
    in days (``age_days``), whether that is more than ``chart_stale_days`` (``stale``), both in words
    (``as_of_text``), and the breakouts of charts that stopped earlier, left out (``left_out``,
    ``left_out_text``). The other modes answer the plain page, without these fields."""

    as_of: date | None = None
    age_days: int | None = None
    stale: bool | None = None
    as_of_text: str | None = None
    left_out: list[LeftOut] = Field(default_factory=list)
    left_out_text: str | None = None
    services: dict[str, object] | None = Field(
        None, description="With services (``service`` or ``profile``): of the titles the filter checked, how "
                          "many are on them, only elsewhere (left out) and of unknown availability (kept, marked).")
    notes: list[str] = Field(default_factory=list, description="What narrowed the list, in words.")


@router.get("/picks", response_model=PicksPage, summary="Picks: under the radar, most acclaimed, or breaking out")
async def picks_route(
    request: Request,
    response: Response,
    mode: str = Query("radar", description=f"One of {', '.join(MODES)}."),
    sort: str = Query("best", max_length=20, description=(
        f"Order: {'; '.join(f'{k} ({v})' for k, v in SORTS.items())}. 'best' is the mode's own order.")),
    use_profile: bool = Query(False, alias="profile", description=(
        "Narrow to the stored profile's services, country and offer types, as the web page and the CLI do "
        "(``service`` and ``country`` given here win).")),
    filters: Filters = Depends(filters_from_query),
    page: PageParams = Depends(page_params),
    settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog_read),
) -> Response:
    """The picks of ``reelradar picks`` (radar: acclaimed, little known; top: most acclaimed; hot: breaking
    out in the charts now, with the chart day it stands on), each with its one-line reason and the
    numbers behind it."""
    key: tuple[object, ...] = ()
    if use_profile:
        profile = current_profile(settings)
        filters = profile_filters(profile, filters, services=filters.services, country=filters.country)
        key = ("profile", tuple(profile.services), profile.country, tuple(profile.offer_types))
    if mode == "hot":
        return await _hot_route(request, response, filters, page, settings, con, key, sort)
    if not filters.services:
        return await cached_page(request, response, page, lambda offset, n: picks(
            con, settings, mode=mode, filters=filters, limit=n, offset=offset, sort=sort))

    def compute() -> PicksPage:  # narrowed to services: the page says how many titles it could check
        found = pick_list(con, settings, mode=mode, filters=filters, limit=page.limit + 1, offset=page.offset,
                          sort=sort)
        more = len(found.items) > page.limit
        return PicksPage(items=found.items[:page.limit], offset=page.offset, limit=page.limit,
                         next_offset=page.offset + page.limit if more else None,
                         services=found.services.to_dict() if found.services else None, notes=found.notes())

    body = await cached_body(request, ("picks", mode, query_key(request), *key), compute)
    return json_response(body, response, {"ETag": _etag(request, key)} if key else None)


def _etag(request: Request, key: tuple[object, ...], *more: object) -> str:
    """An answer that depends on the profile as well as the catalog names both: a copy kept from before
    the profile changed is not matched (``catalog_read`` only answers 304 to the catalog's own tag)."""
    digest = hashlib.sha1(repr((key, more)).encode()).hexdigest()[:12]
    return f'W/"{request.state.catalog_version}-{digest}"'


async def _hot_route(request: Request, response: Response, filters: Filters, page: PageParams, settings: Settings,
                     con: duckdb.DuckDBPyConnection, key: tuple[object, ...] = (), sort: str = "best") -> Response:
    """Hot picks say how old their chart data is today, so the answer is kept per day as well as per
    catalog file, and its ETag names the day (a copy from yesterday is not today's answer)."""
    today = date.today()

    def compute() -> PicksPage:
        hot = hot_picks(con, settings, today=today, filters=filters, limit=page.offset + page.limit + 1, sort=sort)
        return PicksPage(**dict(paginate(hot.items, page)), as_of=hot.as_of, age_days=hot.age_days,
                         stale=hot.stale, as_of_text=hot.as_of_text(), left_out=hot.left_out,
                         left_out_text=hot.left_out_text())

    body = await cached_body(request, ("picks-hot", today, query_key(request), *key), compute)
    tag = _etag(request, key, today) if key else f'W/"{request.state.catalog_version}-{today}"'
    return json_response(body, response, {"ETag": tag})


@router.get("/facets", response_model=Facets, summary="Values the lists can be filtered by")
async def facets_route(request: Request, response: Response,
                 con: duckdb.DuckDBPyConnection = Depends(catalog_read)) -> Response:
    """Services, kinds, genres and decades present in the catalog."""
    return await cached_json(request, response, lambda: facets(con))
