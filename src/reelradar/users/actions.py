"""Library functions behind the record and profile commands (why-match, link, unlink, profile)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reelradar.analytics.filters import check_country, check_services
from reelradar.catalog.db import open_catalog
from reelradar.catalog.ensure import open_for_reading
from reelradar.catalog.search import find_title
from reelradar.config import Settings
from reelradar.model import Interaction, Profile
from reelradar.resolve.link import Match, resolver_for
from reelradar.users.store import ItemView, UserStore


def why_match(settings: Settings, ref: str) -> tuple[ItemView, Match | None]:
    """A record, the match stored for it (with its components) and, when a person overrode it,
    the manual match that wins."""
    with UserStore(settings.users_path) as store:
        view = store.item(ref)
    if view.override == "link" and view.override_title_id:
        con = open_for_reading(settings)
        try:
            return view, resolver_for(con, settings).manual(view.override_title_id)
        finally:
            con.close()
    if view.override == "unlink":
        return view, Match(None, "none", None, "manual", "unlinked by hand")
    return view, view.match


def link_record(settings: Settings, ref: str, title: str) -> ItemView:
    """Link record ``ref`` by hand to the catalog title ``title`` names (an id or a name)."""
    con = open_for_reading(settings)
    try:
        title_id = find_title(con, title)
    finally:
        con.close()
    with UserStore(settings.users_path) as store:
        return store.link(ref, title_id)


def unlink_record(settings: Settings, ref: str) -> ItemView:
    """Mark record ``ref`` by hand as no catalog title; automatic runs will not match it again."""
    with UserStore(settings.users_path) as store:
        return store.unlink(ref)


def update_profile(settings: Settings, *, name: str | None = None, country: str | None = None,
                   services: list[str] | None = None, offer_types: list[str] | None = None,
                   clear_services: bool = False) -> Profile:
    """Change the given fields of the profile (None: keep) and return it. The country must be an ISO
    3166 alpha-2 code; each service one reelradar knows (spelled as it knows it: "prime video" →
    "Prime Video"); blank services, or ``clear_services``, clear the list."""
    if country is not None:
        country = check_country(country)
    if clear_services:
        services = []
    elif services is not None:
        services = [s for s in services if s.strip()]
        if services:  # against the providers of the catalog too, when there is one
            con = open_catalog(settings.catalog_path) if settings.catalog_path.exists() else None
            try:
                services = check_services(con, services)
            finally:
                if con is not None:
                    con.close()
    with UserStore(settings.users_path) as store:
        profile = store.profile()
        changed = replace(profile, name=name if name is not None else profile.name,
                          country=country if country is not None else profile.country,
                          services=services if services is not None else profile.services,
                          offer_types=offer_types if offer_types is not None else profile.offer_types)
        if changed != profile:
            store.save_profile(changed)
        return store.profile()


SEEN = ("rated", "watched", "liked")


@dataclass
class YourHistory:
    """A person's history as the lists use it: the interactions, a mark per title ("seen, rated 5★",
    "on your watchlist") and the titles "what to watch next" leaves out (seen, rated, liked, dismissed)."""

    interactions: list[Interaction] = field(default_factory=list)
    marks: dict[str, str] = field(default_factory=dict)
    leave_out: list[str] = field(default_factory=list)


def rating_words(rating: float, scale: float | None) -> str:
    """A rating on the person's own scale: '4.5★' on a five-star scale, '9/10' on IMDb's."""
    if scale == 5:
        return f"{rating:g}★"
    return f"{rating:g}/{scale:g}" if scale else f"{rating:g}"


def history_marks(interactions: list[Interaction]) -> YourHistory:
    """Marks and the titles to leave out, from interactions (oldest first: the latest rating wins)."""
    actions: dict[str, set[str]] = {}
    rated: dict[str, str] = {}
    for i in interactions:
        if not i.title_id:
            continue
        actions.setdefault(i.title_id, set()).add(i.action)
        if i.action == "rated" and i.rating is not None:
            rated[i.title_id] = rating_words(i.rating, i.scale)
    out = YourHistory(interactions=list(interactions))
    for title_id, did in actions.items():
        words = ["seen"] if did & set(SEEN) else []
        words += ["liked"] if "liked" in did else []
        words += [f"rated {rated[title_id]}"] if title_id in rated else []
        words += ["on your watchlist"] if "watchlist" in did and not words else []
        words += ["dismissed"] if "dismissed" in did else []
        out.marks[title_id] = ", ".join(words)
        if did & {*SEEN, "dismissed"}:
            out.leave_out.append(title_id)
    return out


def your_history(settings: Settings) -> YourHistory:
    """The person's history from the user store (empty when there is none yet)."""
    if not settings.users_path.exists():
        return YourHistory()
    with UserStore(settings.users_path) as store:
        return history_marks(store.interactions())
