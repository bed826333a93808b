"""A digest as an Atom or RSS 2.0 feed, written by ``feedgen`` (a well-kept feed library, not
hand-made XML): one entry per digest item, its content the item's short story as HTML with its own
footnotes. Entry ids are stable for a title, a section and a period, so a reader that polls the feed
twice in one period sees each entry once."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from reelradar.errors import BadInput
from reelradar.story.model import Digest
from reelradar.story.render import item_html, story_url

FEED_KINDS = ("atom", "rss")


def digest_feed(digest: Digest, *, kind: str = "atom", base_url: str = "http://127.0.0.1:8000",
                feed_path: str = "/feed.xml", profile: str = "default") -> bytes:
    """The digest as a feed document (UTF-8 XML bytes)."""
    if kind not in FEED_KINDS:
        raise BadInput(f"unknown feed kind {kind!r}: use one of {', '.join(FEED_KINDS)}")
    base = base_url.rstrip("/")
    stamp = datetime.combine(digest.today, time(0, 0), tzinfo=UTC)
    fg = FeedGenerator()
    fg.id(f"{base}/feed.xml?profile={quote(profile)}")
    on = f" · on {', '.join(digest.services)}" if digest.services else ""
    where = f" in {digest.country}" if digest.country else ""
    fg.title(f"reelradar: {digest.title}{on}{where}")  # a reader tells one household member's feed from another's
    fg.subtitle(" · ".join(["What to watch, written from the catalog's facts", *digest.notes]))
    fg.link(href=f"{base}/digest", rel="alternate")
    fg.link(href=f"{base}{feed_path}", rel="self")
    fg.language(digest.language)
    fg.generator("reelradar")
    fg.updated(stamp)
    for i, sec in enumerate(digest.sections):
        for j, item in enumerate(sec.items):
            e = fg.add_entry(order="append")
            e.id(f"{base}/story/{item.id}#{sec.key}-{digest.since}" + ("" if profile == "default" else f"-{quote(profile)}"))
            e.title(f"{sec.heading}: {item.headline.text}")
            e.link(href=story_url(item.id, base))
            e.updated(stamp)
            e.published(stamp)
            e.summary(" ".join(s.text for s in item.sentences) or item.headline.text)
            e.content(item_html(digest, (i, j), base), type="html")
            e.category(term=sec.key, label=sec.heading)
    return fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)
