"""Library functions behind the record and profile commands (why-match, link, unlink, profile)."""

from __future__ import annotations

from dataclasses import replace

from reelradar.catalog.ensure import open_for_reading
from reelradar.catalog.search import find_title
from reelradar.config import Settings
from reelradar.model import Profile
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
                   services: list[str] | None = None, offer_types: list[str] | None = None) -> Profile:
    """Change the given fields of the profile (None: keep) and return it."""
    with UserStore(settings.users_path) as store:
        profile = store.profile()
        changed = replace(profile, name=name if name is not None else profile.name,
                          country=country if country is not None else profile.country,
                          services=services if services is not None else profile.services,
                          offer_types=offer_types if offer_types is not None else profile.offer_types)
        if changed != profile:
            store.save_profile(changed)
        return store.profile()
