"""Templates of the web page: Jinja2 with autoescaping on, the package's own templates and static files."""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from reelradar.analytics.explain import OFFER_LABELS, offer_label, pct, score_label
from reelradar.analytics.hot import age_words
from reelradar.api.security import COOKIE, csrf_for, unlocked
from reelradar.web.urls import query_url, title_url


def where_words(country: str | None) -> str:
    """A chart's or an offer's country in words ('world' and an unstated country included)."""
    if country == "world":
        return "worldwide"
    return country if country and country != "?" else "country not stated"



def ago(day: date | None) -> str:
    """How long before today a day was: '4 months ago', 'today' (the page's own clock)."""
    return "date unknown" if day is None else age_words((date.today() - day).days)


def make_templates() -> Jinja2Templates:
    folder = str(resources.files("reelradar.web").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["title_url"] = title_url
    env.filters["pct"] = pct
    env.filters["where"] = where_words
    env.filters["ago"] = ago
    env.filters["score_label"] = score_label
    env.filters["offer_label"] = offer_label
    env.globals["offer_labels"] = OFFER_LABELS
    env.globals["query_url"] = query_url
    return Jinja2Templates(env=env)


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """Render a template with what every page needs: CSRF token (when unlocked), whether this is an
    htmx request (then fragments are enough), the profile's country."""
    templates: Jinja2Templates = request.app.state.templates
    is_unlocked = unlocked(request)
    base = {
        "request": request,
        "unlocked": is_unlocked,
        "csrf": csrf_for(request.app.state.token) if is_unlocked else "",
        "htmx": request.headers.get("hx-request") == "true",
        "path": request.url.path,
    }
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    # Pages mix the catalog with the person's own state and a CSRF token: never cached by others.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def error_page(request: Request, kind: str, status: int, message: str,
               headers: dict[str, str] | None = None) -> Response:
    if request.headers.get("hx-request") == "true":
        fragment = request.app.state.templates.env.get_template("_error.html").render(message=message, status=status)
        # Added to the target rather than replacing it, so the buttons or results stay usable.
        return HTMLResponse(fragment, status_code=status, headers={**(headers or {}), "HX-Reswap": "beforeend"})
    response = page(request, "error.html", status=status, kind=kind, code=status, message=message)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


__all__ = ["COOKIE", "error_page", "make_templates", "page", "query_url", "title_url"]
