"""JSON API over the person's own data (``/api/v1``): profile, watchlist, seen and dismissed titles,
imports. Reads are open; every change needs the local token. A change while another writer holds the
user store answers 503 with Retry-After (``StoreBusy``); interaction times are given in UTC, with
their offset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import duckdb
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from reelradar.analytics.filters import check_country, check_services
from reelradar.api.deps import catalog
from reelradar.api.errors import ErrorResponse, NotAvailable
from reelradar.api.security import check_state_change
from reelradar.api.uploads import KINDS, import_upload
from reelradar.errors import BadInput, NotFound
from reelradar.model import Interaction, Profile

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 413, 422, 500, 501, 503)}

# How long a change from the server waits for another writer of the user store (a CLI command, an
# import) before answering 503: short, so a busy store does not hold every worker thread.
BUSY_WAIT = 1.0

router = APIRouter(responses=ERRORS)  # type: ignore[arg-type]

# What the buttons of the title page record, in the user store's words.
ACTIONS = {"watchlist": "watchlist", "seen": "watched", "dismiss": "dismissed", "like": "liked"}


def user_store(request: Request) -> Any:
    """The person's store (SQLite in the data folder), opened and migrated once per app."""
    state = request.app.state
    with state.users_lock:
        if state.users is None:
            try:
                from reelradar.users.store import UserStore
            except ImportError:
                raise NotAvailable("the user store (reelradar.users.store) is not part of this installation") from None
            state.users = UserStore(state.settings.users_path, busy_timeout=BUSY_WAIT)
        return state.users


def in_utc(items: list[Interaction]) -> list[Interaction]:
    """The store keeps times in UTC without an offset; answers say so (``…+00:00``)."""
    for item in items:
        if item.at is not None and item.at.tzinfo is None:
            item.at = item.at.replace(tzinfo=UTC)
    return items


def record_action(request: Request, con: duckdb.DuckDBPyConnection, title_id: str, action: str) -> Interaction:
    """Record that the person put a title on their watchlist, saw it, dismissed it or liked it."""
    row = con.execute("SELECT title, year, kind FROM title WHERE id = ?", [title_id]).fetchone()
    if row is None:
        raise NotFound(f"no title with id {title_id!r}")
    interaction = Interaction(action=ACTIONS[action], title_id=title_id, at=datetime.now(UTC),
                              source="manual")
    user_store(request).add_interaction(interaction, name=row[0], year=row[1], kind=row[2])
    return interaction


RATING_SCALES = (5.0, 10.0)  # five stars (Letterboxd's, in halves) or ten points (IMDb's)


def record_rating(request: Request, con: duckdb.DuckDBPyConnection, title_id: str, rating: float,
                  scale: float = 5.0) -> Interaction:
    """Record the person's rating of a title (a rating given again replaces the one given before)."""
    if scale not in RATING_SCALES:
        raise BadInput(f"a rating is out of 5 stars or 10 points, not out of {scale:g}")
    step = 0.5 if scale == 5 else 1.0
    if not step <= rating <= scale or (rating / step) != int(rating / step):
        raise BadInput(f"a rating out of {scale:g} is {step:g} to {scale:g} in steps of {step:g}, not {rating:g}")
    row = con.execute("SELECT title, year, kind FROM title WHERE id = ?", [title_id]).fetchone()
    if row is None:
        raise NotFound(f"no title with id {title_id!r}")
    interaction = Interaction(action="rated", title_id=title_id, rating=rating, scale=scale, at=datetime.now(UTC),
                              source="manual")
    user_store(request).add_interaction(interaction, name=row[0], year=row[1], kind=row[2])
    return interaction


def remove_action(request: Request, title_id: str, action: str) -> int:
    """Take a title off the watchlist (or undo seen, dismissed, liked)."""
    return int(user_store(request).remove_interaction(ACTIONS[action], title_id))


class ProfileIn(BaseModel):
    name: str = Field("default", max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2, pattern="^[A-Za-z]{2}$")
    services: list[str] = Field(default_factory=list, max_length=50)
    offer_types: list[Literal["flatrate", "free", "ads", "rent", "buy"]] = ["flatrate", "free", "ads"]


class ActionIn(BaseModel):
    action: Literal["watchlist", "seen", "dismiss", "like"]


class RatingIn(BaseModel):
    rating: float = Field(..., description="0.5 to 5 in halves on five stars; 1 to 10 on ten points")
    scale: Literal[5, 10] = 5


@router.get("/profile", response_model=Profile, summary="The person's profile")
def get_profile(request: Request) -> Profile:
    """Country, services and accepted offer types (used for where to watch and filtering)."""
    profile: Profile = user_store(request).profile()
    return profile


@router.put("/profile", response_model=Profile, summary="Change the profile (needs the token)")
def put_profile(body: ProfileIn, request: Request, con: duckdb.DuckDBPyConnection = Depends(catalog)) -> Profile:
    """The whole profile, checked as the CLI's ``profile`` checks it: a real country code, and services
    reelradar knows (spelled as it spells them; an unknown one is refused with the nearest names)."""
    check_state_change(request)
    profile = Profile(name=body.name, country=check_country(body.country) if body.country else None,
                      services=check_services(con, body.services), offer_types=list(body.offer_types))
    user_store(request).save_profile(profile)
    return profile


@router.get("/interactions", response_model=list[Interaction], summary="Ratings, watchlist, seen, dismissed")
def get_interactions(request: Request, action: str | None = None) -> list[Interaction]:
    """Everything the person did or imported; ``action`` keeps one kind (watchlist, watched, ...)."""
    return in_utc(user_store(request).interactions(action))


@router.get("/watchlist", response_model=list[Interaction], summary="The watchlist")
def get_watchlist(request: Request) -> list[Interaction]:
    return in_utc(user_store(request).interactions("watchlist"))


@router.post("/titles/{title_id}/actions", response_model=Interaction, status_code=201,
             summary="Put on the watchlist, mark seen, dismiss or like (needs the token)")
def post_action(
    title_id: str, body: ActionIn, request: Request,
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Interaction:
    check_state_change(request)
    return record_action(request, con, title_id, body.action)


@router.put("/titles/{title_id}/rating", response_model=Interaction,
            summary="Rate a title: 0.5–5 stars, or 1–10 with scale 10 (needs the token)")
def put_rating(
    title_id: str, body: RatingIn, request: Request,
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Interaction:
    check_state_change(request)
    return in_utc([record_rating(request, con, title_id, body.rating, float(body.scale))])[0]


@router.delete("/titles/{title_id}/actions/{action}", summary="Undo watchlist, seen, dismiss or like (needs the token)")
def delete_action(title_id: str, action: Literal["watchlist", "seen", "dismiss", "like"], request: Request) -> dict[str, int]:
    check_state_change(request)
    return {"removed": remove_action(request, title_id, action)}


IMPORT_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["kind", "file"],
    "properties": {"kind": {"type": "string", "enum": list(KINDS)},
                   "file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/imports", status_code=201, openapi_extra=IMPORT_BODY,
             summary="Import an export file (multipart: kind, file; needs the token)")
async def post_import(request: Request) -> dict[str, Any]:
    """Upload an IMDb CSV, a Letterboxd ZIP or a Trakt JSON (form fields ``kind`` and ``file``); answers
    with the import report: counts and, per row, what it said and which title it matched, and why."""

    report = await import_upload(request)
    return report.to_dict()  # type: ignore[no-any-return]
