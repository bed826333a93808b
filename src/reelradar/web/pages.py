"""The web page: server-rendered HTML, htmx for instant search, filter chips and buttons. Each page is a
thin shell over the library functions the API uses."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import duckdb
from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from reelradar.analytics.availability import availability_of, profile_filters, with_defaults
from reelradar.analytics.explain import OFFER_LABELS
from reelradar.analytics.filters import Filters, check_country, check_services
from reelradar.analytics.picks import SORTS
from reelradar.api.cache import memo, memo_async
from reelradar.api.deps import catalog, settings_of
from reelradar.api.security import check_state_change, sign_in
from reelradar.api.user_routes import ACTIONS, record_action, record_rating, user_store
from reelradar.catalog.chart_links import link_entry, unlink_entry
from reelradar.catalog.people import ROLE_TITLES, person_card
from reelradar.catalog.query import title_card
from reelradar.catalog.search import search_titles
from reelradar.config import Settings
from reelradar.errors import BadInput, ReelradarError
from reelradar.model import Profile, TitleCard
from reelradar.users.actions import YourHistory, history_marks, link_record, unlink_record
from reelradar.web import extras, media, title_parts
from reelradar.web.facets import facets
from reelradar.web.render import error_page, make_templates, page, query_url
from reelradar.web.urls import person_url, title_url

log = logging.getLogger("reelradar.web")

router = APIRouter(include_in_schema=False)


def profile_or_default(request: Request, settings: Settings) -> Profile:
    """The saved profile; country and services not set there come from the settings (as in the CLI)."""
    try:
        profile: Profile = user_store(request).profile()
    except ReelradarError:
        profile = Profile()
    return with_defaults(profile, settings)


def your_history(request: Request) -> YourHistory:
    """The person's history: marks for the lists and the titles "what to watch next" leaves out."""
    try:
        return history_marks(user_store(request).interactions())
    except ReelradarError:
        return YourHistory()


def home_filters(service: list[str], kind: str | None, genre: str | None, decade: int | None,
                 profile: Profile, leave_out: list[str] | None = None) -> Filters:
    # Service chips, when on, replace the profile's services for this view; as in the CLI, the lists keep
    # titles of unknown availability (marked) and leave out those known only elsewhere.
    filters = profile_filters(profile, Filters(kind=kind or None, genre=genre or None, exclude=list(leave_out or [])),
                              services=[s for s in service if s])
    if decade is not None:
        filters.year_from, filters.year_to = decade, decade + 9
    filters.check()
    return filters


@router.get("/")
async def home(
    request: Request,
    service: list[str] = Query([]),
    kind: str | None = Query(None),
    genre: str | None = Query(None, max_length=100),
    decade: int | None = Query(None, ge=1870, le=2200),
    settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """Home: under the radar, breaking out, for you — filtered by the chips."""
    profile = profile_or_default(request, settings)
    mine = your_history(request)
    filters = home_filters(service, kind, genre, decade, profile, mine.leave_out)
    try:
        filters.check_in(con)  # a genre or service the catalog does not know: one line with suggestions
    except BadInput as exc:
        return error_page(request, exc.kind, exc.http_status, exc.message)  # a page: query echoes escaped
    chips_on = [s for s in service if s]
    state = {"service": chips_on, "kind": filters.kind, "genre": filters.genre, "decade": decade}
    # The lists depend on the catalog, the filters and the person's marks alone: kept per catalog version
    # (api/cache.py), computed in a worker thread when new (DuckDB blocks).
    # The day is part of the key: the breaking-out list says how old its chart data is today.
    today = date.today()
    marks = mine.marks
    radar, hot, top, chips = await memo_async(request, ("home", repr(filters), hash(frozenset(marks.items())), today),
                                              lambda: (
        extras.under_the_radar(con, settings, filters, marks), extras.breaking_out(con, settings, filters, today, marks),
        extras.most_acclaimed(con, settings, filters, marks), facets(con)))
    sections = [radar, hot, extras.for_you_placeholder(request, state), top]
    name = "_browse.html" if request.headers.get("hx-target") == "browse" else "home.html"
    return page(request, name, sections=sections, facets=chips, state=state, profile=profile,
                services=filters.services, from_profile=bool(filters.services) and not chips_on)


@router.get("/for-you")
def for_you_list(
    request: Request,
    service: list[str] = Query([]),
    kind: str | None = Query(None),
    genre: str | None = Query(None, max_length=100),
    decade: int | None = Query(None, ge=1870, le=2200),
    settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """The "for you" list (the home page loads it after itself)."""
    filters = home_filters(service, kind, genre, decade, profile_or_default(request, settings))
    section = extras.for_you(request, con, settings, filters)
    name = "_section_body.html" if request.headers.get("hx-request") == "true" else "section.html"
    return page(request, name, section=section)


LIST_MODES = {"radar": "radar", "top": "top", "breaking": "hot"}  # the home lists with a page of their own


@router.get("/list/{key}")
async def list_page(
    request: Request,
    key: str,
    service: list[str] = Query([]),
    kind: str | None = Query(None),
    genre: str | None = Query(None, max_length=100),
    decade: int | None = Query(None, ge=1870, le=2200),
    sort: str = Query("best", max_length=20),
    page_no: int = Query(1, alias="page", ge=1, le=400),
    settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """A home list whole, a page of cards at a time ("Show more" appends the next), in the order asked for."""
    if key not in LIST_MODES:
        return error_page(request, "not_found", 404, f"no list called {key!r}: the lists are "
                          f"{', '.join(LIST_MODES)}")
    mine = your_history(request)
    filters = home_filters(service, kind, genre, decade, profile_or_default(request, settings), mine.leave_out)
    try:
        filters.check_in(con)
        if sort not in SORTS:
            raise BadInput(f"unknown order {sort!r}: use one of {', '.join(SORTS)}")
    except BadInput as exc:
        return error_page(request, exc.kind, exc.http_status, exc.message)
    state = {"service": [s for s in service if s], "kind": filters.kind, "genre": filters.genre, "decade": decade}
    today, marks = date.today(), mine.marks
    section = await memo_async(request, ("list", key, repr(filters), sort, page_no, hash(frozenset(marks.items())), today),
                               lambda: extras.full_list(con, settings, filters, LIST_MODES[key], page=page_no,
                                                        sort=sort, today=today, marks=marks))
    name = "_list_more.html" if request.headers.get("hx-request") == "true" else "list.html"
    return page(request, name, section=section, state=state, key=key, sort=sort, sorts=SORTS, page_no=page_no,
                per_page=extras.PAGE_CARDS, appending=name == "_list_more.html")


def chip_url(state: dict[str, Any], key: str, value: Any) -> str:
    """The home URL with ``key`` toggled to ``value`` (services add and remove; others replace)."""
    new = dict(state)
    if key == "service":
        services = list(state["service"])
        new["service"] = [s for s in services if s != value] if value in services else [*services, value]
    else:
        new[key] = None if state.get(key) == value else value
    return query_url("/", new)


@router.get("/title/{title_id}")
async def title_page(
    request: Request, title_id: str, settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """A title: score cards, chart plot, where to watch, its universe, similar titles, buttons."""
    from reelradar.analytics.universe import KIND_WORDS

    profile = profile_or_default(request, settings)
    yours = (profile.country, tuple(profile.services), tuple(profile.offer_types))

    def catalog_parts() -> tuple[TitleCard, Markup, dict[str, Any]]:
        card = title_card(con, title_id)
        graph, universe = extras.universe(con, card)
        head = {"people": title_parts.people(con, card), "known": title_parts.known_facts(con, card)}
        body = request.app.state.templates.env.get_template("_title_body.html").render(
            card=card, plot=extras.chart_plot(con, card), profile=profile, graph=graph, universe=universe,
            where=extras.where_to_watch(con, card, profile), kind_words=KIND_WORDS,
            related=title_parts.related(con, card, universe), **head,
            available=availability_of(con, [card.id], profile_filters(profile)).get(card.id))
        return card, Markup(body), head

    # Everything but the person's own state (buttons, rating) depends on the catalog and the profile's
    # country and services alone: rendered once per catalog version (autoescaped like every template).
    card, body, head = await memo_async(request, ("title", title_id, yours), catalog_parts)
    return page(request, "title.html", card=card, body=body, profile=profile, **head,
                state=extras.title_state(request, card.id), rating=title_parts.your_rating(request, card.id),
                steps=title_parts.RATING_STEPS)


@router.get("/title/{title_id}/similar")
def similar_titles(
    request: Request, title_id: str, settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """Titles like this one, with their reasons (the title page loads them after itself)."""
    card: TitleCard = memo(request, ("card", title_id), lambda: title_card(con, title_id))
    profile = profile_or_default(request, settings)
    history = your_history(request).interactions
    key = (profile.country, tuple(profile.services), tuple(profile.offer_types), hash(tuple(map(repr, history))))
    similar = memo(request, ("similar", title_id, key), lambda: extras.similar(con, settings, card, profile, history))
    name = "_similar.html" if request.headers.get("hx-request") == "true" else "similar.html"
    return page(request, name, card=card, similar=similar)


@router.post("/title/{title_id}/action")
def title_action(
    request: Request, title_id: str, action: str = Form(...), csrf: str | None = Form(None),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """The watchlist / seen / dismiss buttons."""
    check_state_change(request, csrf)
    if action not in ACTIONS:
        raise BadInput(f"unknown action {action!r}")
    record_action(request, con, title_id, action)
    return _actions_answer(request, title_id, action)


@router.post("/title/{title_id}/rating")
def title_rating(
    request: Request, title_id: str, rating: float = Form(...), csrf: str | None = Form(None),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """The rating form: five stars in halves, as ``PUT /api/v1/titles/{id}/rating`` takes them."""
    check_state_change(request, csrf)
    record_rating(request, con, title_id, rating, 5.0)
    return _actions_answer(request, title_id, "rated")


def _actions_answer(request: Request, title_id: str, done: str) -> Response:
    """After a button or the rating form: the page again (plain form) or the buttons alone (htmx)."""
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(title_url(title_id), status_code=303)
    return page(request, "_actions.html", card_id=title_id, state=extras.title_state(request, title_id),
                rating=title_parts.your_rating(request, title_id), steps=title_parts.RATING_STEPS, done=done)


@router.get("/person/{person_id}")
def person_page(request: Request, person_id: str, con: duckdb.DuckDBPyConnection = Depends(catalog)) -> Response:
    """A person: their credits in the catalog by role, newest first, with the characters they play."""
    person = memo(request, ("person", person_id), lambda: person_card(con, person_id))
    return page(request, "person.html", person=person, marks=your_history(request).marks)


@router.post("/chart-link")
def chart_link(
    request: Request, entry: str = Form(..., max_length=300), title_id: str = Form("", max_length=100),
    decision: str = Form(...), next: str = Form("/", max_length=300), csrf: str | None = Form(None),
    settings: Settings = Depends(settings_of),
) -> Response:
    """Confirm ("link") or reject ("unlink") a possible chart link; rebuilds and imports keep the choice."""
    check_state_change(request, csrf)
    if decision == "link" and title_id:
        link_entry(settings, entry, title_id)
    elif decision == "unlink":
        unlink_entry(settings, entry)
    else:
        raise BadInput(f"unknown decision {decision!r} (link with a title, or unlink)")
    return RedirectResponse(next if next.startswith("/") and not next.startswith("//") else "/", status_code=303)


@router.get("/search")
def search_page(
    request: Request, q: str = Query("", max_length=200), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """Search with instant results (htmx asks for the results fragment on every keystroke)."""
    hits = memo(request, ("search", q), lambda: search_titles(con, q, limit=20)) if q.strip() else []
    name = "_search_results.html" if request.headers.get("hx-target") == "results" else "search.html"
    return page(request, name, q=q, hits=hits)


@router.get("/charts")
def charts_page(
    request: Request, con: duckdb.DuckDBPyConnection = Depends(catalog),
    platform: str | None = Query(None, max_length=100), country: str | None = Query(None, max_length=10),
    week: str | None = Query(None, max_length=10), category: str | None = Query(None, max_length=100),
) -> Response:
    """Charts by platform, country, category and ISO week, with movers."""
    state = {"platform": platform or "", "country": country or "", "week": week or "", "category": category or ""}
    name = "_charts_body.html" if request.headers.get("hx-target") == "chart-tables" else "charts.html"
    charts = memo(request, ("charts", platform, country, week, category),
                  lambda: extras.charts(con, platform, country, week, category))
    return page(request, name, charts=charts, choices=memo(request, ("chart-choices",), lambda: extras.chart_choices(con)),
                state=state)


@router.get("/new")
def new_page(
    request: Request, days: int = Query(7, ge=1, le=3650),
    settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """What appeared on (or left) the person's services, from comparing offer snapshots."""
    from reelradar.analytics.availability import offer_changes

    changes = offer_changes(con, profile_or_default(request, settings), days=days)
    return page(request, "new.html", changes=changes, days=days)


@router.get("/profile")
def profile_page(
    request: Request, settings: Settings = Depends(settings_of), con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    """Profile (country, services), the watchlist, and imports of IMDb / Letterboxd / Trakt exports."""
    return page(request, "profile.html", profile=profile_or_default(request, settings), facets=memo(request, ("facets",), lambda: facets(con)),
                watchlist=extras.watchlist(request, con), import_kinds=extras.IMPORT_KINDS,
                store_error=extras.store_error(request), records=extras.records_to_check(request),
                done=request.query_params.get("done", "")[:300], max_mb=settings.upload_max_mb)


@router.post("/records/{record_id}/link")
def record_link(request: Request, record_id: int, title: str = Form(..., max_length=300),
                csrf: str | None = Form(None), settings: Settings = Depends(settings_of),
                con: duckdb.DuckDBPyConnection = Depends(catalog)) -> Response:
    """Say which catalog title a record of your history is (an id, or a name the search finds)."""
    check_state_change(request, csrf)
    try:
        view = link_record(settings, str(record_id), title)
    except ReelradarError as exc:
        return error_page(request, exc.kind, exc.http_status, exc.message)
    row = con.execute("SELECT title, year FROM title WHERE id = ?", [view.override_title_id]).fetchone()
    named = f"{row[0]} ({row[1] or 'year unknown'})" if row else str(view.override_title_id)
    done = f"Record #{record_id} ({view.record.title or 'untitled'}) is now linked to {named}."
    return RedirectResponse(query_url("/profile", {"done": done}) + "#h-records", status_code=303)


@router.post("/records/{record_id}/unlink")
def record_unlink(request: Request, record_id: int, csrf: str | None = Form(None),
                  settings: Settings = Depends(settings_of)) -> Response:
    """Say that a record is no title of the catalog: no later run will match it."""
    check_state_change(request, csrf)
    try:
        view = unlink_record(settings, str(record_id))
    except ReelradarError as exc:
        return error_page(request, exc.kind, exc.http_status, exc.message)
    done = f"Record #{record_id} ({view.record.title or 'untitled'}) is marked as no catalog title."
    return RedirectResponse(query_url("/profile", {"done": done}) + "#h-records", status_code=303)


@router.post("/profile")
def profile_save(
    request: Request, country: str = Form(""), services: list[str] = Form([]), csrf: str | None = Form(None),
    offer_types: list[str] = Form([]), settings: Settings = Depends(settings_of),
    con: duckdb.DuckDBPyConnection = Depends(catalog),
) -> Response:
    check_state_change(request, csrf)
    country = check_country(country) if country.strip() else ""
    profile = profile_or_default(request, settings)
    profile.country = country or None
    profile.services = check_services(con, [s.strip() for s in services if s.strip()][:50])
    profile.offer_types = [t for t in offer_types if t in OFFER_LABELS] or profile.offer_types
    user_store(request).save_profile(profile)
    return RedirectResponse("/profile?saved=1", status_code=303)


@router.post("/imports")
async def import_upload(request: Request) -> Response:
    """An export file (upload) imported into the user store; answers with the match report."""
    from reelradar.api.uploads import import_upload

    report = extras.report_view(await import_upload(request))
    return page(request, "_import_report.html", report=report)


@router.get("/unlock")
def unlock_form(request: Request, next: str = Query("/", max_length=300)) -> Response:
    return page(request, "unlock.html", next=next if next.startswith("/") and not next.startswith("//") else "/")


@router.post("/unlock")
def unlock(request: Request, token: str = Form(..., max_length=200), next: str = Form("/")) -> Response:
    """Keep the local token in an HttpOnly cookie, so this browser may change state (with CSRF tokens)."""
    import hmac

    if not hmac.compare_digest(token.strip().encode(), request.app.state.token.encode()):
        return page(request, "unlock.html", status=401, next=next, wrong=True)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    return sign_in(request, RedirectResponse(target, status_code=303))


def install(app: FastAPI) -> None:
    """Add the pages to ``app``; its error handlers render error pages through this module."""
    app.state.templates = make_templates()
    app.state.templates.env.globals["chip_url"] = chip_url
    app.state.templates.env.filters["person_url"] = person_url
    app.state.templates.env.globals["role_titles"] = ROLE_TITLES
    app.state.render_error_page = error_page
    app.include_router(router)
    media.install(app)  # posters from the local image cache (web/media.py)

