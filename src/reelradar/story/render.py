"""Stories and digests as Markdown, standalone HTML and JSON.

- Markdown: footnotes in the common ``[^n]`` syntax; text from the catalog is escaped, so a title can
  neither inject HTML nor Markdown markup.
- HTML: one standalone document readable in a mail client — inline styles only, no scripts, no
  external resources — rendered by Jinja2 with autoescaping on (templates/ beside this file).
- JSON: the records themselves (story/model.py), dates as ISO strings.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reelradar.errors import BadInput
from reelradar.story.model import Digest, Fact, Sentence, Story

FORMATS = ("markdown", "html", "json")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|^#)")


def md_escape(text: str) -> str:
    """Catalog text made inert in Markdown: markup characters backslashed, '&' as an entity."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


def md_sentence(s: Sentence) -> str:
    return md_escape(s.text) + "".join(f"[^{n}]" for n in s.notes)


def md_footnotes(facts: list[Fact]) -> list[str]:
    return [f"[^{f.n}]: {md_escape(f.text())}" for f in facts]


def story_url(title_id: str, base_url: str = "") -> str:
    return base_url.rstrip("/") + "/story/" + quote(title_id, safe=":")


def story_markdown(story: Story) -> str:
    lines = [f"# {md_sentence(story.headline)}", "", _byline(story.today, story.notes), ""]
    lines += [" ".join(md_sentence(s) for s in story.lead), ""]
    for sec in story.sections:
        lines += [f"## {md_escape(sec.heading)}", "", " ".join(md_sentence(s) for s in sec.sentences), ""]
    lines += md_footnotes(story.facts)
    return "\n".join(lines) + "\n"


def digest_markdown(digest: Digest, base_url: str = "") -> str:
    lines = [f"# {md_escape(digest.title)}", "", _byline(digest.today, digest.notes), ""]
    for sec in digest.sections:
        lines += [f"## {md_escape(sec.heading)}", "", f"*{md_escape(sec.intro)}*", ""]
        for item in sec.items:
            head = md_sentence(item.headline)
            if base_url:
                head = f"[{md_escape(item.headline.text)}]({story_url(item.id, base_url)})" + "".join(
                    f"[^{n}]" for n in item.headline.notes)
            mark = f" *({md_escape(item.mark)})*" if item.mark else ""
            lines += [f"### {head}", "", " ".join(md_sentence(s) for s in item.sentences) + mark, ""]
    if not digest.sections:
        lines += ["Nothing in the catalog fills this digest for these settings.", ""]
    lines += md_footnotes(digest.facts)
    return "\n".join(lines) + "\n"


def _byline(today: date, notes: list[str]) -> str:
    return "*" + md_escape(" · ".join([f"written by reelradar from its catalog on {today}", *notes])) + "*"


def _env() -> Environment:
    folder = str(resources.files("reelradar.story").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["story_url"] = story_url
    return env


_ENV: Environment | None = None


def env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = _env()
    return _ENV


def story_html(story: Story, base_url: str = "") -> str:
    return env().get_template("story.html").render(story=story, base_url=base_url)


def digest_html(digest: Digest, base_url: str = "") -> str:
    return env().get_template("digest.html").render(digest=digest, base_url=base_url)


def item_html(digest: Digest, index: tuple[int, int], base_url: str = "") -> str:
    """One digest item as an HTML fragment with its own footnotes (a feed entry's content)."""
    sec = digest.sections[index[0]]
    item = sec.items[index[1]]
    wanted = {n for s in (item.headline, *item.sentences) for n in s.notes}
    facts = [f for f in digest.facts if f.n in wanted]
    return env().get_template("_item.html").render(item=item, facts=facts, base_url=base_url, standalone=True)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def to_json(piece: Story | Digest) -> str:
    return json.dumps(piece.to_dict(), ensure_ascii=False, indent=2, default=_plain)


def render(piece: Story | Digest, fmt: str, base_url: str = "") -> str:
    """``piece`` in ``fmt`` (markdown, html or json)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return to_json(piece)
    if isinstance(piece, Story):
        return story_markdown(piece) if fmt == "markdown" else story_html(piece, base_url)
    return digest_markdown(piece, base_url) if fmt == "markdown" else digest_html(piece, base_url)
